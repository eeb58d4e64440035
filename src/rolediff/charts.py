"""Chart specs (Vega-Lite) and the files they are saved to: the one place rolediff draws charts.

Specs are built with altair and written with vl-convert, both imported inside the functions that
need them so that the CLI starts fast. Files are rendered offline: SVG and PNG by vl-convert's
embedded renderer, HTML with the Vega JavaScript inlined from the vl-convert package (no CDN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolediff.errors import RolediffError, check_output_file
from rolediff.pay.models import CityRow, TakeHome

if TYPE_CHECKING:
    from rolediff.market import MarketReport

ChartSpec = dict[str, Any]
"""A Vega-Lite specification, as JSON-ready dicts and lists."""

CHART_FORMATS = (".svg", ".png", ".html")
"""The file types :func:`save_chart` writes, by extension."""

PIECES = ("take-home", "living costs", "rent", "taxes")
"""How a city's monthly gross pay divides, in stacking order from the axis out."""

PIECE_COLORS = ("#2e7d32", "#f9a825", "#ef6c00", "#9e9e9e")

BAR_HEIGHT = 16
"""Pixels per bar: a chart of every metro grows tall rather than squeezing its labels."""

WIDTH = 560


def check_chart_path(path: str | Path) -> Path:
    """The path itself, or a RolediffError naming the file types a chart can be saved as."""
    target = Path(path)
    if target.suffix.lower() not in CHART_FORMATS:
        raise RolediffError(
            f"Cannot save a chart as {target.name!r}: name a file ending in "
            f"{', '.join(CHART_FORMATS[:-1])} or {CHART_FORMATS[-1]}."
        )
    check_output_file(target, "save the chart to")
    return target


def check_chart_dir(directory: str | Path) -> Path:
    """The directory to save charts in, or a RolediffError: it is a file, or its parent is
    missing (checked before any work, and again when saving)."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise RolediffError(f"{folder} is a file; name a directory to save the charts in.")
    if not folder.parent.is_dir():
        raise RolediffError(f"No such directory: {folder.parent}")
    return folder


def bar_chart(
    records: Sequence[Mapping[str, Any]], x: str, y: str, title: str, in_order: bool = False
) -> ChartSpec:
    """Horizontal bars: quantity ``x`` for each category ``y``, largest at the top, or with
    ``in_order`` in the order of the records' ``order`` field."""
    import altair as alt

    sort: Any = alt.EncodingSortField("order") if in_order else "-x"
    chart = (
        alt.Chart(alt.InlineData(values=[dict(r) for r in records]), title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:Q", title=x.replace("_", " ")),
            y=alt.Y(f"{y}:N", sort=sort, title=None),
            tooltip=[alt.Tooltip(f"{y}:N"), alt.Tooltip(f"{x}:Q", format=",")],
        )
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT))
    )
    spec: ChartSpec = chart.to_dict()
    return spec


def city_pieces(rows: Sequence[CityRow]) -> list[dict[str, Any]]:
    """Each city's monthly gross pay as pieces: take-home, living costs, rent and taxes.

    The pieces of a city add up to its gross pay a month (a negative take-home is the shortfall).
    """
    records = []
    for row in rows:
        amounts = (
            row.take_home_monthly,
            row.living_costs_monthly,
            row.rent_monthly,
            round(row.total_taxes / 12, 2),
        )
        for order, (piece, monthly) in enumerate(zip(PIECES, amounts, strict=True)):
            records.append(
                {
                    "rank": row.rank,
                    "place": row.place,
                    "piece": piece,
                    "order": order,
                    "monthly": monthly,
                    "gross_monthly": round(row.gross_annual / 12, 2),
                }
            )
    return records


def cities_title(rows: Sequence[CityRow]) -> str:
    """A title that says whether every city had the same salary or its own estimate."""
    salaries = {row.gross_annual for row in rows}
    if len(salaries) == 1:
        return f"Monthly take-home on ${salaries.pop():,.0f} a year, after taxes, rent and living"
    return "Monthly take-home on each metro's estimated salary, after taxes, rent and living"


def cities_chart(rows: Sequence[CityRow], title: str | None = None) -> ChartSpec:
    """Ranked cities as stacked horizontal bars of monthly pay: take-home nearest the axis,
    then living costs, rent and taxes, so that each bar is the city's monthly gross pay."""
    import altair as alt

    places = [row.place for row in rows]
    chart = (
        alt.Chart(alt.InlineData(values=city_pieces(rows)), title=title or cities_title(rows))
        .mark_bar()
        .encode(
            x=alt.X("sum(monthly):Q", title="dollars a month", axis=alt.Axis(format="$,.0f")),
            y=alt.Y("place:N", sort=places, title=None),
            color=alt.Color(
                "piece:N",
                scale=alt.Scale(domain=list(PIECES), range=list(PIECE_COLORS)),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("rank:Q"),
                alt.Tooltip("place:N"),
                alt.Tooltip("piece:N"),
                alt.Tooltip("monthly:Q", format="$,.2f"),
                alt.Tooltip("gross_monthly:Q", title="gross a month", format="$,.2f"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT))
    )
    spec: ChartSpec = chart.to_dict()
    return spec


def save_chart(spec: ChartSpec, path: str | Path) -> Path:
    """Write ``spec`` to ``path`` as SVG, PNG or self-contained HTML, chosen by its extension."""
    target = check_chart_path(path)
    import vl_convert as vlc

    suffix = target.suffix.lower()
    if suffix == ".svg":
        target.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    elif suffix == ".png":
        target.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    else:
        target.write_text(vlc.vegalite_to_html(spec, bundle=True), encoding="utf-8")
    return target


def save_cities_chart(rows: Sequence[CityRow], path: str | Path, title: str | None = None) -> Path:
    """The chart of ``rolediff cities --chart FILE``: :func:`cities_chart` saved to ``path``."""
    check_chart_path(path)  # before building the spec: a bad name fails fast
    return save_chart(cities_chart(rows, title), path)


def market_charts(report: MarketReport) -> dict[str, ChartSpec]:
    """Openings per role, the top skills of each role and median pay per role, by file stem:
    ``openings``, ``skills-ROLE`` and ``pay`` (charts without data are left out)."""
    charts = {
        "openings": bar_chart(
            [{"role": c.label, "postings": c.n} for c in report.openings.by_role],
            "postings",
            "role",
            f"Postings per role (n = {report.n:,})",
        )
    }
    for role in report.skills:
        records = [{"skill": s.name, "share_of_postings": s.share} for s in role.skills[:15]]
        if records:
            title = f"Top skills of {role.role} postings (n = {role.n:,})"
            charts[f"skills-{role.role}"] = bar_chart(records, "share_of_postings", "skill", title)
    pay = [{"role": p.role, "median_pay_usd": p.p50} for p in report.pay if p.p50 is not None]
    if pay:
        charts["pay"] = bar_chart(
            pay, "median_pay_usd", "role", "Median stated pay (US dollars a year)"
        )
    return charts


def save_market_charts(
    report: MarketReport, directory: str | Path, suffix: str = ".svg"
) -> list[Path]:
    """The charts of :func:`market_charts` as files ``STEM{suffix}`` in ``directory`` (created
    if missing, in a directory that exists)."""
    folder = check_chart_dir(directory)
    folder.mkdir(exist_ok=True)
    check_chart_path(folder / f"openings{suffix}")
    return [
        save_chart(spec, folder / f"{stem}{suffix}") for stem, spec in market_charts(report).items()
    ]


def svg(spec: ChartSpec) -> str:
    """``spec`` drawn as an SVG document by vl-convert (offline)."""
    import vl_convert as vlc

    drawn: str = vlc.vegalite_to_svg(spec)
    return drawn


def pay_chart(t: TakeHome) -> ChartSpec:
    """Where a month of gross pay goes in one place: one bar per piece, from gross pay down to
    what is left after taxes, rent and living costs."""
    monthly = [
        ("gross pay", t.gross_annual / 12),
        ("federal income tax", t.federal_income_tax / 12),
        ("Social Security + Medicare", (t.social_security_tax + t.medicare_tax) / 12),
        ("state income tax", t.state_income_tax / 12),
        ("local income tax", t.local_income_tax / 12),
        ("state payroll taxes", t.state_payroll_taxes / 12),
        ("rent", t.rent_monthly),
        ("living costs", t.living_costs_monthly),
        ("take-home", t.take_home_monthly),
    ]
    records = [
        {"piece": piece, "order": i, "dollars_a_month": round(amount, 2)}
        for i, (piece, amount) in enumerate(monthly)
        if amount or piece in ("gross pay", "take-home")
    ]
    return bar_chart(
        records,
        "dollars_a_month",
        "piece",
        f"A month of ${t.gross_annual:,.0f} a year in {t.place} ({t.year})",
        in_order=True,
    )


def score_chart(scores: Mapping[str, float], title: str, scale: float = 100.0) -> ChartSpec:
    """One bar per label (in the order given): a score times ``scale``, e.g. 0-100 points."""
    records = [
        {"label": label, "order": i, "score": round(scale * score, 1)}
        for i, (label, score) in enumerate(scores.items())
    ]
    return bar_chart(records, "score", "label", title, in_order=True)


def salary_ranges_chart(rows: Sequence[tuple[str, float, float, float]], title: str) -> ChartSpec:
    """Low, average and high salary per role: rows of (role, low, average, high)."""
    records = [
        {"role": role, "measure": measure, "order": j, "dollars_a_year": amount}
        for role, *amounts in rows
        for j, (measure, amount) in enumerate(zip(("low", "average", "high"), amounts, strict=True))
    ]
    import altair as alt

    chart = (
        alt.Chart(alt.InlineData(values=records), title=title)
        .mark_bar()
        .encode(
            x=alt.X("dollars_a_year:Q", title="dollars a year", axis=alt.Axis(format="$,.0f")),
            y=alt.Y("role:N", title=None),
            yOffset=alt.YOffset("measure:N", sort=["low", "average", "high"]),
            color=alt.Color(
                "measure:N",
                sort=["low", "average", "high"],
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("role:N"),
                alt.Tooltip("measure:N"),
                alt.Tooltip("dollars_a_year:Q", format="$,.0f"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT))
    )
    spec: ChartSpec = chart.to_dict()
    return spec


# --- the shareable report (rolediff report): its charts not drawn above -----------------------

ROLE_COLORS = ("#1565c0", "#c62828", "#6a1b9a", "#00838f", "#5d4037")
"""One colour per role when roles are drawn side by side (role A first)."""


def take_home_chart(labelled: Sequence[tuple[str, TakeHome]], title: str) -> ChartSpec:
    """Several households' monthly gross pay split into take-home, living costs, rent and taxes,
    one stacked bar per label (e.g. each role in the chosen city), in the order given."""
    rows = [
        CityRow(
            rank=i,
            place=label,
            metro=t.place,
            metro_cbsa=t.metro_cbsa,
            state=t.state,
            gross_annual=t.gross_annual,
            total_taxes=t.total_taxes,
            after_tax_monthly=t.after_tax_monthly,
            rent_monthly=t.rent_monthly,
            living_costs_monthly=t.living_costs_monthly,
            take_home_monthly=t.take_home_monthly,
            effective_tax_rate=t.effective_tax_rate,
            local_tax_not_modelled=bool(t.not_modelled),
        )
        for i, (label, t) in enumerate(labelled, 1)
    ]
    return cities_chart(rows, title)


def skill_shares_chart(
    records: Sequence[Mapping[str, Any]], roles: Sequence[str], title: str
) -> ChartSpec:
    """Share of each role's postings asking for each skill area: grouped horizontal bars, one
    group per ``skill`` (in the order of ``records``), one bar per ``role`` (ordered as
    ``roles``). Each record holds ``skill``, ``role`` and ``share`` (0-1)."""
    import altair as alt

    skills = list(dict.fromkeys(str(r["skill"]) for r in records))
    chart = (
        alt.Chart(alt.InlineData(values=[dict(r) for r in records]), title=title)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="share of postings", axis=alt.Axis(format=".0%")),
            y=alt.Y("skill:N", sort=skills, title=None),
            yOffset=alt.YOffset("role:N", sort=list(roles)),
            color=alt.Color(
                "role:N",
                sort=list(roles),
                scale=alt.Scale(domain=list(roles), range=list(ROLE_COLORS[: len(roles)])),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("skill:N"),
                alt.Tooltip("role:N"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT // 2 + 2))
    )
    spec: ChartSpec = chart.to_dict()
    return spec
