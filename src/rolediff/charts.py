"""Chart specs (Vega-Lite) and the files they are saved to: the one place rolediff draws charts.

Specs are built with altair and written with vl-convert, both imported inside the functions that
need them so that the CLI starts fast. Files are rendered offline: SVG and PNG by vl-convert's
embedded renderer, HTML with the Vega JavaScript inlined from the vl-convert package (no CDN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolediff.errors import RolediffError, UnknownRoleError, check_output_file, write_atomically
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

LABEL_LIMIT = 320
"""Pixels a category label may take before it is cut with an ellipsis: room for the longest
skill area ("Infrastructure automation and configuration management") and metro names."""

QUANTITIES: dict[str, tuple[str, str]] = {
    "postings": ("postings", ",d"),
    "jurisdictions": ("jurisdictions", ",d"),
    "share_of_postings": ("share of postings", ".0%"),
    "median_pay_usd": ("median stated pay ($/year)", "$,.0f"),
    "dollars_a_month": ("$/month", "$,.0f"),
    "score": ("score (0-100)", ",.0f"),
}
"""The axis title and number format (d3) of each quantity :func:`bar_chart` draws, by field;
counts (``,d``) get whole-number ticks."""

DOMAINS: dict[str, tuple[float, float]] = {"score": (0, 100)}
"""The whole range of a bounded quantity: its axis spans it, so 9 points of 100 look small."""

ROLE_COLOR = {
    "devops": "#0072B2",
    "sre": "#D55E00",
    "devsecops": "#CC79A7",
    "cloud": "#009E73",
    "platform": "#E69F00",
    "other": "#555555",
}
"""One colour per role in every chart (Okabe-Ito: told apart with colour-blind vision)."""

NO_DATA = "No data to draw for this selection."


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


def role_color(label: object) -> str | None:
    """The colour of the role ``label`` names as :func:`rolediff.roles.get_role` reads it (id,
    short name, name or job title, any case), or of "other"; None for a label naming no role."""
    from rolediff.roles import get_role

    key = str(label).strip().lower()
    if key in ROLE_COLOR:  # the ids, and "other", which no profile describes
        return ROLE_COLOR[key]
    try:
        return ROLE_COLOR.get(get_role(str(label)).id)
    except UnknownRoleError:
        return None


def role_scale(labels: Sequence[object]) -> tuple[list[str], list[str]] | None:
    """A colour scale's domain and range giving each role label its role's colour, or None
    unless every label names a role."""
    domain = list(dict.fromkeys(str(label) for label in labels))
    colors = []
    for label in domain:
        color = role_color(label)
        if color is None:
            return None
        colors.append(color)
    return (domain, colors) if domain else None


def no_data_chart(title: str, message: str = NO_DATA) -> ChartSpec:
    """A chart with nothing to draw: its title over a line saying so, not an empty frame."""
    import altair as alt

    chart = (
        alt.Chart(alt.InlineData(values=[{"message": message}]), title=title)
        .mark_text(fontSize=13, color="#555")
        .encode(text="message:N")
        .properties(width=WIDTH, height=40, description=f"{title}: {message}")
    )
    spec: ChartSpec = chart.to_dict()
    return spec


def _number(value: Any, fmt: str) -> str:
    """``value`` as the d3 format ``fmt`` of :data:`QUANTITIES` shows it, for descriptions."""
    if not isinstance(value, int | float):
        return str(value)
    if fmt == ".0%":
        return f"{value:.0%}"
    if fmt.startswith("$"):
        return f"{'-' if value < 0 else ''}${abs(value):,.0f}"
    return f"{value:,.0f}" if fmt in (",d", ",.0f") else f"{value:,}"


def _describe(title: str, pairs: Sequence[tuple[Any, str]], unit: str) -> str:
    """A text alternative: the title, then each category's figure."""
    shown = "; ".join(f"{label}: {figure}" for label, figure in pairs[:20])
    more = f"; and {len(pairs) - 20} more" if len(pairs) > 20 else ""
    return f"{title}. Bar chart of {unit}: {shown}{more}." if shown else title


def bar_chart(
    records: Sequence[Mapping[str, Any]],
    x: str,
    y: str,
    title: str,
    in_order: bool = False,
    *,
    x_title: str | None = None,
    x_format: str | None = None,
    x_domain: Sequence[float] | None = None,
) -> ChartSpec:
    """Horizontal bars: quantity ``x`` for each category ``y``, largest at the top, or with
    ``in_order`` in the order of the records' ``order`` field. The axis title and number format
    are the quantity's in :data:`QUANTITIES` unless given; bars of roles take their role's
    colour; no records draw :func:`no_data_chart`."""
    import altair as alt

    if not records:
        return no_data_chart(title)
    known_title, known_format = QUANTITIES.get(x, (x.replace("_", " "), ""))
    axis_title = known_title if x_title is None else x_title or None
    fmt = x_format or known_format
    axis: dict[str, Any] = {"format": fmt} if fmt else {}  # unknown: Vega's own tick labels
    if fmt == ",d":
        axis["tickMinStep"] = 1  # no 0.2 of a posting
    domain = DOMAINS.get(x) if x_domain is None else x_domain
    scale = alt.Scale(domain=list(domain)) if domain is not None else alt.Undefined
    sort: Any = alt.EncodingSortField("order") if in_order else "-x"
    colors = role_scale([r[y] for r in records])
    color: Any = alt.Undefined
    if colors is not None:
        color = alt.Color(f"{y}:N", scale=alt.Scale(domain=colors[0], range=colors[1]), legend=None)
    chart = (
        alt.Chart(alt.InlineData(values=[dict(r) for r in records]), title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:Q", title=axis_title, axis=alt.Axis(**axis), scale=scale),
            y=alt.Y(f"{y}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=color,
            tooltip=[
                alt.Tooltip(f"{y}:N"),
                alt.Tooltip(f"{x}:Q", title=axis_title or x.replace("_", " "), format=fmt or ","),
            ],
        )
        .properties(
            width=WIDTH,
            height=alt.Step(BAR_HEIGHT),
            description=_describe(
                title,
                [(r[y], _number(r[x], fmt)) for r in records],
                axis_title or x.replace("_", " "),
            ),
        )
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


def cities_title(rows: Sequence[CityRow], role: str | None = None) -> str:
    """A title that says whether every city had the same salary or its own estimate (of
    ``role``'s salary, a role as `get_role` reads it, when given)."""
    salaries = {row.gross_annual for row in rows}
    if len(salaries) == 1:
        return f"Monthly take-home on ${salaries.pop():,.0f} a year, after taxes, rent and living"
    from rolediff.roles import get_role

    whose = f"estimated {get_role(role).short_name} salary" if role else "estimated salary"
    return f"Monthly take-home on each metro's {whose}, after taxes, rent and living"


def cities_chart(rows: Sequence[CityRow], title: str | None = None) -> ChartSpec:
    """Ranked cities as stacked horizontal bars of monthly pay: take-home nearest the axis,
    then living costs, rent and taxes, so that each bar is the city's monthly gross pay."""
    import altair as alt

    title = title or cities_title(rows)
    if not rows:
        return no_data_chart(title)
    places = [row.place for row in rows]
    description = _describe(
        title,
        [
            (
                row.place,
                f"{_number(row.take_home_monthly, '$')} take-home of "
                f"{_number(row.gross_annual / 12, '$')} gross a month",
            )
            for row in rows
        ],
        "monthly pay split into take-home, living costs, rent and taxes",
    )
    chart = (
        alt.Chart(alt.InlineData(values=city_pieces(rows)), title=title)
        .mark_bar()
        .encode(
            x=alt.X("sum(monthly):Q", title="$/month", axis=alt.Axis(format="$,.0f")),
            y=alt.Y("place:N", sort=places, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
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
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT), description=description)
    )
    spec: ChartSpec = chart.to_dict()
    return spec


def save_chart(spec: ChartSpec, path: str | Path) -> Path:
    """Write ``spec`` to ``path`` as SVG, PNG or self-contained HTML, chosen by its extension."""
    target = check_chart_path(path)
    import vl_convert as vlc

    suffix = target.suffix.lower()
    if suffix == ".svg":
        data: str | bytes = svg(spec)
    elif suffix == ".png":
        data = vlc.vegalite_to_png(spec, scale=2)
    else:
        data = vlc.vegalite_to_html(spec, bundle=True)
    write_atomically(target, data)  # whole or not at all, as reports are
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
            [{"role": _role_name(c.key), "postings": c.n} for c in report.openings.by_role],
            "postings",
            "role",
            f"Postings per role (n = {report.n:,})",
        )
    }
    for role in report.skills:
        # From the counts: the shares are rounded, and the chart would round them again.
        records = [
            {"skill": s.name, "share_of_postings": s.postings / role.n} for s in role.skills[:15]
        ]
        if records:
            title = f"Top skills of {_role_name(role.role)} postings (n = {role.n:,})"
            charts[f"skills-{role.role}"] = bar_chart(records, "share_of_postings", "skill", title)
    pay = [
        {"role": _role_name(p.role), "median_pay_usd": p.p50}
        for p in report.pay
        if p.p50 is not None
    ]
    if pay:
        charts["pay"] = bar_chart(
            pay, "median_pay_usd", "role", "Median stated pay (US dollars a year)"
        )
    return charts


def _role_name(role: str) -> str:
    """A role's short name ("DevOps") for a role id; other labels ("other") as they are."""
    from rolediff import data

    profile = data.role_profiles().get(role)
    return profile.short_name if profile else role


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
    """``spec`` drawn as an SVG document by vl-convert (offline), named for assistive technology
    by the spec's description (or title): ``role="img"``, ``aria-label`` and a ``<title>``."""
    from xml.sax.saxutils import escape, quoteattr

    import vl_convert as vlc

    drawn: str = vlc.vegalite_to_svg(spec)
    title = spec.get("title", "")
    name = str(
        spec.get("description") or (title.get("text", "") if isinstance(title, dict) else title)
    )
    start = drawn.find("<svg")
    end = drawn.find(">", start)
    if not name or start < 0 or end < 0:
        return drawn
    return (
        f'{drawn[:end]} role="img" aria-label={quoteattr(name)}>'
        f"<title>{escape(name)}</title>{drawn[end + 1 :]}"
    )


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
    salary = f"${t.gross_annual:,.0f} a year"
    if t.salary_estimate is not None:
        role = t.salary_estimate.role
        from rolediff import data

        profile = data.role_profiles().get(role)
        salary += f" ({profile.short_name if profile else role} estimate)"
    return bar_chart(
        records,
        "dollars_a_month",
        "piece",
        f"A month of {salary} in {t.place} ({t.year})",
        in_order=True,
    )


def score_chart(
    scores: Mapping[str, float],
    title: str,
    scale: float = 100.0,
    *,
    x_title: str | None = None,
    x_format: str | None = None,
) -> ChartSpec:
    """One bar per label (in the order given): a score times ``scale``. The default scale draws
    0-100 points on an axis from 0 to 100; any other scale is some other quantity, whose axis
    title (none by default: the chart's title names it) and d3 format the caller gives."""
    field = "score" if scale == 100.0 else "value"
    records = [
        {"label": label, "order": i, field: round(scale * score, 1)}
        for i, (label, score) in enumerate(scores.items())
    ]
    if field == "score":
        return bar_chart(
            records, "score", "label", title, in_order=True, x_title=x_title, x_format=x_format
        )
    return bar_chart(
        records, "value", "label", title, in_order=True, x_title=x_title or "", x_format=x_format
    )


def salary_ranges_chart(rows: Sequence[tuple[str, float, float, float]], title: str) -> ChartSpec:
    """Low, average and high salary per role: rows of (role, low, average, high)."""
    records = [
        {"role": role, "measure": measure, "order": j, "dollars_a_year": amount}
        for role, *amounts in rows
        for j, (measure, amount) in enumerate(zip(("low", "average", "high"), amounts, strict=True))
    ]
    if not records:
        return no_data_chart(title)
    import altair as alt

    description = _describe(
        title,
        [
            (role, f"low {_number(lo, '$')}, average {_number(avg, '$')}, high {_number(hi, '$')}")
            for role, lo, avg, hi in rows
        ],
        "salaries in $/year",
    )
    chart = (
        alt.Chart(alt.InlineData(values=records), title=title)
        .mark_bar()
        .encode(
            x=alt.X("dollars_a_year:Q", title="$/year", axis=alt.Axis(format="$,.0f")),
            y=alt.Y("role:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
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
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT), description=description)
    )
    spec: ChartSpec = chart.to_dict()
    return spec


# --- the shareable report (rolediff report): its charts not drawn above -----------------------

ROLE_COLORS = ("#0072B2", "#D55E00", "#CC79A7", "#009E73", "#E69F00")
"""Colours for labels that name no role (:data:`ROLE_COLOR` has each role's), in order."""


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

    if not records:
        return no_data_chart(title)
    skills = list(dict.fromkeys(str(r["skill"]) for r in records))
    colors = [role_color(role) or ROLE_COLORS[i % len(ROLE_COLORS)] for i, role in enumerate(roles)]
    description = _describe(
        title,
        [(f"{r['skill']} ({r['role']})", _number(r["share"], ".0%")) for r in records],
        "share of postings",
    )
    chart = (
        alt.Chart(alt.InlineData(values=[dict(r) for r in records]), title=title)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="share of postings", axis=alt.Axis(format=".0%")),
            y=alt.Y("skill:N", sort=skills, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            yOffset=alt.YOffset("role:N", sort=list(roles)),
            color=alt.Color(
                "role:N",
                sort=list(roles),
                scale=alt.Scale(domain=list(roles), range=colors),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("skill:N"),
                alt.Tooltip("role:N"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(BAR_HEIGHT // 2 + 2), description=description)
    )
    spec: ChartSpec = chart.to_dict()
    return spec
