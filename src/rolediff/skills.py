"""The skill taxonomy: canonical skills, the areas they roll up to, their aliases (k8s)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rolediff import data
from rolediff.data.schema import Skill
from rolediff.errors import UnknownSkillError, suggest

if TYPE_CHECKING:
    import numpy as np


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


@dataclass(frozen=True)
class SkillHit:
    """One skill found in a text: how often, and where (character offsets, end exclusive)."""

    id: str
    name: str
    category: str
    area: str | None
    count: int
    spans: list[tuple[int, int]]


_URL_MARKERS = ("://", "www.", "@")
_SPACE = re.compile(r"\s")


def _url_spans(low: str) -> list[tuple[int, int]]:
    """The whitespace-delimited runs holding a URL or an e-mail address (skills inside them,
    such as HTTPS in https://…, do not count). Found by str.find: a regex over the whole
    posting would cost more than the rest of the matching."""
    spans = set()
    for marker in _URL_MARKERS:
        at = low.find(marker)
        while at != -1:
            left = at
            while left > 0 and not low[left - 1].isspace():
                left -= 1
            space = _SPACE.search(low, at)
            right = space.start() if space else len(low)
            spans.add((left, right))
            at = low.find(marker, max(right, at + 1))
    return sorted(spans)


@dataclass(frozen=True)
class _Rule:
    cased: frozenset[str]
    context: re.Pattern[str] | None
    window: int
    not_before: frozenset[str]


def lower_same_length(text: str) -> str:
    """Lower-case without changing any offset (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@cache
def _separator_table() -> np.ndarray:
    """True for code points that separate words: punctuation, symbols, spaces and controls,
    except '+' and '#' ("C++", "C#"). Code points beyond the table count as letters."""
    import numpy as np

    table = np.zeros(0x3000, dtype=bool)
    for code in range(len(table)):
        char = chr(code)
        table[code] = unicodedata.category(char)[0] in "PSZC" and char not in "+#"
    return table


def spaced(low: str) -> str:
    """Every separator turned into a space, offsets unchanged, so that an automaton looking for
    " kubernetes " finds the word and only the word."""
    import numpy as np

    separator = _separator_table()
    codes = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    known = codes < len(separator)
    codes[np.flatnonzero(known)[separator[codes[known]]]] = ord(" ")
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


@dataclass(frozen=True)
class Prepared:
    """A text with its lower-case and word-spaced forms, computed once and shared."""

    text: str
    low: str
    spaced: str

    @classmethod
    def of(cls, text: str) -> Prepared:
        low = lower_same_length(text)
        return cls(text, low, spaced(low))


class SkillMatcher:
    """Finds taxonomy skills in free text: Aho-Corasick over names and aliases, whole words only.

    Overlapping matches keep the longest ("Google Kubernetes Engine" over "Kubernetes"); forms
    that are also ordinary words obey the context rules in ``skills/context_rules.toml``.
    """

    def __init__(self, tax: Taxonomy | None = None) -> None:
        import ahocorasick

        tax = tax or taxonomy()
        rules = data.skill_context_rules()
        stop = {surface(s) for s in rules.stop}
        self._tax = tax
        self._rules: dict[tuple[str, str], _Rule] = {}
        for rule in rules.rule:
            context = None
            if rule.context:
                words = "|".join(re.escape(w.lower()) for w in rule.context)
                context = re.compile(rf"(?<![\w+#])(?:{words})(?![\w+#])")
            for form in rule.forms:
                self._rules[(rule.skill, spaced(surface(form)).strip())] = _Rule(
                    frozenset(rule.cased), context, rule.window, frozenset(rule.not_before)
                )
        self._automaton = ahocorasick.Automaton()
        for form, skill_id in tax.by_surface.items():
            core = spaced(form)
            if form in stop or not core.strip():
                continue
            key = f" {core} "
            lead = len(key) - len(key.lstrip(" "))
            trail = len(key) - len(key.rstrip(" "))
            context_rule = self._rules.get((skill_id, core.strip()))
            self._automaton.add_word(key, (skill_id, len(key), lead, trail, context_rule))
        self._automaton.make_automaton()

    def find(self, text: str | Prepared) -> list[SkillHit]:
        """Skills in a text, most mentioned first (ties by first position)."""
        prepared = text if isinstance(text, Prepared) else Prepared.of(text)
        text, low = prepared.text, prepared.low
        padded = f" {prepared.spaced} "
        urls = _url_spans(low)
        candidates = []
        for end, (skill_id, length, lead, trail, rule) in self._automaton.iter(padded):
            start = end - length + lead  # offsets in `text`: padded has one extra leading space
            stop = end - trail
            if rule is not None and not self._passes(rule, text, low, start, stop):
                continue
            if urls and any(a <= start < b for a, b in urls):
                continue
            candidates.append((start, stop, skill_id))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        spans: dict[str, list[tuple[int, int]]] = {}
        last_stop = -1
        for start, stop, skill_id in candidates:
            if start >= last_stop:
                spans.setdefault(skill_id, []).append((start, stop))
                last_stop = stop
        hits = []
        for skill_id, where in spans.items():
            skill = self._tax.by_id[skill_id]
            hits.append(
                SkillHit(skill_id, skill.name, skill.category, skill.area, len(where), where)
            )
        hits.sort(key=lambda h: (-h.count, h.spans[0][0]))
        return hits

    @staticmethod
    def _passes(rule: _Rule, text: str, low: str, start: int, stop: int) -> bool:
        if rule.cased and text[start:stop] not in rule.cased:
            return False
        if rule.not_before:
            following = low[stop : stop + 24].lstrip(" -").split(maxsplit=1)
            if following and following[0].strip(".,;:!?)") in rule.not_before:
                return False
        if rule.context is not None:
            origin = max(0, start - rule.window)
            window = low[origin : stop + rule.window]
            # The match itself is no evidence for itself ("go" is a context word for "c").
            return any(
                origin + m.end() <= start or origin + m.start() >= stop
                for m in rule.context.finditer(window)
            )
        return True


@cache
def skill_matcher() -> SkillMatcher:
    """The shared matcher over the packaged taxonomy (built once per process)."""
    return SkillMatcher()


def find_skills(text: str | Prepared) -> list[SkillHit]:
    """Skills mentioned in a text (a posting, a résumé), with counts and offsets."""
    return skill_matcher().find(text)
