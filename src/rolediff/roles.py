"""Role profiles and the comparison of two roles over the article's five dimensions.

The dimensions, in the article's order: focus; roles and responsibilities; skills, background
and education; career prospects; salaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from rolediff import data
from rolediff.data.schema import (
    Level,
    PublishedCityRow,
    PublishedClaim,
    PublishedSalary,
    Requirement,
    Responsibility,
    RoleProfile,
    Source,
)
from rolediff.errors import RolediffError, UnknownRoleError, shorten, suggest
from rolediff.geo import Place, resolve_place
from rolediff.pay.models import CityRow, TakeHome
from rolediff.skills import taxonomy

COMPARISON_VERSION = "1"

T = TypeVar("T")


class Result(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class Pair(Result, Generic[T]):
    """The same thing for role A and role B."""

    a: T
    b: T


class Named(Result):
    id: str
    name: str


class RoleRef(Named):
    short_name: str


class FocusView(Result):
    summary: str
    optimises: str
    analogy: str
    steps_in: str
    phases: list[str]
    sources: list[str]


class ComparedSkill(Named):
    """A skill area with each role's level (null when the role does not list it) and examples."""

    category: str
    level_a: Level | None
    level_b: Level | None
    examples_a: list[Named]
    examples_b: list[Named]
    share_a: float | None = None
    """Share of role A's postings asking for at least one skill of the area (market data)."""
    share_b: float | None = None
    postings_a: int | None = None
    """Role A's postings asking for at least one skill of the area: share_a is postings_a of
    the dimension's n_a, rounded to four decimals (null when share_a is)."""
    postings_b: int | None = None
    sources: list[str]


class SkillsDimension(Result):
    shared: list[ComparedSkill]
    only_a: list[ComparedSkill]
    only_b: list[ComparedSkill]
    shares_source: str | None = None
    """Where share_a and share_b come from (the same postings as prospects.postings)."""
    n_a: int | None = None
    """Role A's postings, of which share_a is a share (null when there are no shares)."""
    n_b: int | None = None
    disputed: list[str] = []
    """Areas that one profile lists and the other not, whose postings say the opposite: the
    role without the area asks for it at least as often (a profile follows its sources, such as
    the article's skills table; the postings are the market's word on it)."""

    def disputed_areas(self) -> list[ComparedSkill]:
        """The `only_a` and `only_b` areas listed in `disputed`, in that order."""
        return [s for s in [*self.only_a, *self.only_b] if s.id in self.disputed]


class Cited(Named):
    sources: list[str]


class Overlap(Result):
    shared: list[Cited]
    only_a: list[Cited]
    only_b: list[Cited]


class EducationRow(Named):
    a: Requirement | None
    b: Requirement | None
    sources: list[str]


class OpeningsRow(Result):
    """Openings one job site showed for each role on the day the figures were taken."""

    platform: str
    a: int | None
    b: int | None
    label_a: str | None
    label_b: str | None
    approximate: bool
    as_of: str
    source: str


class PostingsProspect(Result):
    """What the bundled market snapshot (real postings) says of one role."""

    openings: int
    share_of_postings: float
    remote_share: float
    hybrid_share: float
    not_stated_share: float | None = None
    """Postings that state no work mode (known for your own store; the snapshot keeps none)."""
    pay_p50: float | None
    pay_n: int
    small_sample: bool
    all_postings: int | None = None
    """All postings in the market data: share_of_postings is openings of it."""
    remote: int | None = None
    """Postings stating remote work: remote_share is remote of openings (null from a snapshot
    built before the counts were kept)."""
    hybrid: int | None = None
    """Postings stating a hybrid work arrangement: hybrid_share is hybrid of openings."""
    not_stated: int | None = None
    """Postings stating no work mode: not_stated_share is not_stated of openings."""


class Prospects(Result):
    openings: list[OpeningsRow]
    notes: list[str]
    postings: Pair[PostingsProspect | None] | None = None
    """From the market snapshot: n postings per role, their remote and hybrid shares, median pay."""
    postings_source: str | None = None


class ArticleCheck(Result):
    """The article's after-tax figure for a city next to rolediff's, for the same gross pay."""

    role: str
    city: str
    monthly_salary: float
    article_after_tax_monthly: float
    computed_after_tax_monthly: float
    difference_monthly: float
    difference_share: float
    tax_year: int


class Salaries(Result):
    published: Pair[PublishedSalary | None]
    city_table: list[PublishedCityRow]
    claims: list[PublishedClaim]
    notes: list[str]
    take_home: Pair[TakeHome] | None = None
    """Each role's estimated salary carried to monthly take-home in the chosen city."""
    top_cities: Pair[list[CityRow]] | None = None
    """Each role's ten metros with the highest monthly take-home."""
    article_check: list[ArticleCheck] = []


class Comparison(Result):
    """Two roles side by side on the five dimensions; every item names its sources."""

    version: str
    a: RoleRef
    b: RoleRef
    city: Place | None
    focus: Pair[FocusView]
    responsibilities: Pair[list[Responsibility]]
    skills: SkillsDimension
    background: Overlap
    education: list[EducationRow]
    prospects: Prospects
    salaries: Salaries
    sources: dict[str, Source]


def list_roles() -> list[RoleProfile]:
    """Every role profile, in rolediff's order (DevOps, SRE, DevSecOps, Cloud, Platform)."""
    return list(data.role_profiles().values())


def get_role(role: str) -> RoleProfile:
    """A role by id ("sre"), short name ("SRE"), name or typical job title, or the discipline
    ("Site Reliability Engineering" for "Site Reliability Engineer")."""
    key = " ".join(role.lower().split())
    profiles = data.role_profiles()
    if key in profiles:
        return profiles[key]
    if not key:
        raise UnknownRoleError(f"No role given; rolediff knows {', '.join(profiles)}.")
    compact = re.sub(r"[\s_-]", "", key)  # "Dev Ops", "Dev-Sec-Ops"
    if compact in profiles:
        return profiles[compact]
    # "Site Reliability Engineering", and "Site Reliability" alone, name the discipline.
    keys = {key, re.sub(r"\bengineering$", "engineer", key), f"{key} engineer"}
    for profile in profiles.values():
        names = (profile.short_name, profile.name, *profile.titles)
        if keys & {" ".join(n.lower().split()) for n in names}:
            return profile
    choices = [*profiles, *(p.name for p in profiles.values())]
    raise UnknownRoleError(
        f"Unknown role '{shorten(role)}'; rolediff knows {', '.join(profiles)}.",
        # Five roles: always offer the closest, however far off the input is.
        suggestions=list(dict.fromkeys(_as_id(c) for c in suggest(role, choices, cutoff=0))),
    )


def _as_id(choice: str) -> str:
    for profile in data.role_profiles().values():
        if choice in (profile.id, profile.name):
            return profile.id
    return choice


def compare(
    a: str, b: str, city: str | Place | None = None, db: str | Path | None = None
) -> Comparison:
    """Compare two roles on focus, responsibilities, skills/background/education, prospects, pay.

    Postings-based prospects come from the bundled market snapshot, or from the user's own
    market store at ``db`` (see ``rolediff market ingest``).
    """
    role_a, role_b = get_role(a), get_role(b)
    if role_a.id == role_b.id:
        raise RolediffError(f"Compare two different roles (both are '{role_a.id}').")
    place = resolve_place(city) if isinstance(city, str) else city
    comparison = Comparison(
        version=COMPARISON_VERSION,
        a=_ref(role_a),
        b=_ref(role_b),
        city=place,
        focus=Pair(a=_focus(role_a), b=_focus(role_b)),
        responsibilities=Pair(a=role_a.responsibilities, b=role_b.responsibilities),
        skills=_skills(role_a, role_b, _area_stats(db)),
        background=_overlap(
            [Cited(id=x.id, name=x.name, sources=x.sources) for x in role_a.background],
            [Cited(id=x.id, name=x.name, sources=x.sources) for x in role_b.background],
        ),
        education=_education(role_a, role_b),
        prospects=_prospects(role_a.id, role_b.id, db),
        salaries=_salaries(role_a.id, role_b.id, place),
        sources={},
    )
    registry = data.sources()
    # Pay results list their sources as URLs; only the ids of the registry are cited here.
    cited = sorted(set(_cited_ids(comparison.model_dump())) & set(registry))
    return comparison.model_copy(update={"sources": {sid: registry[sid] for sid in cited}})


def _ref(role: RoleProfile) -> RoleRef:
    return RoleRef(id=role.id, name=role.name, short_name=role.short_name)


def _focus(role: RoleProfile) -> FocusView:
    return FocusView(
        summary=role.focus.summary,
        optimises=role.focus.optimises,
        analogy=role.focus.analogy,
        steps_in=role.lifecycle.steps_in,
        phases=list(role.lifecycle.phases),
        sources=sorted({*role.focus.sources, *role.lifecycle.sources}),
    )


class _Areas(NamedTuple):
    """One role's postings, and per skill area the share and number of them asking for it."""

    n: int
    shares: dict[str, float]
    counts: dict[str, int]


def _area_stats(db: str | Path | None) -> dict[str, _Areas]:
    """Role → its skill areas in the postings, from the snapshot or the store at ``db``."""
    if db is not None:
        return _store_areas(db)
    return {
        role: _Areas(
            n=stats["n"],
            shares={area: a["share"] for area, a in areas.items()},
            counts={area: a["n"] for area, a in areas.items()},
        )
        for role, stats in _snapshot()["roles"].items()
        if (areas := stats.get("areas"))
    }


def _store_areas(db: str | Path) -> dict[str, _Areas]:
    from rolediff.market import role_area_counts

    return {
        role: _Areas(
            n=n, shares={area: round(c / n, 4) for area, c in counts.items()}, counts=counts
        )
        for role, (n, counts) in role_area_counts(db).items()
    }


def _skills(role_a: RoleProfile, role_b: RoleProfile, areas: dict[str, _Areas]) -> SkillsDimension:
    tax = taxonomy()
    areas_a, areas_b = areas.get(role_a.id), areas.get(role_b.id)
    in_a = {s.id: s for s in role_a.skills}
    in_b = {s.id: s for s in role_b.skills}

    def entry(skill_id: str) -> ComparedSkill:
        area = tax.get(skill_id)
        sa, sb = in_a.get(skill_id), in_b.get(skill_id)
        return ComparedSkill(
            id=area.id,
            name=area.name,
            category=area.category,
            level_a=sa.level if sa else None,
            level_b=sb.level if sb else None,
            examples_a=[_named(x) for x in sa.examples] if sa else [],
            examples_b=[_named(x) for x in sb.examples] if sb else [],
            share_a=areas_a.shares.get(skill_id, 0.0) if areas_a else None,
            share_b=areas_b.shares.get(skill_id, 0.0) if areas_b else None,
            postings_a=areas_a.counts.get(skill_id, 0) if areas_a else None,
            postings_b=areas_b.counts.get(skill_id, 0) if areas_b else None,
            sources=sorted({*(sa.sources if sa else ()), *(sb.sources if sb else ())}),
        )

    only_a = [entry(i) for i in in_a if i not in in_b]
    only_b = [entry(i) for i in in_b if i not in in_a]
    disputed = [
        e.id
        for e in [*only_a, *only_b]
        if e.share_a is not None
        and e.share_b is not None
        and (e.share_b >= e.share_a if e.level_a else e.share_a >= e.share_b)
    ]
    return SkillsDimension(
        shared=[entry(i) for i in in_a if i in in_b],
        only_a=only_a,
        only_b=only_b,
        disputed=disputed,
        shares_source="share of each role's postings asking for a skill of the area: "
        "the postings of prospects.postings_source"
        if areas
        else None,
        n_a=areas_a.n if areas_a else None,
        n_b=areas_b.n if areas_b else None,
    )


def _named(skill_id: str) -> Named:
    skill = taxonomy().get(skill_id)
    return Named(id=skill.id, name=skill.name)


def _overlap(items_a: list[Cited], items_b: list[Cited]) -> Overlap:
    ids_a, ids_b = {x.id for x in items_a}, {x.id for x in items_b}
    return Overlap(
        shared=[x for x in items_a if x.id in ids_b],
        only_a=[x for x in items_a if x.id not in ids_b],
        only_b=[x for x in items_b if x.id not in ids_a],
    )


def _education(role_a: RoleProfile, role_b: RoleProfile) -> list[EducationRow]:
    in_a = {e.id: e for e in role_a.education}
    in_b = {e.id: e for e in role_b.education}
    rows = []
    for edu_id in dict.fromkeys([*in_a, *in_b]):
        ea, eb = in_a.get(edu_id), in_b.get(edu_id)
        first = ea or eb
        assert first is not None
        rows.append(
            EducationRow(
                id=edu_id,
                name=first.name,
                a=ea.requirement if ea else None,
                b=eb.requirement if eb else None,
                sources=sorted({*(ea.sources if ea else ()), *(eb.sources if eb else ())}),
            )
        )
    return rows


def _notes(dimension: str, roles: Iterable[str]) -> list[str]:
    wanted = set(roles)
    return [
        n.text
        for n in data.published_figures().notes
        if n.dimension == dimension and wanted & set(n.roles)
    ]


def _prospects(a: str, b: str, db: str | Path | None) -> Prospects:
    figures = data.published_figures().openings
    rows = []
    for platform in dict.fromkeys(f.platform for f in figures):
        fa = next((f for f in figures if f.platform == platform and f.role == a), None)
        fb = next((f for f in figures if f.platform == platform and f.role == b), None)
        first = fa or fb
        if first is None:
            continue
        rows.append(
            OpeningsRow(
                platform=platform,
                a=fa.openings if fa else None,
                b=fb.openings if fb else None,
                label_a=fa.column_label if fa else None,
                label_b=fb.column_label if fb else None,
                approximate=any(f.approximate for f in (fa, fb) if f),
                as_of=first.as_of,
                source=first.source,
            )
        )
    notes = _notes("prospects", (a, b))
    if not rows:
        notes.append("The bundled sources publish no openings counts for these roles.")
    pair, source = _snapshot_postings(a, b) if db is None else _store_postings(a, b, db)
    return Prospects(openings=rows, notes=notes, postings=pair, postings_source=source)


@cache
def _snapshot() -> dict[str, Any]:
    """The bundled market snapshot as plain JSON (rolediff.market's models cost more to import
    than this path can afford)."""
    snapshot: dict[str, Any] = json.loads(data.read_text("market/snapshot.json"))
    return snapshot


def _snapshot_postings(a: str, b: str) -> tuple[Pair[PostingsProspect | None], str]:
    snapshot = _snapshot()
    corpus = snapshot["corpus"]
    span = corpus.get("date_range") or {}
    source = (
        f"{corpus['postings']:,} real postings ({span.get('first')} to {span.get('last')}), "
        f"market snapshot of {snapshot['as_of']} (a store of your own postings, made by "
        "`rolediff market ingest`, takes its place when given)"
    )
    total = corpus["postings"]
    return Pair(a=_postings(snapshot, a, total), b=_postings(snapshot, b, total)), source


def _store_postings(a: str, b: str, db: str | Path) -> tuple[Pair[PostingsProspect | None], str]:
    from rolediff.market import report

    found = report(db=db)
    openings = {c.key: c for c in found.openings.by_role}
    modes = {w.role: w for w in found.work_mode}
    pays = {p.role: p for p in found.pay}

    def one(role: str) -> PostingsProspect | None:
        count = openings.get(role)
        if count is None:
            return None
        mode, pay = modes.get(role), pays.get(role)
        return PostingsProspect(
            openings=count.n,
            share_of_postings=count.share,
            remote_share=mode.remote_share if mode else 0.0,
            hybrid_share=mode.hybrid_share if mode else 0.0,
            not_stated_share=mode.unknown_share if mode else 1.0,
            pay_p50=pay.p50 if pay else None,
            pay_n=pay.n_usd if pay else 0,
            small_sample=count.n < found.small_sample_threshold,
            all_postings=found.n,
            remote=mode.remote if mode else 0,
            hybrid=mode.hybrid if mode else 0,
            not_stated=mode.unknown if mode else count.n,
        )

    span = found.date_range
    source = f"{found.n:,} postings in your store {found.db} ({span.first} to {span.last})"
    return Pair(a=one(a), b=one(b)), source


def _postings(snapshot: dict[str, Any], role: str, total: int) -> PostingsProspect | None:
    stats = snapshot["roles"].get(role)
    if stats is None:
        return None
    pay = stats.get("pay") or {}
    return PostingsProspect(
        openings=stats["openings"],
        share_of_postings=round(stats["openings"] / total, 4) if total else 0.0,
        remote_share=stats["remote_share"],
        hybrid_share=stats["hybrid_share"],
        pay_p50=pay.get("p50"),
        pay_n=pay.get("n", 0),
        small_sample=stats["small_sample"],
        all_postings=total,
        remote=stats.get("remote"),
        hybrid=stats.get("hybrid"),
    )


def _salaries(a: str, b: str, place: Place | None) -> Salaries:
    figures = data.published_figures()
    published = {s.role: s for s in figures.salaries}
    rows = [r for r in figures.city_table if r.role in (a, b)]
    claims = [c for c in figures.claims if c.role in (a, b)]
    notes = _notes("salaries", (a, b))
    if place is not None:
        rows = [r for r in rows if resolve_place(r.place).cbsa_code == place.cbsa_code]
        claims = [c for c in claims if resolve_place(c.place).cbsa_code == place.cbsa_code]
        if not rows and not claims:
            notes.append(f"The article publishes no city figures for {place.label}.")
    for role in (a, b):
        if role not in published:
            name = data.role_profiles()[role].short_name
            notes.append(f"The bundled sources publish no national salary figures for {name}.")
    salaries = Salaries(
        published=Pair(a=published.get(a), b=published.get(b)),
        city_table=rows,
        claims=claims,
        notes=notes,
    )
    return salaries if place is None else _with_take_home(salaries, a, b, place)


TOP_CITIES = 10


def article_tax_year() -> int:
    """The tax year under whose law the article's after-tax figures are checked: the year of the
    article's date (``tax_check`` in ``data/article/figures.toml`` says why)."""
    return data.published_figures().tax_check.tax_year


def _with_take_home(salaries: Salaries, a: str, b: str, place: Place) -> Salaries:
    """Add both roles' take-home in the place, their top cities, and the article check."""
    from rolediff.pay.take_home import rank_cities, take_home

    checks, filing, tax_year = [], "", article_tax_year()
    for row in data.published_figures().city_table:
        if row.role not in (a, b):
            continue
        ours = take_home(row.monthly_salary * 12, row.place, year=tax_year)
        gap, filing = ours.after_tax_monthly - row.monthly_after_tax, ours.filing_status
        checks.append(
            ArticleCheck(
                role=row.role,
                city=row.city_label,
                monthly_salary=row.monthly_salary,
                article_after_tax_monthly=row.monthly_after_tax,
                computed_after_tax_monthly=ours.after_tax_monthly,
                difference_monthly=round(gap, 2),
                difference_share=round(gap / row.monthly_after_tax, 4),
                tax_year=tax_year,
            )
        )
    notes = list(salaries.notes)
    if checks:
        shares = sorted(k.difference_share for k in checks)
        notes.append(
            f"On the same gross pay, rolediff's after-tax pay under {tax_year} law "
            f"({filing.replace('_', ' ')} filer, standard deduction) differs from the "
            f"article's by {shares[0]:+.1%} to {shares[-1]:+.1%} across its {len(checks)} "
            "city rows (the article check sets them side by side)."
        )
    return salaries.model_copy(
        update={
            "take_home": Pair(a=take_home(role=a, place=place), b=take_home(role=b, place=place)),
            "top_cities": Pair(
                a=rank_cities(role=a, top=TOP_CITIES), b=rank_cities(role=b, top=TOP_CITIES)
            ),
            "article_check": checks,
            "notes": notes,
        }
    )


def _cited_ids(node: object) -> Iterable[str]:
    """Every source id cited anywhere in a dumped result (keys ``source`` and ``sources``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield value
            elif key == "sources" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _cited_ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _cited_ids(item)
