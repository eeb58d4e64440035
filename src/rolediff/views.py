"""Results laid out as tables for the table, Markdown and CSV formats (JSON prints the models)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolediff.data.schema import Dataset, RoleProfile, Source
from rolediff.geo import Place
from rolediff.render import Table
from rolediff.roles import ComparedSkill, Comparison, Named
from rolediff.skills import taxonomy

if TYPE_CHECKING:
    from rolediff.postings.analyze import PostingAnalysis
    from rolediff.postings.parse import PostingLocation, Salary

ABSENT = "—"
CLAIM_LABELS = {
    "average_salary_annual": "average salary per year",
    "take_home_monthly": "kept per month after tax, rent and living costs",
}


def money(value: float) -> str:
    return f"${value:,.2f}" if value % 1 else f"${value:,.0f}"


def _names(items: Sequence[Named]) -> str:
    return ", ".join(i.name for i in items)


def _cite(sources: dict[str, Source]) -> list[str]:
    return [f"[{s.id}] {s.title} ({s.publisher}, {s.date}) {s.url}" for s in sources.values()]


def roles_tables(profiles: Sequence[RoleProfile]) -> list[Table]:
    rows = [[p.id, p.name, p.focus.summary, p.lifecycle.steps_in] for p in profiles]
    return [Table("Roles", ["id", "name", "focus", "steps in"], rows)]


def role_tables(p: RoleProfile, sources: dict[str, Source]) -> list[Table]:
    tax = taxonomy()
    columns = ["item", "detail"]

    def examples(ids: Sequence[str]) -> str:
        return ", ".join(tax.get(i).name for i in ids)

    return [
        Table(
            f"{p.name} ({p.id})",
            columns,
            [
                ["Focus", p.focus.summary],
                ["Optimises", p.focus.optimises],
                ["Analogy", p.focus.analogy],
                ["Steps in", p.lifecycle.steps_in],
                ["Lifecycle phases", ", ".join(p.lifecycle.phases)],
                ["Typical titles", ", ".join(p.titles)],
            ],
        ),
        Table(
            "Responsibilities",
            columns,
            [[str(i), r.text] for i, r in enumerate(p.responsibilities, 1)],
        ),
        Table(
            "Skills",
            columns,
            [
                [tax.get(s.id).name, f"{s.level}: {examples(s.examples)}".rstrip(": ")]
                for s in p.skills
            ],
        ),
        Table("Background", columns, [[b.name, ""] for b in p.background]),
        Table(
            "Education",
            columns,
            [[e.name, e.requirement] for e in p.education],
            notes=["Sources: " + "; ".join(_cite(sources))],
        ),
    ]


def _skill_cell(level: str | None, examples: Sequence[Named]) -> str:
    if level is None:
        return ABSENT
    return f"{level}: {_names(examples)}" if examples else level


def _skill_rows(skills: Sequence[ComparedSkill]) -> list[list[str]]:
    return [
        [
            s.name,
            _skill_cell(s.level_a, s.examples_a),
            _skill_cell(s.level_b, s.examples_b),
        ]
        for s in skills
    ]


def _yes(flag: bool) -> str:
    return "yes" if flag else ABSENT


def comparison_tables(c: Comparison) -> list[Table]:
    a, b = c.a.short_name, c.b.short_name
    columns = ["item", a, b]
    fa, fb = c.focus.a, c.focus.b
    n = max(len(c.responsibilities.a), len(c.responsibilities.b))

    def resp(items: Sequence[object], i: int) -> str:
        return getattr(items[i], "text", ABSENT) if i < len(items) else ABSENT

    background_rows = (
        [[x.name, _yes(True), _yes(True)] for x in c.background.shared]
        + [[x.name, _yes(True), _yes(False)] for x in c.background.only_a]
        + [[x.name, _yes(False), _yes(True)] for x in c.background.only_b]
    )
    openings = [
        [
            r.platform,
            _count(r.a, r.approximate, r.label_a, a),
            _count(r.b, r.approximate, r.label_b, b),
        ]
        for r in c.prospects.openings
    ]
    pa, pb = c.salaries.published.a, c.salaries.published.b
    salary_rows = [
        [
            label,
            money(getattr(pa, key)) if pa else ABSENT,
            money(getattr(pb, key)) if pb else ABSENT,
        ]
        for label, key in (("Average (yearly)", "average"), ("Low", "low"), ("High", "high"))
    ]
    for row in c.salaries.city_table:
        chain = " → ".join(
            money(v)
            for v in (
                row.monthly_salary,
                row.monthly_after_tax,
                row.rent_1br,
                row.cost_of_living,
                row.take_home,
            )
        )
        cells = [chain if row.role == c.a.id else ABSENT, chain if row.role == c.b.id else ABSENT]
        salary_rows.append(
            [f"{row.city_label}: monthly pay → after tax → rent → living → kept", *cells]
        )
    for claim in c.salaries.claims:
        value = f"{claim.qualifier} {money(claim.value)}"
        cells = [
            value if claim.role == c.a.id else ABSENT,
            value if claim.role == c.b.id else ABSENT,
        ]
        salary_rows.append([f"{claim.place}: {CLAIM_LABELS[claim.measure]}", *cells])
    title_suffix = f" ({c.city.label})" if c.city else ""
    return [
        Table(
            "1. Focus",
            columns,
            [
                ["Focus", fa.summary, fb.summary],
                ["Optimises", fa.optimises, fb.optimises],
                ["Analogy", fa.analogy, fb.analogy],
                ["Steps in", fa.steps_in, fb.steps_in],
                ["Lifecycle phases", ", ".join(fa.phases), ", ".join(fb.phases)],
            ],
        ),
        Table(
            "2. Roles and responsibilities",
            columns,
            [
                [str(i + 1), resp(c.responsibilities.a, i), resp(c.responsibilities.b, i)]
                for i in range(n)
            ],
        ),
        Table("3. Skills: shared", columns, _skill_rows(c.skills.shared)),
        Table(f"3. Skills: only {a}", columns, _skill_rows(c.skills.only_a)),
        Table(f"3. Skills: only {b}", columns, _skill_rows(c.skills.only_b)),
        Table("3. Background", columns, background_rows),
        Table(
            "3. Education",
            columns,
            [[e.name, e.a or ABSENT, e.b or ABSENT] for e in c.education],
        ),
        Table("4. Career prospects: job openings", columns, openings, notes=c.prospects.notes),
        Table(
            f"5. Salaries{title_suffix}",
            columns,
            salary_rows,
            notes=[*c.salaries.notes, "Sources: " + "; ".join(_cite(c.sources))],
        ),
    ]


def _count(value: int | None, approximate: bool, label: str | None, short_name: str) -> str:
    if value is None:
        return ABSENT
    text = f"{'about ' if approximate else ''}{value:,}"
    if label and label != short_name:
        text += f" (column headed '{label}')"
    return text


def place_tables(p: Place) -> list[Table]:
    rows = [
        ["City", p.label],
        ["Metro", f"{p.metro_name} ({p.metro_type}politan statistical area)"],
        ["CBSA code", p.cbsa_code],
        ["State", f"{p.state_name} ({p.state}, FIPS {p.state_fips})"],
        ["Primary county", f"{p.county_name} (FIPS {p.county_fips})"],
        ["Census place", p.place_fips],
        ["City population (2020)", f"{p.city_population_2020:,}"],
        ["Matched by", p.matched_by],
    ]
    return [Table(f"Where is '{p.query}'?", ["field", "value"], rows)]


def datasets_tables(items: Sequence[Dataset]) -> list[Table]:
    rows = [[d.id, d.title, d.publisher, d.vintage, d.licence] for d in items]
    return [Table("Packaged datasets", ["id", "title", "publisher", "vintage", "licence"], rows)]


def _salary_text(s: Salary | None) -> str:
    if s is None:
        return ABSENT
    low, high = s.annual_min, s.annual_max
    span = " - ".join(f"{v:,.0f}" for v in dict.fromkeys(v for v in (low, high) if v is not None))
    return f"{s.currency} {span} a year ({s.source})" if span else ABSENT


def _place_text(p: PostingLocation | None) -> str:
    if p is None:
        return ABSENT
    where = ", ".join(p.places) or ABSENT
    return f"{where} ({p.remote})" if p.remote else where


def posting_tables(results: Sequence[PostingAnalysis], detailed: bool) -> list[Table]:
    """A summary row per posting; with ``detailed``, a single posting's evidence and skills."""
    columns = ["posting", "role", "hybrid", "top skills", "pay", "place", "seniority"]
    rows = [
        [
            r.id or r.title or str(i),
            f"{r.role} ({r.role_scores[r.role]:.0%})",
            " + ".join(r.hybrid_of) if r.hybrid else "no",
            ", ".join(s.name for s in r.skills[:6]) or ABSENT,
            _salary_text(r.salary),
            _place_text(r.location),
            r.seniority or ABSENT,
        ]
        for i, r in enumerate(results, 1)
    ]
    summary = Table("Postings", columns, rows)
    if len(results) != 1 or not detailed:
        return [summary]
    r = results[0]
    evidence = [
        [e.kind, e.text, f"{e.weight:+.3f}" if e.kind != "title" else "title names it"]
        for e in r.evidence
    ]
    scores = sorted(r.role_scores.items(), key=lambda kv: -kv[1])
    return [
        summary,
        Table(
            f"Why {r.role}",
            ["evidence", "text", "pull toward it"],
            evidence,
            notes=["Scores: " + ", ".join(f"{k} {v:.1%}" for k, v in scores)],
        ),
        Table(
            "Skills asked for",
            ["skill", "category", "mentions"],
            [[s.name, s.category, str(s.count)] for s in r.skills],
        ),
    ]
