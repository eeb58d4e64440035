"""Results laid out as tables for the table, Markdown and CSV formats (JSON prints the models)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rolediff.data.schema import Dataset, RoleProfile, Source
from rolediff.geo import Place
from rolediff.render import Table
from rolediff.roles import ComparedSkill, Comparison, Named, PostingsProspect, SkillsDimension
from rolediff.skills import taxonomy

if TYPE_CHECKING:
    from rolediff.pay.coverage import CoverageEntry
    from rolediff.pay.models import CityRow, SalaryEstimate, TakeHome
    from rolediff.pay.take_home import SalaryMatch
    from rolediff.postings.analyze import PostingAnalysis, SkillCount
    from rolediff.postings.classify import Evidence
    from rolediff.postings.parse import PostingLocation, Salary

ABSENT = "—"
CLAIM_LABELS = {
    "average_salary_annual": "average salary per year",
    "take_home_monthly": "kept per month after tax, rent and living costs",
}


def money(value: float) -> str:
    """Dollars, with cents when there are any; no minus sign on an amount that rounds to zero."""
    value = round(value, 2)
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}${value:,.2f}" if value % 1 else f"{sign}${value:,.0f}"


def dollars(value: float) -> str:
    """Whole dollars, for wide tables ("-$0" for a cent's credit is "$0")."""
    value = round(value)
    return f"{'-' if value < 0 else ''}${abs(value):,.0f}"


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


def from_counts(share: float, part: int | None, whole: int | None) -> float:
    """A share, from its counts when they are known: shares are rounded to four decimals, and
    rounding one again can go the wrong way (17 of 103 is 16.505%, so 17%, but its share, 0.165,
    would print as 16%)."""
    return part / whole if part is not None and whole else share


def percent(share: float, part: int | None, whole: int | None, spec: str = ".0%") -> str:
    """A share as a percentage, from its counts when they are known (see `from_counts`)."""
    return format(from_counts(share, part, whole), spec)


def _skill_cell(
    level: str | None,
    examples: Sequence[Named],
    share: float | None,
    postings: int | None,
    n: int | None,
) -> str:
    asked = f" [{percent(share, postings, n)} of postings]" if share is not None else ""
    if level is None:
        return f"{ABSENT}{asked}"
    return (f"{level}: {_names(examples)}" if examples else level) + asked


def _skill_rows(skills: Sequence[ComparedSkill], dimension: SkillsDimension) -> list[list[str]]:
    return [
        [
            s.name,
            _skill_cell(s.level_a, s.examples_a, s.share_a, s.postings_a, dimension.n_a),
            _skill_cell(s.level_b, s.examples_b, s.share_b, s.postings_b, dimension.n_b),
        ]
        for s in skills
    ]


def _disputed(c: Comparison, only: Sequence[ComparedSkill]) -> list[str]:
    """A note for each area listed for one role only whose postings say the opposite."""
    a, b = c.a.short_name, c.b.short_name
    n_a, n_b = c.skills.n_a, c.skills.n_b
    return [
        f"Postings disagree on {s.name}: {percent(s.share_a, s.postings_a, n_a)} of {a} and "
        f"{percent(s.share_b, s.postings_b, n_b)} of {b} postings ask for it."
        for s in only
        if s.id in c.skills.disputed and s.share_a is not None and s.share_b is not None
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
    pay_tables = _comparison_pay_tables(c, columns) if c.salaries.take_home else []
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
        Table("3. Skills: shared", columns, _skill_rows(c.skills.shared, c.skills)),
        Table(
            f"3. Skills: only {a}",
            columns,
            _skill_rows(c.skills.only_a, c.skills),
            notes=_disputed(c, c.skills.only_a),
        ),
        Table(
            f"3. Skills: only {b}",
            columns,
            _skill_rows(c.skills.only_b, c.skills),
            notes=_disputed(c, c.skills.only_b),
        ),
        Table("3. Background", columns, background_rows),
        Table(
            "3. Education",
            columns,
            [[e.name, e.a or ABSENT, e.b or ABSENT] for e in c.education],
        ),
        Table(
            "4. Career prospects: job openings",
            columns,
            openings + _postings_rows(c),
            notes=[
                *c.prospects.notes,
                *([c.prospects.postings_source] if c.prospects.postings_source else []),
            ],
        ),
        Table(
            f"5. Salaries{title_suffix}",
            columns,
            salary_rows,
            notes=[*c.salaries.notes, "Sources: " + "; ".join(_cite(c.sources))],
        ),
        *pay_tables,
    ]


def _comparison_pay_tables(c: Comparison, columns: list[str]) -> list[Table]:
    """With --city: both roles' take-home there, their best metros, and the article check."""
    pay = c.salaries.take_home
    top = c.salaries.top_cities
    assert pay is not None and top is not None
    a, b = pay.a, pay.b
    rows = [
        ["Estimated salary", dollars(a.gross_annual), dollars(b.gross_annual)],
        ["Taxes", dollars(a.total_taxes), dollars(b.total_taxes)],
        ["After tax / month", dollars(a.after_tax_monthly), dollars(b.after_tax_monthly)],
        ["Rent / month", dollars(a.rent_monthly), dollars(b.rent_monthly)],
        ["Living costs / month", dollars(a.living_costs_monthly), dollars(b.living_costs_monthly)],
        ["Take-home / month", dollars(a.take_home_monthly), dollars(b.take_home_monthly)],
    ]
    best = [
        [
            str(i + 1),
            f"{x.place}: {dollars(x.take_home_monthly)}",
            f"{y.place}: {dollars(y.take_home_monthly)}",
        ]
        for i, (x, y) in enumerate(zip(top.a, top.b, strict=False))
    ]
    checks = []
    for k in c.salaries.article_check:
        cell = (
            f"article {dollars(k.article_after_tax_monthly)}; rolediff "
            f"{dollars(k.computed_after_tax_monthly)} ({k.difference_share:+.1%})"
        )
        mine = [cell if k.role == c.a.id else ABSENT, cell if k.role == c.b.id else ABSENT]
        checks.append([f"{k.city}: after tax / month", *mine])
    basis = (
        ["Estimated salary: " + salary_basis(a.salary_estimate, "each role's")]
        if a.salary_estimate
        else []
    )
    tables = [
        Table(
            f"5. Take-home in {a.place} (tax year {a.year})",
            columns,
            rows,
            notes=[*basis, *_caveats(a)],
        ),
        Table("5. Best metros by monthly take-home", columns, best),
    ]
    if checks:
        tables.append(Table("5. The article's city table, checked", columns, checks))
    return tables


def _remote(p: PostingsProspect) -> str:
    remote = percent(p.remote_share, p.remote, p.openings)
    if p.not_stated_share is None or not (p.not_stated or p.not_stated_share):
        return remote  # unknown (the snapshot keeps no such count), or none unstated
    unstated = percent(p.not_stated_share, p.not_stated, p.openings)
    return f"{remote} ({unstated} state no work mode)"


def _of_postings(p: PostingsProspect) -> str:
    return f"{p.openings:,} ({percent(p.share_of_postings, p.openings, p.all_postings, '.1%')})"


def _postings_rows(c: Comparison) -> list[list[str]]:
    pair = c.prospects.postings
    if pair is None:
        return []

    def cell(p: PostingsProspect | None, render: Callable[[PostingsProspect], str]) -> str:
        if p is None:
            return ABSENT
        flag = " (small sample)" if p.small_sample else ""
        return render(p) + flag

    return [
        [
            "Postings in the market data",
            cell(pair.a, _of_postings),
            cell(pair.b, _of_postings),
        ],
        [
            "Remote share",
            cell(pair.a, _remote),
            cell(pair.b, _remote),
        ],
        [
            "Hybrid work (part on-site)",
            cell(pair.a, lambda p: percent(p.hybrid_share, p.hybrid, p.openings)),
            cell(pair.b, lambda p: percent(p.hybrid_share, p.hybrid, p.openings)),
        ],
        [
            "Median stated pay (n)",
            cell(pair.a, lambda p: f"{dollars(p.pay_p50)} ({p.pay_n})" if p.pay_p50 else ABSENT),
            cell(pair.b, lambda p: f"{dollars(p.pay_p50)} ({p.pay_n})" if p.pay_p50 else ABSENT),
        ],
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


_PER = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}


def _amount(value: float) -> str:
    return f"{value:,.2f}" if value % 1 else f"{value:,.0f}"


def _span(low: float | None, high: float | None) -> str:
    """A range of pay as the tables print it: "120,000 - 150,000", "120,000", "from 120,000"
    or "up to 150,000"."""
    if low is None:
        assert high is not None  # a salary states at least one end
        return f"up to {_amount(high)}"
    if high is None:
        return f"from {_amount(low)}"
    return _amount(low) if low == high else f"{_amount(low)} - {_amount(high)}"


def _salary_text(s: Salary | None) -> str:
    """The pay as stated, with its yearly equivalent when stated by the hour, day, week or month."""
    if s is None:
        return ABSENT
    stated = f"{s.currency} {_span(s.min, s.max)} {_PER[s.interval]}"
    source = "job board's estimate" if s.estimate else s.source
    if s.interval == "year":
        return f"{stated} ({source})"
    return f"{stated} ({_span(s.annual_min, s.annual_max)} a year; {source})"


def _place_text(p: PostingLocation | None) -> str:
    if p is None:
        return ABSENT
    if not p.places:
        return p.remote or ABSENT
    where = ", ".join(p.places)
    return f"{where} ({p.remote})" if p.remote else where


def posting_tables(results: Sequence[PostingAnalysis], detailed: bool) -> list[Table]:
    """A summary row per posting; with ``detailed``, a single posting's evidence and skills."""
    # "hybrid of roles", not "hybrid": the place column says "hybrid" of a work mode.
    columns = [
        "posting", "title", "role", "hybrid of roles", "top skills", "pay", "place", "seniority",
        "employment",
    ]  # fmt: skip
    rows = [
        [
            r.id or str(i),
            r.title or ABSENT,
            f"{r.role} ({r.role_scores[r.role]:.0%})",
            " + ".join(r.hybrid_of) if r.hybrid else "no",
            _top_skills(r.skills) or ABSENT,
            _salary_text(r.salary),
            _place_text(r.location),
            r.seniority or ABSENT,
            r.employment_type.replace("_", "-") if r.employment_type else ABSENT,
        ]
        for i, r in enumerate(results, 1)
    ]
    summary = Table("Postings", columns, rows)
    if len(results) != 1 or not detailed:
        return [summary]
    r = results[0]
    scores = sorted(r.role_scores.items(), key=lambda kv: -kv[1])
    tables = [
        summary,
        Table(
            f"Why {r.role}",
            ["evidence", "text", "pull toward it"],
            [_evidence_row(e) for e in r.evidence if e.role == r.role],
            notes=["Scores: " + ", ".join(f"{k} {v:.1%}" for k, v in scores)],
        ),
    ]
    # Reasons toward another role (the second of a hybrid, a family the title names) apart:
    # under "Why devops", an SRE skill had read as a reason for DevOps.
    others = dict.fromkeys(e.role for e in r.evidence if e.role != r.role)
    for other in others:
        reasons = [e for e in r.evidence if e.role == other]
        notes = []
        if any(_profile_skill(e) for e in reasons):
            notes.append(
                f"A core {other} skill is one the {other} profile lists and the {r.role}"
                " profile does not: a posting asking for enough of them is a hybrid of the two."
            )
        tables.append(
            Table(
                f"Also {other}",
                ["evidence", "text", "why"],
                [_evidence_row(e) for e in reasons],
                notes=notes,
            )
        )
    tables.append(
        Table(
            "Skills asked for",
            ["skill", "category", "mentions"],
            [[s.name, s.category, str(s.count)] for s in r.skills],
        )
    )
    return tables


_GENERAL_KINDS = frozenset({"area", "soft"})


def _top_skills(skills: Sequence[SkillCount], limit: int = 6) -> str:
    """The posting's most named skills, tools and practices before skill areas and soft skills
    ("Kubernetes, Terraform" before "Collaboration, Cloud platforms")."""
    by_id = taxonomy().by_id
    general = [s.id in by_id and by_id[s.id].kind in _GENERAL_KINDS for s in skills]
    ordered = [s for s, g in zip(skills, general, strict=True) if not g]
    ordered += [s for s, g in zip(skills, general, strict=True) if g]
    return ", ".join(s.name for s in ordered[:limit])


def _profile_skill(e: Evidence) -> bool:
    """A skill of the other role's profile that makes the posting a hybrid (weight 0: it is no
    pull of the classifier's)."""
    return e.kind == "skill" and e.weight == 0


def _evidence_row(e: Evidence) -> list[str]:
    if e.kind == "title":
        why = "title names it"
    elif _profile_skill(e):
        why = f"core {e.role} skill"
    else:
        why = f"{e.weight:+.3f}"
    return [e.kind, e.text, why]


def _pct(rate: float) -> str:
    return f"{round(rate, 3) or 0.0:.1%}"  # no "-0.0%" for a rate a hair below zero


def _tax_names() -> dict[str, str]:
    """The name of each local tax and state payroll program, by the id the JSON uses."""
    from rolediff.pay.local import all_local_taxes
    from rolediff.pay.payroll import payroll_states

    names = {tax_id: tax.name for tax_id, tax in all_local_taxes().items()}
    for state in payroll_states().values():
        names.update({p.id: f"{p.name} ({state.state})" for p in state.programs})
    return names


def take_home_tables(t: TakeHome) -> list[Table]:
    """The pay chain, annual and monthly, with the components of each step."""
    columns = ["item", "annual", "monthly"]

    def row(label: str, annual: float, monthly: float | None = None) -> list[str]:
        monthly = annual / 12 if monthly is None else monthly
        return [label, money(round(annual, 2)), money(round(monthly, 2))]

    rows = [row("Gross salary", t.gross_annual)]
    if t.pretax_contributions:
        rows.append(row("Pre-tax contributions (401(k), HSA)", -t.pretax_contributions))
    rows += [
        row("Federal income tax", -t.federal_income_tax),
        row("Social Security", -t.social_security_tax),
        row("Medicare", -t.medicare_tax),
        row(f"State income tax ({t.state})", -t.state_income_tax),
    ]
    names = _tax_names()
    rows += [
        row(f"Local: {names.get(tax_id, tax_id)}", -amount)
        for tax_id, amount in t.local_taxes.items()
        if amount
    ]
    rows += [
        row(f"Payroll: {names.get(tax_id, tax_id)}", -amount)
        for tax_id, amount in t.payroll_taxes.items()
        if amount
    ]
    rows += [
        row("After tax", t.after_tax_annual),
        row("Rent", -t.rent_monthly * 12),
        row("Living costs (food, transport, health, other)", -t.living_costs_monthly * 12),
        # Each column adds up: the year from the rows above, the month as every table shows it.
        row(
            "Take-home after rent and living costs",
            t.after_tax_annual - 12 * (t.rent_monthly + t.living_costs_monthly),
            t.take_home_monthly,
        ),
    ]
    salary_note = [f"Salary: {salary_basis(t.salary_estimate)}"] if t.salary_estimate else []
    notes = [
        f"{t.place} (CBSA {t.metro_cbsa}), tax year {t.year}, {t.filing_status.replace('_', ' ')}.",
        f"Effective tax rate {_pct(t.effective_tax_rate)}; marginal {_pct(t.marginal_tax_rate)}.",
        *salary_note,
        *_caveats(t),
        *(f"Source: {s}" for s in t.sources),
    ]
    return [Table("Take-home pay", columns, rows, notes=notes)]


def _percentile(p: int) -> str:
    """ "90th percentile", "50th percentile (the median)"."""
    suffix = "th" if 10 <= p % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(p % 10, "th")
    return f"{p}{suffix} percentile" + (" (the median)" if p == 50 else "")


def salary_basis(e: SalaryEstimate, whose: str | None = None) -> str:
    """What an estimated salary is: "90th percentile of SRE salaries in Raleigh, NC; estimate:
    ..." (the percentile asked for is said, not only the method). ``whose`` replaces "SRE"."""
    from rolediff.roles import get_role

    where = f" in {e.place}" if e.place else ""
    whose = whose or get_role(e.role).short_name
    return f"{_percentile(e.percentile)} of {whose} salaries{where}; {e.label}"


def _caveats(t: TakeHome, prefix: str = "") -> list[str]:
    """What a take-home leaves out (a local tax not charged) and figures not yet verified."""
    return [
        *(f"{prefix}Not included: {gap}" for gap in t.not_modelled),
        *(
            [f"{prefix}Figures not yet checked against their source: {', '.join(t.unverified)}."]
            if t.unverified
            else []
        ),
    ]


RANKED_BY = {"take_home": "monthly take-home", "after_tax": "after-tax pay", "gross": "gross pay"}


def estimated_salary_note(role: str, percentile: int) -> str:
    """Under a ranking on each metro's estimated salary: whose salary, which percentile."""
    from rolediff.roles import get_role

    profile = get_role(role)
    return (
        f"Gross: each metro's estimated {profile.short_name} salary, {_percentile(percentile)}; "
        f"`rolediff pay --city CITY --role {profile.id}` shows how it is estimated."
    )


def cities_tables(
    rows: Sequence[CityRow],
    sort: str = "take_home",
    *,
    basis: str | None = None,
    for_csv: bool = False,
) -> list[Table]:
    """The ranking as a table, titled by what it is ranked by (a ``sort`` key of answers).

    ``basis`` is a note on where the salaries come from. ``for_csv``: CSV keeps no notes, so a
    city whose local tax is not charged is flagged in a column of its own instead of by a "*"
    after its name (which would no longer be the place's name)."""
    columns = [
        "rank",
        "city",
        "gross",
        "taxes",
        "after tax / mo",
        "rent / mo",
        "living / mo",
        "take-home / mo",
    ]
    body = [
        [
            str(r.rank),
            f"{r.place} *" if r.local_tax_not_modelled and not for_csv else r.place,
            dollars(r.gross_annual),
            dollars(r.total_taxes),
            dollars(r.after_tax_monthly),
            dollars(r.rent_monthly),
            dollars(r.living_costs_monthly),
            dollars(r.take_home_monthly),
            *([_yes_no(r.local_tax_not_modelled)] if for_csv else []),
        ]
        for r in rows
    ]
    if for_csv:
        columns.append("local tax not charged")
    notes = [basis] if basis else []
    if any(r.local_tax_not_modelled for r in rows):
        notes.append(
            "* The city levies a local tax that rolediff does not charge: its take-home is"
            " overstated (rolediff pay --city names it)."
        )
    return [Table(f"Metros ranked by {RANKED_BY[sort]}", columns, body, notes=notes)]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def match_tables(m: SalaryMatch) -> list[Table]:
    columns = ["item", m.from_place.place, m.to_place.place]
    a, b = m.from_place, m.to_place
    rows = [
        ["Salary", money(a.gross_annual), money(b.gross_annual)],
        ["Taxes", money(a.total_taxes), money(b.total_taxes)],
        ["After tax / month", money(a.after_tax_monthly), money(b.after_tax_monthly)],
        ["Rent / month", money(a.rent_monthly), money(b.rent_monthly)],
        ["Living / month", money(a.living_costs_monthly), money(b.living_costs_monthly)],
        ["Take-home / month", money(a.take_home_monthly), money(b.take_home_monthly)],
    ]
    verb = "more" if m.difference >= 0 else "less"
    note = f"{b.place} needs {money(abs(m.difference))} a year {verb} for the same take-home."
    if m.difference == 0:
        note = f"{b.place} needs the same salary for the same take-home."
    if a.take_home_monthly < 0:  # the same shortfall, not a surplus: say so
        note += (
            f" At this salary rent and living costs in {a.place} exceed after-tax pay by "
            f"{money(-a.take_home_monthly)} a month; the match keeps that shortfall."
        )
    # What either side leaves out moves the answer: a local tax not charged at the destination
    # makes the salary it needs look lower than it is.
    places = [a] if a.place == b.place else [a, b]
    caveats = [note for t in places for note in _caveats(t, f"{t.place}: ")]
    context = f"Tax year {a.year}, {a.filing_status.replace('_', ' ')} filer."
    return [Table("Same take-home, another place", columns, rows, notes=[note, context, *caveats])]


def _years(years: Sequence[int]) -> str:
    return ", ".join(map(str, years)) or ABSENT


def coverage_tables(entries: Sequence[CoverageEntry]) -> list[Table]:
    columns = ["jurisdiction", "kind", "years", "verified", "not modelled", "cliffs"]
    rows = [
        [
            e.jurisdiction,
            e.kind,
            _years(e.years),
            _years(e.verified_years),
            "; ".join(e.not_modelled) or ABSENT,
            "; ".join(e.cliffs) or ABSENT,
        ]
        for e in entries
    ]
    note = (
        "'verified' lists the years whose figures were checked against the cited primary "
        "source; the others are the best figures known and may be revised."
    )
    return [Table("Tax coverage", columns, rows, notes=[note])]
