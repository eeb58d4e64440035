"""The shareable report: the article rewritten for one reader from data (``rolediff report``).

:func:`build_report` gathers the results (the five-dimension comparison, take-home pay in the
reader's city, the best metros for each role, the fit of the reader's skills) and the works and
datasets they rest on, each with its date. :func:`render_html` lays them out as one
self-contained HTML page (inline CSS, charts as inline SVG drawn offline by vl-convert, no
script and no external URL), :func:`render_markdown` as GitHub Markdown, and
:func:`write_report` writes either atomically.

Both formats render the same document (:class:`Section` objects built by ``_document``), so they
carry the same text and tables; the Markdown refers to its charts as SVG files written beside
it (``write_report``) or leaves them out (``render_markdown`` without ``chart_files``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rolediff import data
from rolediff._version import __version__
from rolediff.data.schema import Source
from rolediff.errors import RolediffError, check_output_file, write_atomically
from rolediff.fit import FitReport, Gap
from rolediff.fit_views import asking
from rolediff.geo import Place, resolve_place
from rolediff.pay.models import CityRow, TakeHome
from rolediff.render import Table
from rolediff.roles import (
    ComparedSkill,
    Comparison,
    Pair,
    PostingsProspect,
    Result,
    RoleRef,
    SkillsDimension,
    compare,
    get_role,
)
from rolediff.views import ABSENT, CLAIM_LABELS, dollars, from_counts

if TYPE_CHECKING:
    from jinja2 import Environment

    from rolediff.charts import ChartSpec

REPORT_VERSION = "1"
TOP_METROS = 10
"""Metros listed and charted for each role."""
TOP_GAPS = 8
"""Gaps listed per role in the fit section."""

ReportFormat = Literal["html", "md"]
SUFFIXES: dict[str, ReportFormat] = {".html": "html", ".htm": "html", ".md": "md"}
FORMAT_NAMES: dict[str, ReportFormat] = {"html": "html", "htm": "html", "md": "md"}
FORMAT_NAMES["markdown"] = "md"


# --- the gathered results ------------------------------------------------------------------


class Reference(Result):
    """A work or a packaged dataset that figures of the report come from, with its date."""

    key: str
    """The registry id of a work, or ``data-`` and the id of a packaged dataset."""
    kind: Literal["work", "dataset"]
    title: str
    publisher: str
    author: str | None = None
    as_of: str
    """The work's date, or the dataset's vintage (the snapshot date for the market data)."""
    urls: list[str]
    licence: str | None = None


class Report(Result):
    """Everything a report shows: the results and the references they cite."""

    version: str
    rolediff_version: str
    generated: str
    """The day the report was built (ISO date)."""
    a: RoleRef
    b: RoleRef
    city: Place | None
    comparison: Comparison
    take_home: Pair[TakeHome] | None
    """Each role's estimated salary carried to monthly take-home in ``city``."""
    top_cities: Pair[list[CityRow]]
    """Each role's best metros by monthly take-home, on each metro's estimated salary."""
    ranking_year: int
    """The tax year of ``top_cities``."""
    fit: FitReport | None
    market_as_of: str | None
    references: list[Reference]


def build_report(
    a: str,
    b: str,
    *,
    city: str | Place | None = None,
    skills: str | Sequence[str] | None = None,
    resume_text: str | None = None,
    year: int | None = None,
    target: str | None = None,
    generated: date | None = None,
) -> Report:
    """Gather the report on roles ``a`` and ``b``: the comparison, take-home pay in ``city``
    (tax ``year``, by default the latest covered), the best metros for each role and, with
    ``skills`` or ``resume_text``, the reader's fit with a learning path toward ``target`` (by
    default whichever of the two roles the reader is closer to)."""
    from rolediff.fit import fit
    from rolediff.pay.take_home import rank_cities, take_home

    if target is not None:
        get_role(target)  # an unknown role fails before any work
        if skills is None and resume_text is None:
            raise RolediffError(
                "A target lays out a learning path from your skills: give skills or a résumé too."
            )
    place = resolve_place(city) if isinstance(city, str) else city
    comparison = compare(a, b, city=place)
    ra, rb = comparison.a, comparison.b
    salaries = comparison.salaries
    pay = salaries.take_home
    if place is not None and (pay is None or year is not None):
        pay = Pair(
            a=take_home(role=ra.id, place=place, year=year),
            b=take_home(role=rb.id, place=place, year=year),
        )
    top = salaries.top_cities
    if top is None or year is not None or len(top.a) < TOP_METROS:
        top = Pair(
            a=rank_cities(role=ra.id, top=TOP_METROS, year=year),
            b=rank_cities(role=rb.id, top=TOP_METROS, year=year),
        )
    if place is not None:
        # The comparison carries the same figures as the report's own sections.
        comparison = comparison.model_copy(
            update={"salaries": salaries.model_copy(update={"take_home": pay, "top_cities": top})}
        )
    fitted = None
    if skills is not None or resume_text is not None:
        fitted = fit(skills=skills, resume_text=resume_text, target=target)
        if target is None:
            scores = fitted.scores
            closer = max((ra.id, rb.id), key=lambda role: scores[role])
            if fitted.target != closer:
                fitted = fit(skills=skills, resume_text=resume_text, target=closer)
    market_as_of = _market_as_of()
    return Report(
        version=REPORT_VERSION,
        rolediff_version=__version__,
        generated=(generated or date.today()).isoformat(),
        a=ra,
        b=rb,
        city=place,
        comparison=comparison,
        take_home=pay,
        top_cities=top,
        ranking_year=year if year is not None else _ranking_year(),
        fit=fitted,
        market_as_of=market_as_of,
        references=_references(comparison, pay, fitted, market_as_of),
    )


def _market_as_of() -> str | None:
    from rolediff.market import load_snapshot

    try:
        return str(load_snapshot().as_of)
    except (OSError, ValueError, data.DataError):
        return None


def _ranking_year() -> int:
    """The tax year rank_cities uses by default: the latest one every ranked metro's state
    covers."""
    from rolediff.pay.living import metro_places
    from rolediff.pay.take_home import covered_years

    states = {p.state: p for p in metro_places() if p.state != "PR"}
    common = set.intersection(*(set(covered_years(p)) for p in states.values()))
    return max(common)


# --- references ----------------------------------------------------------------------------

PAY_DATASETS = ("wages", "living", "tax-federal", "tax-state", "tax-local", "tax-payroll", "geo")
"""Datasets behind every take-home figure: salary estimates, living costs, taxes, places."""


def _references(
    c: Comparison, pay: Pair[TakeHome] | None, fitted: FitReport | None, market_as_of: str | None
) -> list[Reference]:
    """Every cited work (registry and prerequisite references), then every dataset used."""
    registry = data.sources()
    by_url = {s.url: s for s in registry.values()}
    works: dict[str, Source] = dict(c.sources)
    pay_urls = [
        u for t in ((pay.a, pay.b) if pay else ()) for u in t.sources if u.startswith("http")
    ]
    for url in pay_urls:
        if url in by_url:
            works.setdefault(by_url[url].id, by_url[url])
    if fitted is not None:
        for key, source in fitted.references.items():
            works.setdefault(key, source)
    datasets = {d.id: d for d in data.datasets()}
    used = ["article", "roles", "skills", "market", *PAY_DATASETS]
    if fitted is not None:
        used.append("prerequisites")
    extra: dict[str, list[str]] = {d: [] for d in used}
    living = {u for t in ((pay.a, pay.b) if pay else ()) if t.living for u in t.living.sources}
    for url in pay_urls:
        if url in by_url or any(url == datasets[d].url for d in used):
            continue
        extra["living" if url in living else "wages"].append(url)
    refs = [
        Reference(
            key=s.id,
            kind="work",
            title=s.title,
            publisher=s.publisher,
            author=s.author,
            as_of=s.date,
            urls=[s.url],
            licence=s.licence,
        )
        for s in sorted(works.values(), key=lambda s: (s.id != "article", s.id))
    ]
    for dataset_id in used:
        d = datasets[dataset_id]
        urls = list(dict.fromkeys([*([d.url] if d.url else []), *extra[dataset_id]]))
        as_of = market_as_of if dataset_id == "market" and market_as_of else d.vintage
        refs.append(
            Reference(
                key=f"data-{d.id}",
                kind="dataset",
                title=d.title,
                publisher=d.publisher,
                as_of=as_of,
                urls=urls,
                licence=d.licence,
            )
        )
    return refs


# --- the document both formats render --------------------------------------------------------


@dataclass(frozen=True)
class Para:
    kind: ClassVar[str] = "p"
    text: str


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "h3"
    text: str


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "ul"
    items: list[str]


@dataclass(frozen=True)
class TableBlock:
    kind: ClassVar[str] = "table"
    table: Table
    numeric: frozenset[int] = frozenset()
    """Columns to align right (figures)."""


@dataclass(frozen=True)
class Chart:
    kind: ClassVar[str] = "chart"
    key: str
    """Unique in the document; names the SVG file beside a Markdown report."""
    title: str
    spec: ChartSpec


Block = Para | Heading | Bullets | TableBlock | Chart


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: list[Block]
    sources: list[str] = field(default_factory=list)
    """Reference keys cited by the section, in the order of the references list."""


@dataclass(frozen=True)
class Citation:
    number: int
    ref: Reference


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    intro: list[Block]
    sections: list[Section]
    references: list[Citation]
    footer: str

    def citations(self, keys: Iterable[str]) -> list[Citation]:
        wanted = set(keys)
        return [c for c in self.references if c.ref.key in wanted]

    def charts(self) -> Iterator[Chart]:
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, Chart))


def _pct(share: float | None, digits: int = 0) -> str:
    return ABSENT if share is None else f"{share:.{digits}%}"


def _names(items: Iterable[Any]) -> str:
    names = [str(getattr(i, "name", i)) for i in items]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _cited(node: Any) -> list[str]:
    """Registry ids cited anywhere in a result (the values of its ``source`` and ``sources``
    keys, at any depth)."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "source" and isinstance(value, str):
                    found.append(value)
                elif key == "sources" and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(item, list | tuple):
            for value in item:
                walk(value)
        elif hasattr(item, "model_dump"):
            walk(item.model_dump())

    walk(node)
    registry = data.sources()
    return [key for key in dict.fromkeys(found) if key in registry]


def _document(r: Report) -> Document:
    c = r.comparison
    keys = [ref.key for ref in r.references]
    citations = [Citation(i, ref) for i, ref in enumerate(r.references, 1)]

    def section(sid: str, title: str, blocks: list[Block], sources: Iterable[str]) -> Section:
        wanted = set(sources)
        unknown = wanted - set(keys)
        if unknown:  # every citation must be in the references list
            raise AssertionError(f"section {sid} cites {sorted(unknown)} with no reference")
        return Section(sid, title, blocks, [k for k in keys if k in wanted])

    a, b = r.a.short_name, r.b.short_name
    where = f" in {r.city.label}" if r.city else ""
    sections = [
        section("focus", "1. Focus", _focus_blocks(r), [*_cited(c.focus), "data-roles"]),
        section(
            "responsibilities",
            "2. Roles and responsibilities",
            _responsibility_blocks(r),
            [*_cited(c.responsibilities), "data-roles"],
        ),
        section(
            "skills",
            "3. Skills, background and education",
            _skills_blocks(r),
            [
                *_cited(c.skills),
                *_cited(c.background),
                *_cited(c.education),
                "data-roles",
                "data-skills",
                *(["data-market"] if c.skills.shares_source else []),
            ],
        ),
        section(
            "prospects",
            "4. Career prospects",
            _prospect_blocks(r),
            [
                *_cited(c.prospects),
                "data-article",
                *(["data-market"] if c.prospects.postings else []),
            ],
        ),
        section(
            "salaries",
            f"5. Salaries{where}",
            _salary_blocks(r),
            [
                *_cited(c.salaries.published),
                *_cited(c.salaries.claims),
                *_cited(c.salaries.city_table),
                "article",
                "data-article",
                *_pay_sources(r),
            ],
        ),
    ]
    if r.fit is not None:
        sections.append(
            section(
                "fit",
                "Your fit",
                _fit_blocks(r, r.fit),
                [
                    *r.fit.references,
                    "data-skills",
                    "data-roles",
                    "data-prerequisites",
                    *(["data-market"] if r.fit.weights_source == "market" else []),
                ],
            )
        )
    sections.append(
        section(
            "summary",
            f"What is the difference between {a} and {b}?",
            _summary_blocks(r),
            [],
        )
    )
    article = data.sources()["article"]
    intro: list[Block] = [
        Para(
            f"This report compares the {r.a.name} ({a}) and {r.b.name} ({b}) roles on five "
            "dimensions: their focus; roles and responsibilities; skills, background and "
            f"education; career prospects; and salaries{where}"
            + (", and how close your skills are to each." if r.fit else ".")
        ),
        Para(
            f"It follows the article “{article.title}” ({article.publisher}, {article.date}), "
            "rebuilt from rolediff's data: every figure names its source and the date it holds "
            "for, listed under “Sources and dates” at the end."
        ),
    ]
    return Document(
        title=f"{a} or {b}? The five differences{where}",
        subtitle=f"{r.a.name} vs {r.b.name}",
        intro=intro,
        sections=sections,
        references=citations,
        footer=f"Generated {r.generated} by rolediff {r.rolediff_version} (report version "
        f"{r.version}). Works offline; no data left this machine.",
    )


def _pay_sources(r: Report) -> list[str]:
    keys = [f"data-{d}" for d in PAY_DATASETS]
    if r.take_home is not None:
        keys += _cited_urls([*r.take_home.a.sources, *r.take_home.b.sources], r.references)
    return keys


def _cited_urls(urls: Iterable[str], refs: Sequence[Reference]) -> list[str]:
    """The works among ``refs`` whose URL is one of ``urls``."""
    wanted = set(urls)
    return [ref.key for ref in refs if ref.kind == "work" and wanted & set(ref.urls)]


def _focus_blocks(r: Report) -> list[Block]:
    fa, fb = r.comparison.focus.a, r.comparison.focus.b
    a, b = r.a.short_name, r.b.short_name
    shared = [p for p in fa.phases if p in fb.phases]
    only_a = [p for p in fa.phases if p not in fb.phases]
    only_b = [p for p in fb.phases if p not in fa.phases]
    phases = []
    if shared:
        phases.append(f"Both work in the {_names(shared)} phase{'s' if len(shared) > 1 else ''}")
    if only_a:
        phases.append(f"only {a} in {_names(only_a)}")
    if only_b:
        phases.append(f"only {b} in {_names(only_b)}")
    blocks: list[Block] = [
        Para(f"{a}: {fa.summary} It optimises the {fa.optimises}."),
        Para(f"{b}: {fb.summary} It optimises the {fb.optimises}."),
        Para(f"When they step in. {a}: {fa.steps_in} {b}: {fb.steps_in}"),
    ]
    if phases:
        text = "; ".join(phases) + "."
        blocks.append(Para(text[:1].upper() + text[1:]))
    blocks.append(
        TableBlock(
            Table(
                "Focus side by side",
                ["", a, b],
                [
                    ["Focus", fa.summary, fb.summary],
                    ["Optimises", fa.optimises, fb.optimises],
                    ["Analogy", fa.analogy, fb.analogy],
                    ["Steps in", fa.steps_in, fb.steps_in],
                    ["Lifecycle phases", ", ".join(fa.phases), ", ".join(fb.phases)],
                ],
            )
        )
    )
    return blocks


def _responsibility_blocks(r: Report) -> list[Block]:
    ra, rb = r.comparison.responsibilities.a, r.comparison.responsibilities.b
    a, b = r.a.short_name, r.b.short_name
    return [
        Para(
            f"rolediff's profiles list {len(ra)} main responsibilities for {a} and {len(rb)} "
            f"for {b}, in the words of the sources cited below."
        ),
        Heading(f"{r.a.name}"),
        Bullets([x.text for x in ra]),
        Heading(f"{r.b.name}"),
        Bullets([x.text for x in rb]),
    ]


def _skill_cell(level: str | None, examples: Sequence[Any]) -> str:
    if level is None:
        return ABSENT
    names = ", ".join(e.name for e in examples)
    return f"{level}: {names}" if names else level


def _of_postings(share: float | None, part: int | None, whole: int | None) -> float | None:
    return None if share is None else from_counts(share, part, whole)


def _skill_table(
    title: str, skills: Sequence[ComparedSkill], sk: SkillsDimension, a: str, b: str
) -> TableBlock:
    rows = [
        [
            s.name,
            _skill_cell(s.level_a, s.examples_a),
            _skill_cell(s.level_b, s.examples_b),
            _pct(_of_postings(s.share_a, s.postings_a, sk.n_a)),
            _pct(_of_postings(s.share_b, s.postings_b, sk.n_b)),
        ]
        for s in skills
    ]
    columns = ["skill area", a, b, f"{a} postings asking", f"{b} postings asking"]
    return TableBlock(Table(title, columns, rows), numeric=frozenset({3, 4}))


def _skills_blocks(r: Report) -> list[Block]:
    c = r.comparison
    sk = c.skills
    a, b = r.a.short_name, r.b.short_name
    summary = [f"{len(sk.shared)} skill areas are shared"]
    if sk.only_b:
        summary.append(f"only {b} lists {_names(sk.only_b)}")
    if sk.only_a:
        summary.append(f"only {a} lists {_names(sk.only_a)}")
    disputed = sk.disputed_areas()
    if disputed:
        summary.append(
            f"the postings disagree on {_names(disputed)}: the role that does not list it asks"
            " for it at least as often"
        )
    blocks: list[Block] = [
        Heading("Skills"),
        Para("; ".join(summary) + "."),
        _skill_table("Skills both roles need", sk.shared, sk, a, b),
    ]
    if sk.only_a:
        blocks.append(_skill_table(f"Skills only {a} needs", sk.only_a, sk, a, b))
    if sk.only_b:
        blocks.append(_skill_table(f"Skills only {b} needs", sk.only_b, sk, a, b))
    if sk.shares_source:
        from rolediff.charts import skill_shares_chart

        everything = [*sk.shared, *sk.only_a, *sk.only_b]
        # Shares rounded as the tables print them: the chart's labels must say the same.
        records = [
            {"skill": s.name, "role": role, "share": round(share, 2)}
            for s in everything
            for role, share in (
                (a, _of_postings(s.share_a, s.postings_a, sk.n_a)),
                (b, _of_postings(s.share_b, s.postings_b, sk.n_b)),
            )
            if share is not None
        ]
        blocks += [
            Para(
                "The last two columns, and the chart, give the share of each role's postings "
                "that ask for a skill of the area, from the market snapshot"
                + (f" of {r.market_as_of}" if r.market_as_of else "")
                + "."
            ),
            Chart(
                "skills",
                "Share of postings asking for each skill area",
                skill_shares_chart(
                    records, [a, b], "Share of each role's postings asking for the skill area"
                ),
            ),
        ]
    bg = c.background

    def yes(flag: bool) -> str:
        return "yes" if flag else ABSENT

    background_rows = (
        [[x.name, yes(True), yes(True)] for x in bg.shared]
        + [[x.name, yes(True), yes(False)] for x in bg.only_a]
        + [[x.name, yes(False), yes(True)] for x in bg.only_b]
    )
    text = f"Both roles come from {_names(bg.shared) or 'different backgrounds'}"
    if bg.only_a:
        text += f"; {a} also from {_names(bg.only_a)}"
    if bg.only_b:
        text += f"; {b} also from {_names(bg.only_b)}"
    blocks += [
        Heading("Background"),
        Para(text + "."),
        TableBlock(Table("Background", ["background", a, b], background_rows)),
        Heading("Education"),
    ]
    differ = [e for e in c.education if e.a != e.b]
    if differ:
        blocks.append(
            Para(
                "Where the two differ: "
                # In prose a dash reads as nothing at all: "DevOps —, SRE preferred".
                + "; ".join(
                    f"{e.name}: {e.a or 'not listed'} for {a}, {e.b or 'not listed'} for {b}"
                    for e in differ
                )
                + "."
            )
        )
    blocks.append(
        TableBlock(
            Table(
                "Education",
                ["education", a, b],
                [[e.name, e.a or ABSENT, e.b or ABSENT] for e in c.education],
            )
        )
    )
    return blocks


def _count(value: int | None, approximate: bool) -> str:
    if value is None:
        return ABSENT
    return f"{'about ' if approximate else ''}{value:,}"


def _prospect_blocks(r: Report) -> list[Block]:
    p = r.comparison.prospects
    a, b = r.a.short_name, r.b.short_name
    blocks: list[Block] = []
    if p.openings:
        first = p.openings[0]
        blocks.append(
            Para(
                f"On {first.as_of} the article counted, on {first.platform}, "
                f"{_count(first.a, first.approximate)} openings for {a} and "
                f"{_count(first.b, first.approximate)} for {b}; the other job sites follow."
            )
        )
        blocks.append(
            TableBlock(
                Table(
                    "Job openings published by the article",
                    ["job site", a, b, "as of"],
                    [
                        [
                            o.platform,
                            _count(o.a, o.approximate),
                            _count(o.b, o.approximate),
                            o.as_of,
                        ]
                        for o in p.openings
                    ],
                    notes=p.notes,
                ),
                numeric=frozenset({1, 2}),
            )
        )
    else:
        blocks.append(Para(" ".join(p.notes)))
    pair = p.postings
    if pair is not None:

        def cell(x: PostingsProspect | None, what: str) -> str:
            if x is None:
                return ABSENT
            flag = " (small sample)" if x.small_sample else ""
            value = {
                "openings": f"{x.openings:,} "
                f"({_pct(_of_postings(x.share_of_postings, x.openings, x.all_postings), 1)})",
                "remote": _pct(_of_postings(x.remote_share, x.remote, x.openings)),
                "hybrid": _pct(_of_postings(x.hybrid_share, x.hybrid, x.openings)),
                "pay": f"{dollars(x.pay_p50)} (n={x.pay_n})" if x.pay_p50 else ABSENT,
            }[what]
            return value + flag

        rows = [
            ["Postings (share of all)", cell(pair.a, "openings"), cell(pair.b, "openings")],
            ["Fully remote", cell(pair.a, "remote"), cell(pair.b, "remote")],
            ["Hybrid (part on-site)", cell(pair.a, "hybrid"), cell(pair.b, "hybrid")],
            ["Median stated pay a year", cell(pair.a, "pay"), cell(pair.b, "pay")],
        ]
        blocks += [
            Para(
                "Real postings tell a more recent story: rolediff's market snapshot holds "
                f"{p.postings_source}."
            ),
            TableBlock(
                Table("Postings in the market snapshot", ["", a, b], rows),
                numeric=frozenset({1, 2}),
            ),
        ]
    return blocks


def _salary_blocks(r: Report) -> list[Block]:
    from rolediff.charts import cities_chart, take_home_chart

    s = r.comparison.salaries
    a, b = r.a.short_name, r.b.short_name
    pa, pb = s.published.a, s.published.b
    blocks: list[Block] = [Heading("What the article published")]
    said = [
        f"{short}: an average of {dollars(p.average)} a year (low {dollars(p.low)}, high "
        f"{dollars(p.high)}), from the {p.quoted_from} as of {p.as_of}"
        for short, p in ((a, pa), (b, pb))
        if p is not None
    ]
    if said:
        blocks.append(Para("National salaries before tax. " + "; ".join(said) + "."))
        blocks.append(
            TableBlock(
                Table(
                    "National salaries (article)",
                    ["", a, b],
                    [
                        [
                            label,
                            dollars(getattr(pa, k)) if pa else ABSENT,
                            dollars(getattr(pb, k)) if pb else ABSENT,
                        ]
                        for label, k in (
                            ("Average a year", "average"),
                            ("Low", "low"),
                            ("High", "high"),
                        )
                    ],
                    notes=s.notes,
                ),
                numeric=frozenset({1, 2}),
            )
        )
    else:
        blocks += [Para(note) for note in s.notes]
    if s.claims:
        blocks.append(Bullets([f"{c.text} (article, {c.as_of})" for c in s.claims]))
    if s.article_check:
        blocks.append(
            TableBlock(
                Table(
                    "The article's city table, checked: after-tax pay a month",
                    ["role", "city", "monthly salary", "article", "rolediff", "difference"],
                    [
                        [
                            r.a.short_name if k.role == r.a.id else r.b.short_name,
                            k.city,
                            dollars(k.monthly_salary),
                            dollars(k.article_after_tax_monthly),
                            dollars(k.computed_after_tax_monthly),
                            f"{k.difference_share:+.1%}",
                        ]
                        for k in s.article_check
                    ],
                    notes=[f"rolediff applies tax year {s.article_check[0].tax_year} law."],
                ),
                numeric=frozenset({2, 3, 4, 5}),
            )
        )
    pay = r.take_home
    if pay is not None and r.city is not None:
        ta, tb = pay.a, pay.b
        gap = tb.take_home_monthly - ta.take_home_monthly
        ahead, behind = (b, a) if gap >= 0 else (a, b)
        living = ta.living
        rent_note = (
            f"rent is the {living.rent_source} of {living.rent_area} (as of {living.rent_as_of})"
            if living
            else "rent and living costs are the place's"
        )
        food = living.food if living else None
        blocks += [
            Heading(f"Take-home pay in {r.city.label}"),
            Para(
                f"In {r.city.label}, rolediff estimates the salary at "
                f"{dollars(ta.gross_annual)} a year for {a} and "
                f"{dollars(tb.gross_annual)} for {b}. After taxes (tax year {ta.year}, "
                f"{ta.filing_status.replace('_', ' ')}), rent and living costs, {a} keeps "
                f"{dollars(ta.take_home_monthly)} a month and {b} "
                f"{dollars(tb.take_home_monthly)}: {ahead} keeps {dollars(abs(gap))} a month "
                f"more than {behind}."
            ),
            Para(
                "Where these figures come from: salaries are "
                + (f"an {ta.salary_estimate.label}" if ta.salary_estimate else "given")
                + f"; taxes are federal, state and local law for {ta.year}; {rent_note}; "
                "living costs are "
                + (f"{food.source} (as of {food.as_of})" if food else "the place's")
                + "."
            ),
            *_claims_checked(r, ta, tb),
            Chart(
                "city",
                f"Where a month of pay goes in {r.city.label}",
                take_home_chart(
                    [(a, ta), (b, tb)],
                    f"A month of pay in {r.city.label}: take-home, living costs, rent, taxes",
                ),
            ),
            TableBlock(_take_home_table(ta, tb, a, b), numeric=frozenset({1, 2})),
        ]
    top = r.top_cities
    best_a, best_b = top.a[0], top.b[0]
    blocks += [
        Heading("The best metros for each role"),
        Para(
            f"Ranked by monthly take-home on each metro's estimated salary (tax year "
            f"{r.ranking_year}), the best metro for {a} is {best_a.place} "
            f"({dollars(best_a.take_home_monthly)} a month) and for {b} {best_b.place} "
            f"({dollars(best_b.take_home_monthly)} a month)."
        ),
    ]
    for key, short, rows in (("top-a", a, top.a), ("top-b", b, top.b)):
        title = f"{short}: the {len(rows)} metros with the highest monthly take-home"
        blocks += [
            Chart(key, title, cities_chart(rows, title)),
            TableBlock(_cities_table(title, rows), numeric=frozenset(range(2, 8))),
        ]
    return blocks


CLAIM_FIGURES = {"average_salary_annual": "gross_annual", "take_home_monthly": "take_home_monthly"}
"""The TakeHome figure that answers each kind of figure the article gives for a city."""


def _claims_checked(r: Report, ta: TakeHome, tb: TakeHome) -> list[Block]:
    """The article's own figures for the city (its claims) beside rolediff's, if it gave any."""
    claims = r.comparison.salaries.claims
    if not claims:
        return []
    said = [
        f"{r.a.short_name if c.role == r.a.id else r.b.short_name}, {CLAIM_LABELS[c.measure]}: "
        f"{c.qualifier} {dollars(c.value)} in the article ({c.as_of}), "
        f"{dollars(getattr(ta if c.role == r.a.id else tb, CLAIM_FIGURES[c.measure]))} by rolediff"
        for c in claims
    ]
    where = r.city.label if r.city else ""
    return [Para(f"The article's own figures for {where} beside rolediff's: {'; '.join(said)}.")]


def _take_home_table(ta: TakeHome, tb: TakeHome, a: str, b: str) -> Table:
    def both(label: str, va: float, vb: float) -> list[str]:
        return [label, dollars(va), dollars(vb)]

    rows = [
        both("Estimated salary a year", ta.gross_annual, tb.gross_annual),
        both("Federal income tax", ta.federal_income_tax, tb.federal_income_tax),
        both(
            "Social Security and Medicare",
            ta.social_security_tax + ta.medicare_tax,
            tb.social_security_tax + tb.medicare_tax,
        ),
        both(f"State income tax ({ta.state})", ta.state_income_tax, tb.state_income_tax),
    ]
    if ta.local_income_tax or tb.local_income_tax:
        rows.append(both("Local income tax", ta.local_income_tax, tb.local_income_tax))
    if ta.state_payroll_taxes or tb.state_payroll_taxes:
        rows.append(both("State payroll taxes", ta.state_payroll_taxes, tb.state_payroll_taxes))
    rows += [
        both("All taxes a year", ta.total_taxes, tb.total_taxes),
        both("After tax a month", ta.after_tax_monthly, tb.after_tax_monthly),
        both("Rent a month", ta.rent_monthly, tb.rent_monthly),
        both("Living costs a month", ta.living_costs_monthly, tb.living_costs_monthly),
        both("Take-home a month", ta.take_home_monthly, tb.take_home_monthly),
        ["Effective tax rate", _pct(ta.effective_tax_rate, 1), _pct(tb.effective_tax_rate, 1)],
    ]
    return Table(
        f"Take-home in {ta.place} (tax year {ta.year})",
        ["", a, b],
        rows,
        notes=[f"{ta.place}: metro {ta.metro_cbsa}, {ta.filing_status.replace('_', ' ')} filer."],
    )


def _cities_table(title: str, rows: Sequence[CityRow]) -> Table:
    return Table(
        title,
        [
            "rank",
            "metro",
            "salary",
            "taxes",
            "after tax / mo",
            "rent / mo",
            "living / mo",
            "take-home / mo",
        ],
        [
            [
                str(x.rank),
                x.place,
                dollars(x.gross_annual),
                dollars(x.total_taxes),
                dollars(x.after_tax_monthly),
                dollars(x.rent_monthly),
                dollars(x.living_costs_monthly),
                dollars(x.take_home_monthly),
            ]
            for x in rows
        ],
    )


def _gap_table(title: str, gaps: Sequence[Gap]) -> TableBlock:
    rows = [
        [
            g.name,
            g.level,
            f"{g.importance:.1f}",
            _pct(g.coverage),
            asking(g),
            ", ".join(x.name for x in g.learn) or ABSENT,
        ]
        for g in gaps[:TOP_GAPS]
    ]
    columns = ["skill area", "level", "points", "you cover", "postings asking", "start with"]
    hidden = len(gaps) - TOP_GAPS
    notes = [f"{hidden} smaller gap{'s' if hidden > 1 else ''} not shown."] if hidden > 0 else []
    return TableBlock(Table(title, columns, rows, notes=notes), numeric=frozenset({2, 3, 4}))


def _fit_blocks(r: Report, f: FitReport) -> list[Block]:
    from rolediff.charts import bar_chart
    from rolediff.skills import taxonomy

    tax = taxonomy()
    profiles = data.role_profiles()
    names = {role: profiles[role].short_name for role in f.scores}
    a, b = r.a.short_name, r.b.short_name
    sa, sb = f.scores[r.a.id], f.scores[r.b.id]
    given = " and ".join(
        {"skills": "the skills you listed", "resume": "your résumé"}.get(i, i) for i in f.inputs
    )
    blocks: list[Block] = [
        Para(
            f"From {given}: you cover {sa:.0%} of what {a} needs and {sb:.0%} of what {b} "
            f"needs; you are {f.difference}."
        ),
        Chart(
            "fit",
            "How close you are to each role",
            bar_chart(
                [{"role": names[role], "score": round(100 * v, 1)} for role, v in f.scores.items()],
                "score",
                "role",
                "How close you are to each role (0-100)",
            ),
        ),
        TableBlock(
            Table(
                "Fit by role (share of the role's weighted skill areas you cover)",
                ["role", "score", "largest gaps"],
                [
                    [
                        profiles[role].name,
                        f"{score:.0%}",
                        ", ".join(g.name for g in f.gaps[role][:3]) or ABSENT,
                    ]
                    for role, score in f.scores.items()
                ],
                notes=[
                    "Weights: "
                    + (
                        f"role profiles and the market snapshot of {f.market_as_of}."
                        if f.weights_source == "market"
                        else "role profiles only."
                    ),
                    *f.notes,
                ],
            ),
            numeric=frozenset({1}),
        ),
        TableBlock(
            Table(
                "Skills recognised",
                ["skill", "area", "matched"],
                [
                    [x.name, tax.get(x.area).name if x.area else "(area)", ", ".join(x.matched)]
                    for x in f.recognised
                ],
            )
        ),
    ]
    if f.unrecognised:
        blocks.append(
            TableBlock(
                Table(
                    "Words not recognised as skills",
                    ["text", "times", "did you mean"],
                    [
                        [u.text, str(u.count), ", ".join(u.suggestions) or ABSENT]
                        for u in f.unrecognised
                    ],
                ),
                numeric=frozenset({1}),
            )
        )
    for role in (r.a, r.b):
        blocks.append(
            _gap_table(f"Gaps toward {role.short_name}, most points first", f.gaps[role.id])
        )
    target = names.get(f.target, f.target)
    blocks += [
        Heading(f"Learning path toward {target}"),
        TableBlock(
            Table(
                f"Learning path toward {target}",
                ["step", "learn", "why", "after"],
                [
                    [
                        str(s.step),
                        s.name,
                        ("for " if s.kind == "gap" else "prerequisite of ")
                        + ", ".join(tax.get(x).name for x in s.serves)
                        + f" ({s.value:.1f} points)",
                        ", ".join(tax.get(x).name for x in s.after) or ABSENT,
                    ]
                    for s in f.path
                ],
                notes=["Points: how much of the score covering the step would add."],
            ),
            numeric=frozenset({0}),
        ),
    ]
    return blocks


def _summary_blocks(r: Report) -> list[Block]:
    c = r.comparison
    a, b = r.a.short_name, r.b.short_name
    items = [
        f"Focus: {a} optimises the {c.focus.a.optimises}; {b} the {c.focus.b.optimises}.",
    ]
    if c.skills.only_b or c.skills.only_a:
        parts = []
        if c.skills.only_b:
            parts.append(f"{b} adds {_names(c.skills.only_b)}")
        if c.skills.only_a:
            parts.append(f"{a} adds {_names(c.skills.only_a)}")
        disputed = c.skills.disputed_areas()
        if disputed:
            parts.append(f"though the postings disagree on {_names(disputed)}")
        items.append(f"Skills: {len(c.skills.shared)} areas are shared; " + "; ".join(parts) + ".")
    differ = [e for e in c.education if e.a != e.b]
    if differ:
        items.append(
            "Education: "
            + "; ".join(
                f"{e.name} is {e.b or 'not listed'} for {b}, {e.a or 'not listed'} for {a}"
                for e in differ
            )
            + "."
        )
    pa, pb = c.salaries.published.a, c.salaries.published.b
    if pa and pb:
        items.append(
            f"Salaries: the article's national averages were {dollars(pa.average)} for {a} and "
            f"{dollars(pb.average)} for {b} ({pa.as_of})."
        )
    if r.take_home and r.city:
        ta, tb = r.take_home.a, r.take_home.b
        items.append(
            f"In {r.city.label} ({ta.year}): {a} keeps {dollars(ta.take_home_monthly)} a month "
            f"and {b} {dollars(tb.take_home_monthly)} after taxes, rent and living costs."
        )
    if r.fit is not None:
        items.append(f"You: {r.fit.difference}.")
    return [Bullets(items)]


# --- rendering -----------------------------------------------------------------------------


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
_PLAIN_URL = re.compile(r"^https?://[^\s<>`()\[\]|\\]+$")


class Raw(str):
    """Markdown written as it is (template literals, checked URLs and file names)."""


def md_escape(value: Any) -> str:
    """Text safe in a Markdown paragraph or table cell: Markdown syntax and HTML are shown as
    typed (``<script>`` becomes ``&lt;script&gt;``), line breaks become spaces."""
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


@cache
def _environment(fmt: ReportFormat) -> Environment:
    import jinja2

    if fmt == "html":
        return jinja2.Environment(
            loader=jinja2.PackageLoader("rolediff", "web/templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rolediff", "web/templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=md_escape,  # every {{ value }} is escaped, as autoescape does for HTML
    )
    env.filters["raw"] = Raw
    env.filters["url"] = _md_url
    env.filters["file_url"] = _md_file_url
    return env


def _md_url(url: str) -> str:
    """A source URL as a Markdown autolink, or as escaped text when it is not a plain URL."""
    return Raw(f"<{url}>") if _PLAIN_URL.match(url) else md_escape(url)


def _md_file_url(name: str) -> str:
    """A relative file name as a Markdown link target."""
    from urllib.parse import quote

    return Raw(quote(name))


_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def inline_svg(svg: str, key: str) -> str:
    """An SVG document made fit to sit inside an HTML page: no XML prolog, no namespace
    declarations (HTML puts <svg> in its namespace), ids prefixed by ``key`` so that several
    charts on a page cannot clash."""
    body = svg[svg.index("<svg") :]
    body = _XMLNS.sub("", body, count=0)
    body = re.sub(r'\bid="', f'id="{key}-', body)
    body = body.replace("url(#", f"url(#{key}-").replace('href="#', f'href="#{key}-')
    if re.search(r"<script|\son\w+\s*=|(?:href|src)\s*=\s*\"(?!#)", body, re.IGNORECASE):
        raise RolediffError(f"The {key} chart holds a script or a link; refusing to inline it.")
    return body


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no scripts, no links
    outside the page."""
    from markupsafe import Markup

    from rolediff.charts import svg

    doc = _document(report)
    drawn = {chart.key: Markup(inline_svg(svg(chart.spec), chart.key)) for chart in doc.charts()}
    return (
        _environment("html")
        .get_template("report.html.j2")
        .render(doc=doc, report=report, svgs=drawn)
    )


def render_markdown(report: Report, chart_files: Mapping[str, str] | None = None) -> str:
    """The report as GitHub Markdown. Charts are images from ``chart_files`` (chart key →
    relative path of its SVG file, as :func:`write_report` writes them); without it, charts are
    left out (their figures are in the tables next to them)."""
    doc = _document(report)
    return (
        _environment("md")
        .get_template("report.md.j2")
        .render(doc=doc, report=report, chart_files=dict(chart_files or {}))
    )


def report_format(path: str | Path, fmt: str | None = None) -> ReportFormat:
    """The format to write: ``fmt`` when given (html or md), else from the file's suffix."""
    target = Path(path)
    by_suffix = SUFFIXES.get(target.suffix.lower())
    if fmt is not None:
        chosen = FORMAT_NAMES.get(fmt.lower())
        if chosen is None:
            raise RolediffError(f"Unknown report format {fmt!r}: use html or md.")
        if by_suffix is not None and by_suffix != chosen:
            raise RolediffError(
                f"{target.name!r} ends in {target.suffix} but the format asked for is {fmt}:"
                " make them agree."
            )
        return chosen
    if by_suffix is None:
        raise RolediffError(
            f"Cannot tell the report format from {target.name!r}: name a file ending in "
            f"{', '.join(SUFFIXES)}, or give --format html or md."
        )
    return by_suffix


def chart_file_names(report: Report, path: str | Path) -> dict[str, str]:
    """Chart key → the SVG file name a Markdown report at ``path`` refers to (beside it)."""
    stem = Path(path).stem
    return {chart.key: f"{stem}-{chart.key}.svg" for chart in _document(report).charts()}


def write_report(report: Report, path: str | Path, fmt: str | None = None) -> Path:
    """Write the report to ``path`` as HTML or Markdown (``fmt``, or the suffix) and return the
    path. Markdown gets its charts as SVG files beside it (``STEM-KEY.svg``). Everything is
    rendered before anything is written, and each file is written to a temporary file and
    renamed into place, so an error leaves no partial report."""
    from rolediff.charts import svg

    target = Path(path)
    check_output_file(target, "write the report to")  # a directory has no format to tell
    kind = report_format(target, fmt)
    folder = target.parent
    files: dict[Path, str] = {}
    if kind == "html":
        files[target] = render_html(report)
    else:
        doc = _document(report)
        names = {chart.key: f"{target.stem}-{chart.key}.svg" for chart in doc.charts()}
        for chart in doc.charts():
            files[folder / names[chart.key]] = svg(chart.spec)
        files[target] = render_markdown(report, names)  # last: the report names its charts
    for file, text in files.items():
        write_atomically(file, text)
    return target
