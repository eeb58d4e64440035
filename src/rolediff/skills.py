"""The skill taxonomy: canonical skills, the areas they roll up to, their aliases (k8s)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from rolediff import data
from rolediff.data.schema import Skill
from rolediff.errors import UnknownSkillError, suggest


def surface(text: str) -> str:
    """The form names and aliases are compared in: lower case, single spaces."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Taxonomy:
    by_id: dict[str, Skill]
    by_surface: dict[str, str]
    """lower-cased id, name or alias → skill id"""
    by_area: dict[str, tuple[Skill, ...]]

    def get(self, skill_id: str) -> Skill:
        """The skill with this canonical id."""
        try:
            return self.by_id[skill_id]
        except KeyError:
            raise UnknownSkillError(
                f"No skill has the id '{skill_id}'.", suggestions=suggest(skill_id, self.by_id)
            ) from None

    def resolve(self, text: str) -> Skill:
        """The skill a person means by an id, a name or an alias ("k8s", "Argo CD")."""
        skill_id = self.by_surface.get(surface(text))
        if skill_id is None:
            raise UnknownSkillError(
                f"'{text}' is not a skill rolediff knows.",
                suggestions=suggest(text, [s.name for s in self.by_id.values()]),
            )
        return self.by_id[skill_id]

    def areas(self) -> list[Skill]:
        return [s for s in self.by_id.values() if s.kind == "area"]

    def members(self, area_id: str) -> tuple[Skill, ...]:
        """The tools, languages and practices that roll up to an area."""
        return self.by_area.get(area_id, ())


@cache
def taxonomy() -> Taxonomy:
    by_id = {s.id: s for s in data.skills()}
    by_surface: dict[str, str] = {}
    by_area: dict[str, list[Skill]] = defaultdict(list)
    for skill in by_id.values():
        for form in (skill.id, skill.name, *skill.aliases):
            by_surface.setdefault(surface(form), skill.id)
        if skill.area is not None:
            by_area[skill.area].append(skill)
    return Taxonomy(by_id, by_surface, {k: tuple(v) for k, v in by_area.items()})


def get_skill(text: str) -> Skill:
    """Resolve a skill by id, name or alias."""
    return taxonomy().resolve(text)
