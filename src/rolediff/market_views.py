"""Market results laid out as tables. Every report table has the same columns, so the whole
report prints as one CSV: what is measured, for which group, its value, and the n behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolediff.render import Table

if TYPE_CHECKING:
    from rolediff.market import CollectSummary, Count, IngestSummary, MarketReport, MarketRun

COLUMNS = ["group", "measure", "value", "n", "flag"]
ABSENT = "—"


def _flag(small: bool, threshold: int) -> str:
    return f"small sample (n < {threshold})" if small else ""


def _pct(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage, from the counts: the report's shares are rounded
    to four decimals, and rounding those again to one decimal of a percent can go the wrong way
    (15 of 19 is 78.947%, stored as 0.7895, which would print as 79.0%)."""
    return f"{part / whole:.1%}" if whole else f"{0:.1%}"


def _dollars(value: float | None) -> str:
    return ABSENT if value is None else f"${value:,.0f}"


def _openings(title: str, counts: list[Count], total: int, threshold: int) -> Table:
    """Each group's openings and its share of all ``total`` postings selected."""
    rows = [
        [
            c.label,
            "openings",
            f"{c.n:,} ({_pct(c.n, total)})",
            f"{total:,}",
            _flag(c.small_sample, threshold),
        ]
        for c in counts
    ]
    return Table(title, COLUMNS, rows)


def _postings(n: int) -> str:
    return f"{n:,} posting" if n == 1 else f"{n:,} postings"


def market_tables(r: MarketReport) -> list[Table]:
    t = r.small_sample_threshold
    o = r.openings
    dated = r.date_range.dated
    span = (
        f"posted {r.date_range.first} to {r.date_range.last} ({dated:,} dated)"
        if dated and r.date_range.first and r.date_range.last
        else "none dated"
    )
    scope = ", ".join(
        f"{k} {v}"
        for k, v in (
            ("role", r.filters.role),
            ("metro", r.filters.metro_name),
            ("since", r.filters.since),
        )
        if v
    )
    notes = [
        f"{_postings(r.n)} ({scope or 'all'}); {span}.",
        *r.notes,
    ]
    work = []
    for w in r.work_mode:
        flag = _flag(w.small_sample, t)
        for measure, part, share in (
            ("remote", w.remote, w.remote_share),
            ("hybrid (work mode)", w.hybrid, w.hybrid_share),
            ("on-site", w.onsite, w.onsite_share),
            ("not stated", w.unknown, w.unknown_share),
            ("hybrid of two roles", w.hybrid_role, w.hybrid_role_share),
        ):
            # A run file written before the counts were kept has only the shares.
            value = f"{share:.1%}" if part is None else _pct(part, w.n)
            work.append([w.role, measure, value, f"{w.n:,}", flag])
    skills = [
        [
            s.role,
            k.name,
            f"{_pct(k.postings, s.n)} ({_postings(k.postings)})",
            f"{s.n:,}",
            _flag(s.small_sample, t),
        ]
        for s in r.skills
        for k in s.skills
    ]
    pay = []
    for p in r.pay:
        pay.append(
            [
                p.role,
                "pay p10 / p50 / p90 (USD a year)",
                " / ".join(_dollars(v) for v in (p.p10, p.p50, p.p90)),
                f"{p.n_usd:,}",
                _flag(p.small_sample, t),
            ]
        )
        pay.append(
            [
                p.role,
                "postings stating pay",
                _pct(p.disclosed, p.n),
                f"{p.n:,}",
                _flag(p.n < t, t),
            ]
        )
        if p.disclosed > p.n_usd:
            other = p.disclosed - p.n_usd
            pay.append(
                [p.role, "pay not in USD (not in the percentiles)", f"{other:,}", f"{p.n:,}", ""]
            )
    tables = [
        _openings("Openings per role", o.by_role, o.n, t),
        _openings("Openings per source site", o.by_site, o.n, t),
        _openings("Openings per metro", o.by_metro, o.n, t),
        _openings("Openings per month posted", o.by_month, o.n, t),
        Table("Remote, hybrid and on-site", COLUMNS, work),
        Table("Top skills per role (share of the role's postings)", COLUMNS, skills),
    ]
    d = r.distinctive
    if d is not None:
        rows = [
            [
                f"{s.favours} over {d.b if s.favours == d.a else d.a}",
                s.name,
                f"z {s.z:+.2f} ({d.a} {_pct(s.postings_a, d.n_a)}, "
                f"{d.b} {_pct(s.postings_b, d.n_b)})",
                f"{d.n_a:,} + {d.n_b:,}",
                _flag(d.small_sample, t),
            ]
            for s in d.skills
        ]
        tables.append(
            Table(
                f"Skills that set {d.a} and {d.b} apart",
                COLUMNS,
                rows,
                notes=[f"Method: {d.method}.", "|z| > 1.96 is unlikely by chance (5% level)."],
            )
        )
    tables.append(Table("Pay per role", COLUMNS, pay, notes=notes))
    return tables


def ingest_tables(s: IngestSummary, title: str = "Ingest") -> list[Table]:
    rows = [
        ["store", s.db],
        ["files", ", ".join(s.sources) or ABSENT],
        ["records read", f"{s.records:,}"],
        ["new postings", f"{s.new:,}"],
        ["duplicates (not stored again)", f"{s.duplicate:,}"],
        ["malformed (skipped)", f"{s.malformed:,}"],
        ["time", f"{s.seconds:,.1f} s ({s.records_per_second:,.0f} records/s)"],
        ["postings in the store", f"{s.store.get('postings', 0):,}"],
    ]
    notes = [f"{m.source} line {m.line}: {m.reason}" for m in s.malformed_records[:20]]
    if s.malformed > len(notes):
        notes.append(f"... and {s.malformed - len(notes):,} more malformed (see --format json).")
    if s.records and not s.new and s.duplicate:
        notes.insert(0, "Nothing new: every posting was already in the store.")
    return [Table(title, ["item", "value"], rows, notes=notes)]


def collect_tables(c: CollectSummary) -> list[Table]:
    tables = ingest_tables(c.ingest, "Collected into the store")
    fetched = [[name, f"{n:,}"] for name, n in c.fetched.items()]
    tables.insert(0, Table("Postings fetched per site and query", ["item", "value"], fetched))
    return tables


def run_tables(r: MarketRun) -> list[Table]:
    rows = [
        ["engine", r.engine + (f" ({r.master})" if r.master else "")],
        ["input", r.input],
        ["files", f"{len(r.files):,}"],
        ["records read", f"{r.records:,}"],
        ["distinct postings analysed", f"{r.new:,}"],
        ["duplicates (kept once)", f"{r.duplicate:,}"],
        ["malformed (skipped)", f"{r.malformed:,}"],
        ["time", f"{r.seconds:,.1f} s ({r.records_per_second:,.0f} records/s)"],
        ["output", r.output],
    ]
    notes = [f"{m.source} line {m.line}: {m.reason}" for m in r.malformed_records[:20]]
    if r.malformed > len(notes):
        notes.append(f"... and {r.malformed - len(notes):,} more malformed (see --format json).")
    notes.append(
        "Analyses and skills: Parquet under analyses/ and skills/, partitioned by month; "
        f"statistics: rolediff market report --from {r.output}"
    )
    return [Table("Market run", ["item", "value"], rows, notes=notes)]
