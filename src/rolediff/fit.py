"""Fit: how close a person is to each role, what is missing, and in what order to learn it.

A role needs the skill areas of its profile (core or common) and, when market statistics are
available, the areas its postings ask for often. Each area weighs its profile level and the share
of the role's postings asking for it; a person covers an area by naming it or enough of its
tools. The method, with a worked example, is in ``docs/fit.md``.
"""

from __future__ import annotations

import importlib
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rolediff import data
from rolediff.data.schema import RoleProfile, Slug, Source
from rolediff.errors import RolediffError, check_is_file, suggest_many
from rolediff.roles import Named, Result, get_role, list_roles
from rolediff.skills import SkillHit, find_skills, skill_matcher, surface, taxonomy

FIT_VERSION = "1"

LEVEL_WEIGHT = {"core": 1.0, "common": 0.5, "market": 0.0}
"""Weight of a skill area from the role profile alone."""
PROFILE_SHARE = 0.5
"""With market data, an area's weight is this much profile level and the rest posting share."""
MARKET_ONLY_SHARE = 0.25
"""An area the profile leaves out still counts when at least this share of postings ask for it."""
ENOUGH_TOOLS = 2
"""Member skills that cover an area in full (one covers half)."""
PROFICIENCY = {"beginner": 0.5, "intermediate": 0.75, "advanced": 1.0, "expert": 1.0}
"""How much of a skill a stated level counts for (no level: all of it)."""
MIN_PAY_N = 30
"""Postings with pay asking for a skill below which no pay premium is shown."""
LEARN_SUGGESTIONS = 3
SIMILAR_RESPONSIBILITY = 0.25
"""Word overlap (Jaccard) from which two roles' responsibilities count as the same duty."""

Proficiency = Literal["beginner", "intermediate", "advanced", "expert"]
GapLevel = Literal["core", "common", "market"]


# --- inputs ---------------------------------------------------------------------------------


class ProfileSkill(BaseModel):
    """One skill of a --profile file, with an optional level and years of experience."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    level: Proficiency | None = None
    years: float | None = Field(default=None, ge=0, le=60)

    @field_validator("level", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class Profile(BaseModel):
    """A --profile file: ``skills: [{name: k8s, level: advanced, years: 3}, "terraform"]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    skills: list[ProfileSkill] = Field(min_length=1)

    @field_validator("skills", mode="before")
    @classmethod
    def _bare_names(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value


MAX_PROFILE_BYTES = 1_000_000


def load_profile(path: str | Path) -> Profile:
    """Read and validate a YAML profile, with a one-line message for any mistake."""
    import yaml

    path = Path(path)
    check_is_file(path)
    if path.stat().st_size > MAX_PROFILE_BYTES:
        raise RolediffError(f"{path.name} is larger than 1 MB; is it really a skills profile?")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise RolediffError(f"{path.name} is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RolediffError(f"{path.name} is not valid YAML{where}: {problem}.") from None
    return _validate_profile(raw, path.name)


def _validate_profile(raw: object, label: str) -> Profile:
    if not isinstance(raw, Mapping):
        raise RolediffError(f"{label}: expected a mapping with a 'skills' list.")
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'profile'}: {e['msg']}"
            for e in exc.errors()[:3]
        )
        raise RolediffError(f"{label}: {problems}.") from None


# --- market weights -------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketWeights:
    """What postings ask for, per role: the share of postings naming each skill, with counts."""

    shares: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """role → skill id → share of the role's postings asking for it"""
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """role → skill id → postings asking for it"""
    postings: Mapping[str, int] = field(default_factory=dict)
    """role → postings in the sample"""
    pay_premiums: Mapping[str, Mapping[str, tuple[float, int]]] = field(default_factory=dict)
    """role → skill id → (median pay asking for it minus the role's median, postings with pay)"""
    as_of: str | None = None
    note: str = ""

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> MarketWeights:
        """From the bundled snapshot's shape: ``{"as_of", "roles": {role: {"n", "skills":
        {id: {"share", "n", "pay"?: {"p50", "n"}}}, "pay": {"p50"?}}}}``."""
        shares: dict[str, dict[str, float]] = {}
        counts: dict[str, dict[str, int]] = {}
        postings: dict[str, int] = {}
        premiums: dict[str, dict[str, tuple[float, int]]] = {}
        for role, stats in snapshot.get("roles", {}).items():
            skills = stats.get("skills", {})
            shares[role] = {k: float(v["share"]) for k, v in skills.items()}
            counts[role] = {k: int(v["n"]) for k, v in skills.items() if "n" in v}
            if "n" in stats:
                postings[role] = int(stats["n"])
            median = (stats.get("pay") or {}).get("p50")
            if median is not None:
                premiums[role] = {
                    k: (float(v["pay"]["p50"]) - float(median), int(v["pay"]["n"]))
                    for k, v in skills.items()
                    if (v.get("pay") or {}).get("p50") is not None
                }
        as_of = snapshot.get("as_of")
        return cls(shares, counts, postings, premiums, str(as_of) if as_of else None)

    def has(self, role: str) -> bool:
        return bool(self.shares.get(role))


PROFILE_ONLY = MarketWeights(note="profile only: no market weights were given")


@cache
def default_market() -> MarketWeights:
    """Shares from ``rolediff.market`` (the bundled snapshot); profile-only when unavailable."""
    try:
        # import_module, not "from rolediff import market": it honours sys.modules, so tests
        # (and stripped-down installs) can take the module away.
        market = importlib.import_module("rolediff.market")
    except ImportError:
        return MarketWeights(note="profile only: rolediff.market is not installed")
    try:
        shares = market.role_skill_shares()
    except (OSError, ValueError, KeyError, data.DataError) as exc:
        return MarketWeights(note=f"profile only: no market snapshot ({exc})")
    if not shares:
        return MarketWeights(note="profile only: the market snapshot is empty")
    details = MarketWeights.from_snapshot(market.load_snapshot().model_dump(mode="json"))
    return MarketWeights(
        shares=shares,
        counts=details.counts,
        postings=details.postings,
        pay_premiums=details.pay_premiums,
        as_of=details.as_of,
    )


def _market(market: MarketWeights | Mapping[str, Any] | None) -> MarketWeights:
    if market is None:
        return default_market()
    if isinstance(market, MarketWeights):
        return market
    return MarketWeights.from_snapshot(market)


# --- the prerequisite graph -----------------------------------------------------------------


class PrerequisiteEdge(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    before: Slug
    after: Slug
    references: list[Slug] = Field(min_length=1)
    note: str = Field(min_length=1)


class Certifies(BaseModel):
    """Holding ``certification`` means knowing each of ``skills`` (CKA → Kubernetes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certification: Slug
    skills: list[Slug] = Field(min_length=1)
    references: list[Slug] = Field(min_length=1)
    note: str = Field(min_length=1)


@dataclass(frozen=True)
class PrerequisiteGraph:
    """Which skills to learn before which; an edge into an area holds for its members too."""

    edges: tuple[PrerequisiteEdge, ...]
    references: Mapping[str, Source]
    direct: Mapping[str, frozenset[str]]
    """skill id → the ids that come directly before it"""
    certifies: tuple[Certifies, ...] = ()
    """certifications and the skills whose knowledge they attest"""

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> PrerequisiteGraph:
        """Validate: known skill ids, defined references, and no cycle (DataError otherwise)."""
        try:
            edges = tuple(PrerequisiteEdge.model_validate(e) for e in raw.get("edge", []))
            certifies = tuple(Certifies.model_validate(c) for c in raw.get("certifies", []))
            refs = {r.id: r for r in (Source.model_validate(x) for x in raw.get("reference", []))}
        except ValidationError as exc:
            raise data.DataError(f"prerequisites: {exc}") from exc
        known = taxonomy().by_id
        for ids, cited in [
            *(((e.before, e.after), e.references) for e in edges),
            *(((c.certification, *c.skills), c.references) for c in certifies),
        ]:
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise data.DataError(f"prerequisites: unknown skill id(s) {unknown}")
            missing = [r for r in cited if r not in refs]
            if missing:
                raise data.DataError(f"prerequisites: undefined reference(s) {missing}")
        direct: dict[str, set[str]] = {}
        for edge in edges:
            direct.setdefault(edge.after, set()).add(edge.before)
        graph = cls(edges, refs, {k: frozenset(v) for k, v in direct.items()}, certifies)
        cycle = graph.find_cycle()
        if cycle:
            raise data.DataError(f"prerequisites: cycle {' → '.join(cycle)}")
        return graph

    def before(self, skill_id: str) -> frozenset[str]:
        """What to know before this skill: its own prerequisites and its area's."""
        area = taxonomy().by_id[skill_id].area
        inherited = self.direct.get(area, frozenset()) if area else frozenset()
        return (self.direct.get(skill_id, frozenset()) | inherited) - {skill_id}

    def find_cycle(self) -> list[str]:
        """A cycle as a list of ids (first id repeated at the end), or [] when there is none."""
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        stack: list[str] = []

        def visit(node: str) -> list[str]:
            state[node] = 1
            stack.append(node)
            for prior in sorted(self.before(node)):
                if state.get(prior) == 1:
                    return [*stack[stack.index(prior) :], prior]
                if prior not in state and (found := visit(prior)):
                    return found
            stack.pop()
            state[node] = 2
            return []

        for node in sorted(taxonomy().by_id):
            if node not in state and (found := visit(node)):
                return found
        return []

    def cited(
        self, pairs: Iterable[tuple[str, str]], certifications: Iterable[str] = ()
    ) -> dict[str, Source]:
        """The references behind the given (before, after) edges and certifications."""
        wanted = set(pairs)
        held = set(certifications)
        ids = {r for e in self.edges if (e.before, e.after) in wanted for r in e.references}
        ids |= {r for c in self.certifies if c.certification in held for r in c.references}
        return {i: self.references[i] for i in sorted(ids)}


@cache
def prerequisite_graph() -> PrerequisiteGraph:
    return PrerequisiteGraph.from_data(data.read_toml("prerequisites/prerequisites.toml"))


# --- results --------------------------------------------------------------------------------


class Recognised(Named):
    """A skill found in the input, with the text that matched it."""

    area: str | None
    matched: list[str]
    count: int
    level: Proficiency | None = None
    years: float | None = None


class Unrecognised(Result):
    """An input item or a technical-looking résumé term that is not in the taxonomy."""

    text: str
    count: int
    suggestions: list[str] = Field(default_factory=list)


class Gap(Named):
    """A skill area a role needs that the person does not fully cover."""

    level: GapLevel
    importance: float
    """points of the role's score (0-100) that covering the area would add"""
    coverage: float
    share: float | None
    """share of the role's postings asking for the area or its most asked-for skill"""
    share_skill: str | None
    n: int | None
    """postings asking for it"""
    postings: int | None
    """postings for the role in the sample"""
    learn: list[Named]
    prerequisites: list[str]
    missing_prerequisites: list[str]
    prerequisites_met: bool
    pay_premium: float | None
    """median pay of postings asking for it minus the role's median (dollars a year)"""
    pay_n: int | None


class PathStep(Named):
    step: int
    kind: Literal["gap", "prerequisite"]
    area: str | None
    serves: list[str]
    """the gap areas (for a gap step) or the steps (for a prerequisite) it is learned for"""
    value: float
    """points of the target role's score it leads to"""
    after: list[str]
    """earlier steps it builds on"""


class Duty(Result):
    """A responsibility of the new role with no counterpart in the old one."""

    text: str
    sources: list[str]
    skills: list[Named]


class Transition(Result):
    from_role: Named
    to_role: Named
    take_on: list[Duty]
    areas_to_add: list[Named]
    """areas the new role lists and the old one does not"""
    areas_to_deepen: list[Named]
    """areas that are common for the old role and core for the new one"""
    gaps: list[Gap]


class FitReport(Result):
    version: str
    inputs: list[Literal["skills", "resume", "profile", "role"]]
    weights_source: Literal["market", "profile"]
    market_as_of: str | None
    notes: list[str]
    scores: dict[str, float]
    """role id → score in [0, 1], best first"""
    difference: str
    recognised: list[Recognised]
    unrecognised: list[Unrecognised]
    gaps: dict[str, list[Gap]]
    target: str
    path: list[PathStep]
    transition: Transition | None
    references: dict[str, Source]
    """the works behind the prerequisite edges the path and gaps use"""


# --- the computation ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Need:
    """One skill area a role asks for, with its weight."""

    area: str
    level: GapLevel
    members: frozenset[str]
    examples: tuple[str, ...]
    share: float | None
    share_skill: str | None
    weight: float


@dataclass
class _Held:
    id: str
    factor: float
    matched: list[str]
    count: int = 1
    level: Proficiency | None = None
    years: float | None = None


def fit(
    skills: str | Sequence[str] | None = None,
    resume_text: str | None = None,
    target: str | None = None,
    profile: Profile | Mapping[str, Any] | str | Path | None = None,
    market: MarketWeights | Mapping[str, Any] | None = None,
    from_role: str | None = None,
    to_role: str | None = None,
) -> FitReport:
    """Score a person against every role, rank the gaps, and lay out a learning path.

    ``skills`` is a comma-separated string or a list (aliases resolve: "k8s"); ``resume_text``
    is free text; ``profile`` a :class:`Profile`, its mapping, or a YAML file path. ``market``
    defaults to the bundled snapshot; pass :data:`PROFILE_ONLY` or a snapshot-shaped mapping.
    With ``from_role`` and ``to_role`` the report adds transition advice, and with no skills
    given the person is taken to have the ``from_role`` profile's areas.
    """
    if (from_role is None) != (to_role is None):
        raise RolediffError(
            "Give both roles for transition advice: the one you are in (from)"
            " and the one you want (to)."
        )
    if (
        from_role is not None
        and to_role is not None
        and get_role(from_role).id == get_role(to_role).id
    ):
        raise RolediffError(
            "The role to move from and the role to move to are the same role:"
            " give two different roles."
        )
    if target is not None and to_role is not None and get_role(target).id != get_role(to_role).id:
        raise RolediffError(
            f"The target ({target}) and the role to move to ({to_role}) differ: the learning path"
            " leads to the role you move to, so give one of them."
        )
    if skills is not None and not _split_items(skills):
        raise RolediffError("No skills given: separate skills with commas (linux, k8s).")
    if resume_text is not None and not resume_text.strip():
        raise RolediffError("The résumé text is empty.")
    weights = _market(market)
    held: dict[str, _Held] = {}
    unrecognised: list[Unrecognised] = []
    inputs: list[Literal["skills", "resume", "profile", "role"]] = []
    if skills is not None:
        inputs.append("skills")
        unrecognised += _add_items(_split_items(skills), held)
    if profile is not None:
        inputs.append("profile")
        unrecognised += _add_profile(_profile(profile), held)
    if resume_text is not None:
        inputs.append("resume")
        unrecognised += _add_resume(resume_text, held)
    graph = prerequisite_graph()
    certified = _add_certified(held, graph)
    recognised_order = list(held)
    if not inputs:
        if from_role is None:
            raise RolediffError(
                "Give skills, a résumé or a profile (or the roles to move from and to)."
            )
        inputs.append("role")
        for entry in get_role(from_role).skills:
            held[entry.id] = _Held(entry.id, 1.0, [f"{from_role} profile"])

    factors = {h.id: h.factor for h in held.values()}
    known = _known(factors)
    roles = list_roles()
    scores: dict[str, float] = {}
    gaps: dict[str, list[Gap]] = {}
    for role in roles:
        needs = _needs(role, weights)
        scores[role.id] = _score(needs, factors)
        gaps[role.id] = _gaps(role.id, needs, factors, known, weights, graph)
    ranked = dict(sorted(scores.items(), key=lambda kv: -kv[1]))
    best = next(iter(ranked))
    path_role = get_role(target).id if target else get_role(to_role).id if to_role else best
    path = _path(gaps[path_role], factors, known, graph)
    change = None
    if from_role is not None and to_role is not None:
        change = _transition(get_role(from_role), get_role(to_role), gaps[get_role(to_role).id])
    used = _used_edges(graph, [*gaps.values()], path, known)
    notes = [weights.note] if weights.note else []
    if not held:
        notes.append(
            "No skill was recognised in the input, so every role scores 0 and the learning"
            " path starts from the beginning; see 'Not recognised' for what was left out."
        )
    return FitReport(
        version=FIT_VERSION,
        inputs=inputs,
        weights_source="market" if any(weights.has(r.id) for r in roles) else "profile",
        market_as_of=weights.as_of,
        notes=notes,
        scores=ranked,
        difference=_difference(ranked, path_role, change),
        recognised=[_recognised(held[i]) for i in recognised_order],
        unrecognised=_merge_unrecognised(unrecognised),
        gaps=gaps,
        target=path_role,
        path=path,
        transition=change,
        references=graph.cited(used, certified),
    )


def transition(
    from_role: str, to_role: str, market: MarketWeights | Mapping[str, Any] | None = None
) -> Transition:
    """Moving from one role to another: the duties to take on and the areas to add or deepen,
    with the skill gaps of someone who has exactly the old role's profile."""
    report = fit(market=market, from_role=from_role, to_role=to_role)
    assert report.transition is not None
    return report.transition


class AreaWeight(Result):
    """One row of a score: an area's weight for the role and how much of it a person covers."""

    area: str
    level: GapLevel
    share: float | None
    weight: float
    coverage: float


def breakdown(
    role: str, skills: str | Sequence[str], market: MarketWeights | Mapping[str, Any] | None = None
) -> list[AreaWeight]:
    """The areas behind a role's score for a list of skills (the score is the weighted mean of
    coverage); ``docs/fit.md`` shows one."""
    held: dict[str, _Held] = {}
    _add_items(_split_items(skills), held)
    _add_certified(held, prerequisite_graph())
    factors = {h.id: h.factor for h in held.values()}
    return [
        AreaWeight(
            area=n.area,
            level=n.level,
            share=n.share,
            weight=round(n.weight, 4),
            coverage=round(_coverage(n, factors), 4),
        )
        for n in _needs(get_role(role), _market(market))
    ]


def _profile(profile: Profile | Mapping[str, Any] | str | Path) -> Profile:
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, Mapping):
        return _validate_profile(profile, "profile")
    return load_profile(profile)


_ITEM_SPLIT = re.compile(r"[,;\n]+")


def _split_items(skills: str | Sequence[str]) -> list[str]:
    items = _ITEM_SPLIT.split(skills) if isinstance(skills, str) else list(skills)
    return [i.strip() for i in items if i.strip()]


def _hold(held: dict[str, _Held], skill_id: str, factor: float, matched: str, **extra: Any) -> None:
    current = held.get(skill_id)
    if current is None:
        held[skill_id] = _Held(skill_id, factor, [matched], **extra)
        return
    current.factor = max(current.factor, factor)
    current.count += 1
    if matched not in current.matched:
        current.matched.append(matched)
    for key, value in extra.items():
        if value is not None:
            setattr(current, key, value)


def _add_items(
    items: Iterable[str], held: dict[str, _Held], factor: float = 1.0
) -> list[Unrecognised]:
    """Resolve each item as a whole (an id, name or alias), else find skills inside it; an item
    given several times counts once (and is listed once, with its count, if unknown)."""
    tax = taxonomy()
    unknown: dict[str, int] = {}
    for item, count in Counter(items).items():
        whole = _whole_item(item)
        if whole:
            for skill_id in whole:
                _hold(held, skill_id, factor, item)
            continue
        hits = find_skills(item)
        for hit in hits:
            _hold(held, hit.id, factor, item)
        if not hits:
            unknown[item] = count
    # Whole names only, and close ones: "Promethus" is Prometheus; "React" is no "C". All the
    # unknown items at once: one fuzzy search each would prepare every name again (2,000 unknown
    # items took seconds).
    names = [s.name for s in tax.by_id.values()]
    near = suggest_many(list(unknown), names, cutoff=_SUGGEST_CUTOFF, whole=True)
    return [
        Unrecognised(text=item, count=count, suggestions=suggestions)
        for (item, count), suggestions in zip(unknown.items(), near, strict=True)
    ]


def _whole_item(item: str) -> list[str]:
    """The skills an item names as a whole: the skill whose id, name or alias it is, and the
    second skill that form counts toward in text too ("AWS certification": AWS and a cloud
    certification); none when it is no skill's form."""
    skill_id = taxonomy().by_surface.get(surface(item))
    if skill_id is None:
        return []
    also = skill_matcher().also_credits(skill_id, item)
    return [skill_id] if also is None else [skill_id, also]


_SUGGEST_CUTOFF = 70.0
"""How alike (rapidfuzz ratio, 0-100) a skill's name must be to an unknown item to be offered."""


def _add_profile(profile: Profile, held: dict[str, _Held]) -> list[Unrecognised]:
    unknown = []
    for entry in profile.skills:
        factor = PROFICIENCY[entry.level] if entry.level else 1.0
        before = set(held)
        unknown += _add_items([entry.name], held, factor)
        for skill_id in set(held) - before:
            held[skill_id].level = entry.level
            held[skill_id].years = entry.years
    return unknown


def _add_resume(text: str, held: dict[str, _Held]) -> list[Unrecognised]:
    # A résumé's links name no skills: "github.com/jordan" is not GitHub experience (the matcher
    # itself leaves out only links with a scheme, "www." or "@": postings seldom write others).
    links = _link_spans(text)
    in_link = _overlapping(links)
    hits = []
    for hit in find_skills(text):
        hit.spans = [(a, b) for a, b in hit.spans if not in_link(a, b)]
        hit.count = len(hit.spans)
        if hit.spans:
            hits.append(hit)
    for hit in hits:
        # One space for any run of white space: a match may run across a line break (the cells
        # "Terraform" and "Cloud" of a table's rows read as "Terraform Cloud").
        forms = list(dict.fromkeys(" ".join(text[a:b].split()) for a, b in hit.spans))
        for form in forms:
            _hold(held, hit.id, 1.0, form)
        held[hit.id].count = hit.count
    listed, unrecognised = _resume_terms(text, hits, links)
    for skill_id, form in listed:
        _hold(held, skill_id, 1.0, form)
    return unrecognised


def _add_certified(held: dict[str, _Held], graph: PrerequisiteGraph) -> list[str]:
    """Credit each certification held with the skills it attests (a CKA holder knows
    Kubernetes), at the certification's own level, matched by the certification's text; the
    certifications that added a skill are returned (their references are cited)."""
    used = []
    for rule in graph.certifies:
        cert = held.get(rule.certification)
        if cert is None:
            continue
        for skill_id in rule.skills:
            if skill_id in held and held[skill_id].factor >= cert.factor:
                continue
            used.append(rule.certification)
            for form in cert.matched:
                _hold(held, skill_id, cert.factor, form, level=cert.level, years=cert.years)
    return list(dict.fromkeys(used))


def _recognised(h: _Held) -> Recognised:
    skill = taxonomy().get(h.id)
    return Recognised(
        id=skill.id,
        name=skill.name,
        area=skill.area,
        matched=h.matched,
        count=h.count,
        level=h.level,
        years=h.years,
    )


def _known(factors: Mapping[str, float]) -> frozenset[str]:
    """Skills the person has, and the areas they have at least one skill of."""
    by_id = taxonomy().by_id
    areas = {by_id[i].area for i in factors}
    return frozenset(factors) | {a for a in areas if a is not None}


def _needs(role: RoleProfile, market: MarketWeights) -> list[_Need]:
    tax = taxonomy()
    shares = market.shares.get(role.id, {})
    blend = PROFILE_SHARE if shares else 1.0
    needs = []

    def need(area: str, level: GapLevel, examples: Sequence[str]) -> _Need:
        members = frozenset({m.id for m in tax.members(area)} | set(examples))
        share, skill = _area_share(area, members, shares) if shares else (None, None)
        weight = blend * LEVEL_WEIGHT[level] + (1 - blend) * (share or 0.0)
        return _Need(area, level, members, tuple(examples), share, skill, weight)

    for entry in role.skills:
        needs.append(need(entry.id, entry.level, entry.examples))
    if shares:
        listed = {entry.id for entry in role.skills}
        for area in tax.areas():
            if area.id not in listed:
                extra = need(area.id, "market", ())
                if (extra.share or 0.0) >= MARKET_ONLY_SHARE:
                    needs.append(extra)
    return needs


def _area_share(
    area: str, members: Iterable[str], shares: Mapping[str, float]
) -> tuple[float, str | None]:
    """The share of postings asking for the area itself or its most asked-for skill — a lower
    bound of the share asking for any of them."""
    best, best_id = 0.0, None
    for skill_id in (area, *sorted(members)):
        share = shares.get(skill_id, 0.0)
        if share > best:
            best, best_id = share, skill_id
    return best, best_id


def _coverage(need: _Need, factors: Mapping[str, float]) -> float:
    tools = sum(factors.get(m, 0.0) for m in need.members)
    return min(1.0, max(factors.get(need.area, 0.0), tools / ENOUGH_TOOLS))


def _score(needs: Sequence[_Need], factors: Mapping[str, float]) -> float:
    total = sum(n.weight for n in needs)
    if total == 0:
        return 0.0
    return round(sum(n.weight * _coverage(n, factors) for n in needs) / total, 4)


def _gaps(
    role: str,
    needs: Sequence[_Need],
    factors: Mapping[str, float],
    known: frozenset[str],
    market: MarketWeights,
    graph: PrerequisiteGraph,
) -> list[Gap]:
    tax = taxonomy()
    total = sum(n.weight for n in needs) or 1.0
    shares = market.shares.get(role, {})
    gaps = []
    for need in needs:
        coverage = _coverage(need, factors)
        if coverage >= 1.0:
            continue
        learn = _to_learn(need, factors, shares)
        nodes = {need.area, *learn}
        before = sorted({p for node in nodes for p in graph.before(node)} - nodes)
        missing = [p for p in before if p not in known]
        premium = market.pay_premiums.get(role, {}).get(need.share_skill or "")
        area = tax.get(need.area)
        gaps.append(
            Gap(
                id=area.id,
                name=area.name,
                level=need.level,
                importance=round(100 * need.weight * (1 - coverage) / total, 1),
                coverage=round(coverage, 2),
                share=None if need.share is None else round(need.share, 3),
                share_skill=need.share_skill,
                n=market.counts.get(role, {}).get(need.share_skill or ""),
                postings=market.postings.get(role),
                learn=[Named(id=i, name=tax.get(i).name) for i in learn],
                prerequisites=before,
                missing_prerequisites=missing,
                prerequisites_met=not missing,
                pay_premium=round(premium[0]) if premium and premium[1] >= MIN_PAY_N else None,
                pay_n=premium[1] if premium else None,
            )
        )
    gaps.sort(key=lambda g: (-g.importance, g.id))
    return gaps


def _to_learn(need: _Need, factors: Mapping[str, float], shares: Mapping[str, float]) -> list[str]:
    """The skills to start with: what postings ask for most, the profile's examples first."""
    asked = [m for m in sorted(need.members) if shares.get(m, 0.0) > 0]
    candidates = [c for c in dict.fromkeys([*need.examples, *asked]) if c not in factors]
    candidates.sort(key=lambda i: -shares.get(i, 0.0))  # stable: the profile's examples on ties
    return candidates[:LEARN_SUGGESTIONS]


def _path(
    gaps: Sequence[Gap],
    factors: Mapping[str, float],
    known: frozenset[str],
    graph: PrerequisiteGraph,
) -> list[PathStep]:
    """The gaps' skills and their missing prerequisites, prerequisites first, then by value."""
    own: dict[str, float] = {}
    serves: dict[str, list[str]] = {}
    kind: dict[str, Literal["gap", "prerequisite"]] = {}
    rank: dict[str, int] = {}  # place in its gap's "start with" list: breaks ties in value
    for gap in gaps:
        enough = math.ceil((1 - gap.coverage) * ENOUGH_TOOLS)
        targets = [s.id for s in gap.learn][:enough] or [gap.id]
        for place, skill_id in enumerate(targets):
            if skill_id in factors:
                continue
            rank[skill_id] = min(place, rank.get(skill_id, place))
            own[skill_id] = own.get(skill_id, 0.0) + gap.importance / len(targets)
            serves.setdefault(skill_id, []).append(gap.id)
            kind[skill_id] = "gap"
    tax = taxonomy()
    needs_first: dict[str, set[str]] = {}
    todo = sorted(own)
    while todo:
        node = todo.pop()
        needs_first[node] = set()
        for prior in sorted(graph.before(node)):
            if prior in known:
                continue
            # An area is learned through the path's own skills of it, when it has some.
            stand_in = _stand_in(prior, node, own, kind, rank, graph)
            if stand_in is not None:
                needs_first[node].add(stand_in)
                continue
            if prior not in own:
                own[prior] = 0.0
                kind[prior] = "prerequisite"
                todo.append(prior)
            needs_first[node].add(prior)
            if kind[prior] == "prerequisite" and node not in serves.setdefault(prior, []):
                serves[prior].append(node)
    steps = set(own)

    @cache
    def value(skill_id: str) -> float:
        unlocked = [value(n) for n in steps if skill_id in needs_first[n]]
        return max([own[skill_id], *unlocked])

    order: list[PathStep] = []
    done: set[str] = set()
    while len(done) < len(steps):
        ready = [s for s in steps - done if needs_first[s] <= done] or list(steps - done)
        pick = min(ready, key=lambda s: (-value(s), rank.get(s, LEARN_SUGGESTIONS), s))
        done.add(pick)
        skill = tax.get(pick)
        order.append(
            PathStep(
                id=pick,
                name=skill.name,
                step=len(order) + 1,
                kind=kind[pick],
                area=skill.area,
                serves=serves.get(pick, []),
                value=round(value(pick), 1),
                after=sorted(needs_first[pick]),
            )
        )
    return order


def _stand_in(
    area: str,
    node: str,
    own: Mapping[str, float],
    kind: Mapping[str, str],
    rank: Mapping[str, int],
    graph: PrerequisiteGraph,
) -> str | None:
    """The path's most valuable gap skill of ``area`` that can come before ``node``, if any
    (on a tie, the one the path puts first)."""
    by_id = taxonomy().by_id
    members = [
        s
        for s in own
        if kind[s] == "gap"
        and s != node
        and by_id[s].area == area
        and not _requires(s, node, graph)
    ]
    return min(members, key=lambda s: (-own[s], rank[s], s)) if members else None


def _requires(skill_id: str, prior: str, graph: PrerequisiteGraph) -> bool:
    """Whether ``prior`` is, directly or not, a prerequisite of ``skill_id``."""
    seen: set[str] = set()
    todo = [skill_id]
    while todo:
        for before in graph.before(todo.pop()):
            if before == prior:
                return True
            if before not in seen:
                seen.add(before)
                todo.append(before)
    return False


def _used_edges(
    graph: PrerequisiteGraph,
    gap_lists: Sequence[Sequence[Gap]],
    path: Sequence[PathStep],
    known: frozenset[str],
) -> list[tuple[str, str]]:
    """The (before, after) edges behind the prerequisites the report names."""
    tax = taxonomy()
    nodes = {s.id for s in path}
    for gaps in gap_lists:
        for gap in gaps:
            nodes |= {gap.id, *(s.id for s in gap.learn)}
    used = []
    for edge in graph.edges:
        for node in nodes:
            if edge.after in (node, tax.by_id[node].area) and edge.before in graph.before(node):
                used.append((edge.before, edge.after))
                break
    return used


def _difference(scores: Mapping[str, float], target: str, change: Transition | None) -> str:
    """'12 points closer to SRE than to DevOps', for the move, the target, or the top two."""
    if change is not None:
        a, b = change.to_role.id, change.from_role.id
    else:
        others = [r for r in scores if r != target]
        a, b = target, others[0]
    points = round(100 * (scores[a] - scores[b]))
    if points < 0:
        a, b, points = b, a, -points
    name_a, name_b = get_role(a).short_name, get_role(b).short_name
    if points == 0:
        return f"as close to {name_a} as to {name_b}"
    return f"{points} point{'s' if points != 1 else ''} closer to {name_a} than to {name_b}"


_WORD = re.compile(r"[a-z]+")
_FILLER = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "up",
        "with",
        "within",
        "whole",
        "new",
        "before",
        "after",
        "keep",
        "make",
        "run",
        "set",
        "all",
        "out",
    }
)


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in _WORD.findall(text.lower()) if w not in _FILLER)


def _transition(old: RoleProfile, new: RoleProfile, gaps: list[Gap]) -> Transition:
    tax = taxonomy()
    old_areas = {s.id: s.level for s in old.skills}
    old_duties = [_stems(r.text) for r in old.responsibilities]
    take_on = []
    for duty in new.responsibilities:
        words = _stems(duty.text)
        overlap = max((len(words & o) / len(words | o) for o in old_duties), default=0.0)
        if overlap >= SIMILAR_RESPONSIBILITY:
            continue
        areas = dict.fromkeys(h.area or h.id for h in find_skills(duty.text))
        take_on.append(
            Duty(
                text=duty.text,
                sources=list(duty.sources),
                skills=[Named(id=a, name=tax.get(a).name) for a in areas if a not in old_areas],
            )
        )
    return Transition(
        from_role=Named(id=old.id, name=old.name),
        to_role=Named(id=new.id, name=new.name),
        take_on=take_on,
        areas_to_add=[
            Named(id=s.id, name=tax.get(s.id).name) for s in new.skills if s.id not in old_areas
        ],
        areas_to_deepen=[
            Named(id=s.id, name=tax.get(s.id).name)
            for s in new.skills
            if s.level == "core" and old_areas.get(s.id) == "common"
        ],
        gaps=gaps,
    )


# --- words a résumé uses that the taxonomy does not know ------------------------------------

_TOKEN = re.compile(r"(?<![\w.+#/-])[A-Za-z][\w.+#/-]*[\w+#]|(?<![\w.+#/-])[A-Za-z](?![\w])")
_TECHNICAL = re.compile(
    r"[a-z][A-Z]"  # CamelCase: GitHub, DynamoDB
    r"|[A-Za-z]\d|\d[A-Za-z]"  # letters with digits: EC2, S3, Log4j
    r"|^[A-Z]{2,6}s?$"  # acronyms: REST, VPCs
    r"|[A-Za-z][.+#][A-Za-z+#]|[+#]$"  # Node.js, C++, C#
)
_BARE_DOMAIN = re.compile(r"[(\[<]*[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|co|ai|app)\b")
"""A run of text starting with a domain in lower case (linkedin.com/in/me, me.dev; not ASP.NET)."""
_LIST_SEPARATORS = re.compile(r"\s*(?:[,;|•·▪●]|\s/\s)\s*")
_RESUME_WORDS = frozenset(
    {
        "i",
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "at",
        "for",
        "on",
        "with",
        "by",
        "my",
        "we",
        "our",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "skills",
        "summary",
        "experience",
        "education",
        "projects",
        "certifications",
        "certificates",
        "languages",
        "tools",
        "technologies",
        "present",
        "current",
        "remote",
        "resume",
        "cv",
        "gpa",
        "usa",
        "us",
        "uk",
        "eu",
        "llc",
        "inc",
        "ltd",
        "corp",
        "co",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "pty",
        "bs",
        "ba",
        "ms",
        "ma",
        "mba",
        "phd",
        "bsc",
        "msc",
        "beng",
        "meng",
        "ceo",
        "cto",
        "cio",
        "vp",
        "hr",
        "pm",
        "am",
        "it",
    }
)
MAX_UNRECOGNISED = 40


def _resume_terms(
    text: str, hits: Sequence[SkillHit], links: list[tuple[int, int]]
) -> tuple[list[tuple[str, str]], list[Unrecognised]]:
    """What the skill matcher left: the items of comma- or bullet-separated skill lists that
    name a skill exactly ("Go" in "Tools: Go, Chef, Puppet"), as (skill id, text), and the
    technical-looking tokens (EC2, Node.js, REST) and list items that name none; ordinary
    words, links (``links``: `_link_spans` of the text) and the taxonomy's own names are left
    out."""
    tax = taxonomy()
    in_link = _overlapping(links)
    in_skill_or_link = _overlapping([*links, *(span for hit in hits for span in hit.spans)])
    ignored = {s.state_abbr.lower() for s in data.states()} | _role_words()
    listed: list[tuple[str, str]] = []

    found: dict[str, list[str]] = {}
    taken: set[int] = set()  # where list items start: a token there is the same occurrence

    def keep(term: str) -> None:
        key = term.lower()
        if key in _RESUME_WORDS or key in ignored or not any(c.isalpha() for c in term):
            return
        if surface(term) not in tax.by_surface:
            found.setdefault(key, []).append(term)

    offset = 0
    for line in text.splitlines(keepends=True):
        items = [
            (item, offset + start)
            for item, start in _list_items(line)
            if not in_link(offset + start, offset + start + len(item))
        ]
        unknown = [(i, at) for i, at in items if not in_skill_or_link(at, at + len(i))]
        # Only lists made mostly of known skills are skill lists (not "Raleigh, NC · email").
        if 2 * len(unknown) <= len(items):
            for item, start in unknown:
                taken.add(start)
                whole = _whole_item(item)
                if not whole:
                    keep(item)
                listed += [(skill_id, item) for skill_id in whole]
        offset += len(line)
    for match in _TOKEN.finditer(text):
        token = match.group().rstrip(".")
        at = match.start()
        if (
            _TECHNICAL.search(token)
            and at not in taken
            and not in_skill_or_link(at, at + len(token))
        ):
            keep(token)
    unrecognised = [
        Unrecognised(text=forms[0], count=len(forms))
        for forms in list(found.values())[:MAX_UNRECOGNISED]
    ]
    return listed, unrecognised


def _link_spans(text: str) -> list[tuple[int, int]]:
    """The runs of text between spaces that hold a URL, an e-mail address or a bare domain, with
    what is attached to them ([GitHub](https://github.com/me)). Run by run: a regular expression
    searched over the text would take quadratic time on a long run without spaces."""
    spans = []
    for run in re.finditer(r"\S+", text):
        word = run.group()
        low = word.lower()
        if "://" in low or "www." in low or "@" in word or _BARE_DOMAIN.match(word):
            spans.append(run.span())
    return spans


def _overlapping(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether the text from ``start`` to ``stop`` overlaps any of the spans, in
    logarithmic time."""
    merged: list[tuple[int, int]] = []  # sorted, overlapping or touching spans joined
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    starts = [start for start, _ in merged]

    def overlaps(start: int, stop: int) -> bool:
        before = bisect_left(starts, stop)  # the spans starting before `stop`; the last ends last
        return before > 0 and merged[before - 1][1] > start

    return overlaps


@cache
def _role_words() -> frozenset[str]:
    return frozenset(
        name.lower() for p in list_roles() for name in (p.id, p.short_name, p.name, *p.titles)
    )


def _list_items(line: str) -> list[tuple[str, int]]:
    """The short items of a list line ("Skills: Python, Foo, Bar Baz"), with their offsets."""
    body_start = line.find(":") + 1 if ":" in line[:40] else 0
    body = line[body_start:]
    parts = [(m.start(), m.end()) for m in _LIST_SEPARATORS.finditer(body)]
    if len(parts) < 2:
        return []
    items = []
    start = 0
    for a, b in [*parts, (len(body), len(body))]:
        raw = body[start:a]
        item = raw.strip().strip("-*\u2013\u2014.()[]")
        if item and len(item) <= 30 and len(item.split()) <= 3:
            items.append((item, body_start + start + raw.find(item)))
        start = b
    return items


def _merge_unrecognised(items: Sequence[Unrecognised]) -> list[Unrecognised]:
    merged: dict[str, Unrecognised] = {}
    for item in items:
        key = item.text.lower()
        if key in merged:
            old = merged[key]
            merged[key] = old.model_copy(update={"count": old.count + item.count})
        else:
            merged[key] = item
    return list(merged.values())
