"""Chart specs are valid Vega-Lite carrying the rows' figures; files are written offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import altair as alt
import pytest

from rolediff import charts
from rolediff.errors import RolediffError
from rolediff.pay.models import CityRow
from rolediff.pay.take_home import rank_cities


@pytest.fixture(scope="module")
def rows() -> list[CityRow]:
    return rank_cities(role="devops", top=12)


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's data, inline or in its top-level datasets."""
    data = spec["data"]
    values: list[dict[str, Any]] = (
        data["values"] if "values" in data else spec["datasets"][data["name"]]
    )
    return values


def _valid(spec: dict[str, Any]) -> None:
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    alt.Chart.from_dict(spec, validate=True)  # raises on anything the schema rejects


def test_cities_chart_is_vega_lite_with_the_rows_figures(rows: list[CityRow]) -> None:
    spec = charts.cities_chart(rows, "DevOps take-home")
    _valid(spec)
    assert spec["title"] == "DevOps take-home"
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["sort"] == [r.place for r in rows]  # ranked, best on top
    values = _values(spec)
    assert len(values) == len(rows) * len(charts.PIECES)
    for row in rows:
        pieces = {v["piece"]: v["monthly"] for v in values if v["place"] == row.place}
        assert pieces == {
            "take-home": row.take_home_monthly,
            "living costs": row.living_costs_monthly,
            "rent": row.rent_monthly,
            "taxes": round(row.total_taxes / 12, 2),
        }
        assert sum(pieces.values()) == pytest.approx(row.gross_annual / 12, abs=0.05)


def test_cities_title_says_where_the_salary_came_from(rows: list[CityRow]) -> None:
    assert "estimated salary" in charts.cities_title(rows)
    same = rank_cities(salary=150000, top=3)
    assert "$150,000" in charts.cities_chart(same)["title"]


def test_bar_chart() -> None:
    records = [{"role": "devops", "postings": 30}, {"role": "sre", "postings": 12}]
    spec = charts.bar_chart(records, "postings", "role", "Postings by role")
    _valid(spec)
    assert _values(spec) == records
    assert spec["encoding"]["x"]["field"] == "postings"
    assert spec["encoding"]["y"]["field"] == "role"


def test_save_svg_png_html(rows: list[CityRow], tmp_path: Path) -> None:
    svg = charts.save_cities_chart(rows, tmp_path / "cities.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and rows[0].place in text
    png = charts.save_chart(charts.cities_chart(rows[:3]), tmp_path / "cities.PNG")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = charts.save_chart(charts.cities_chart(rows[:3]), tmp_path / "cities.html")
    page = html.read_text(encoding="utf-8")
    assert "<script src" not in page and "cdn.jsdelivr" not in page  # Vega inlined: offline


@pytest.mark.parametrize("name", ["cities.pdf", "cities", "cities.svg.txt"])
def test_unknown_extension_names_the_choices(name: str, tmp_path: Path) -> None:
    with pytest.raises(RolediffError, match=r"\.svg, \.png or \.html"):
        charts.save_cities_chart([], tmp_path / name)
    assert not (tmp_path / name).exists()


def test_charts_do_not_load_altair_until_drawn() -> None:
    code = "import sys, rolediff.charts, rolediff.cli; sys.exit('altair' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_market_report_charts(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from rolediff import market

    db = tmp_path / "store.duckdb"
    fixture = Path(__file__).parent / "fixtures" / "market" / "postings.jsonl"
    market.ingest([fixture], db=db, workers=1)
    result = cli("market", "report", "--db", str(db), "--chart", str(tmp_path / "charts"))
    assert result.code == 0, result.err
    files = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert "openings.svg" in files and "pay.svg" in files
    assert any(name.startswith("skills-") for name in files)
    assert (
        (tmp_path / "charts" / "openings.svg")
        .read_text(encoding="utf-8")
        .lstrip()
        .startswith("<svg")
    )
    # Roles by name, as the openings chart names them, not by id ("devops postings").
    skills = (tmp_path / "charts" / "skills-devops.svg").read_text(encoding="utf-8")
    assert "Top skills of DevOps postings" in skills
    assert ">devops<" not in (tmp_path / "charts" / "pay.svg").read_text(encoding="utf-8")


# --- what a reader sees: units, formats, scales, colours, empty data, text alternatives --------

LONG_SKILL = "Infrastructure automation and configuration management"


def _bars(x: str, values: list[float], y: str = "role") -> dict[str, Any]:
    names = ["devops", "sre", "cloud"]
    return charts.bar_chart(
        [{y: name, x: v} for name, v in zip(names, values, strict=False)], x, y, "T"
    )


@pytest.mark.parametrize(
    ("field", "title", "fmt"),
    [
        ("share_of_postings", "share of postings", ".0%"),
        ("median_pay_usd", "median stated pay ($/year)", "$,.0f"),
        ("dollars_a_month", "$/month", "$,.0f"),
        ("postings", "postings", ",d"),
    ],
)
def test_bar_chart_axis_has_the_quantitys_unit_and_format(field: str, title: str, fmt: str) -> None:
    spec = _bars(field, [0.5, 0.25])
    _valid(spec)
    x = spec["encoding"]["x"]
    assert (x["title"], x["axis"]["format"]) == (title, fmt)
    assert spec["encoding"]["tooltip"][1]["format"] == fmt


def test_counts_get_whole_number_ticks() -> None:
    """Three postings drew ticks at 0.2, 0.4, ... postings."""
    spec = _bars("postings", [3, 1])
    assert spec["encoding"]["x"]["axis"]["tickMinStep"] == 1
    assert "0.2" not in charts.svg(spec)


def test_scores_span_0_to_100() -> None:
    """A score of 9 of 100 drew on an axis ending at 10, as if nearly full."""
    fit = charts.score_chart({"devops": 0.096, "sre": 0.08}, "How close (0-100)")
    assert fit["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert fit["encoding"]["x"]["title"] == "score (0-100)"
    report_fit = charts.bar_chart([{"role": "SRE", "score": 9.6}], "score", "role", "T")
    assert report_fit["encoding"]["x"]["scale"]["domain"] == [0, 100]


def test_score_chart_of_another_quantity_is_not_called_a_score() -> None:
    """Dollars a month (scale 1) were drawn on an axis titled "score"."""
    spec = charts.score_chart({"DevOps engineer": 4500.0}, "Monthly take-home", scale=1.0)
    x = spec["encoding"]["x"]
    assert x["title"] is None and "scale" not in x and "format" not in x.get("axis", {})
    dollars = charts.score_chart(
        {"DevOps engineer": 4500.0}, "T", scale=1.0, x_title="$/month", x_format="$,.0f"
    )
    assert (dollars["encoding"]["x"]["title"], dollars["encoding"]["x"]["axis"]["format"]) == (
        "$/month",
        "$,.0f",
    )


def test_each_role_has_one_colour_in_every_chart() -> None:
    """The report coloured roles by position: DevSecOps got DevOps's blue when it came first."""
    devops = charts.ROLE_COLOR["devops"]
    rec = [{"skill": "Git", "role": r, "share": 0.5} for r in ("DevSecOps", "Platform", "DevOps")]
    pair = charts.skill_shares_chart(rec[:2], ["DevSecOps", "Platform"], "T")
    scale = pair["encoding"]["color"]["scale"]
    assert scale["range"] == [charts.ROLE_COLOR["devsecops"], charts.ROLE_COLOR["platform"]]
    other = charts.skill_shares_chart(rec[1:], ["Platform", "DevOps"], "T")
    assert other["encoding"]["color"]["scale"]["range"] == [charts.ROLE_COLOR["platform"], devops]
    # Bars of roles (openings, pay, fit) take the same colours, by id, short name or name.
    bars = charts.bar_chart(
        [{"role": "devops", "postings": 3}, {"role": "Site reliability engineer", "postings": 2}],
        "postings",
        "role",
        "T",
    )
    assert bars["encoding"]["color"]["scale"]["range"] == [devops, charts.ROLE_COLOR["sre"]]
    skills = charts.bar_chart(
        [{"skill": "Git", "share_of_postings": 0.4}], "share_of_postings", "skill", "T"
    )
    assert "color" not in skills["encoding"]  # not roles: one colour
    assert len(set(charts.ROLE_COLOR.values())) == len(charts.ROLE_COLOR)


def test_role_colours_follow_the_one_role_resolver() -> None:
    """A label takes the colour of the role ``get_role`` reads it as: a job title too."""
    from rolediff import data
    from rolediff.roles import get_role

    for role, profile in data.role_profiles().items():
        for label in (role, role.upper(), profile.short_name, profile.name, f" {profile.name} "):
            assert charts.role_color(label) == charts.ROLE_COLOR[role]
        for title in profile.titles:
            assert charts.role_color(title) == charts.ROLE_COLOR[get_role(title).id]
    assert charts.role_color("Production Engineer") == charts.ROLE_COLOR["sre"]
    assert charts.role_color("Site Reliability Engineering") == charts.ROLE_COLOR["sre"]
    assert charts.role_color("Other") == charts.ROLE_COLOR["other"]  # no profile, a colour
    for label in ("Git", "", 3, "devops sre"):
        assert charts.role_color(label) is None
    titles = charts.bar_chart(
        [{"role": "Cloud Architect", "postings": 3}, {"role": "sre", "postings": 2}],
        "postings",
        "role",
        "T",
    )
    cloud, sre = charts.ROLE_COLOR["cloud"], charts.ROLE_COLOR["sre"]
    assert titles["encoding"]["color"]["scale"]["range"] == [cloud, sre]
    mixed = charts.bar_chart(
        [{"role": "sre", "postings": 3}, {"role": "Git", "postings": 2}], "postings", "role", "T"
    )
    assert "color" not in mixed["encoding"]  # one label names no role: one colour


def test_long_labels_are_not_cut(rows: list[CityRow]) -> None:
    """Skill areas were cut to "Infrastructure automation and configur…"."""
    shares = charts.skill_shares_chart(
        [{"skill": LONG_SKILL, "role": "DevOps", "share": 0.8}], ["DevOps"], "T"
    )
    bars = charts.bar_chart(
        [{"skill": LONG_SKILL, "share_of_postings": 0.8}], "share_of_postings", "skill", "T"
    )
    for spec in (shares, bars, charts.cities_chart(rows[:2])):
        assert spec["encoding"]["y"]["axis"]["labelLimit"] >= charts.LABEL_LIMIT
    for spec in (shares, bars):
        drawn = charts.svg(spec)
        assert f">{LONG_SKILL}<" in drawn and "…" not in drawn


@pytest.mark.parametrize(
    "spec",
    [
        charts.bar_chart([], "postings", "role", "Postings per role (n = 0)"),
        charts.cities_chart([], "Cities"),
        charts.skill_shares_chart([], ["DevOps", "SRE"], "Skills"),
        charts.salary_ranges_chart([], "Salaries"),
    ],
    ids=["bars", "cities", "skill-shares", "salaries"],
)
def test_no_data_says_so_instead_of_an_empty_frame(spec: dict[str, Any]) -> None:
    _valid(spec)
    assert spec["mark"]["type"] == "text"
    assert charts.NO_DATA in charts.svg(spec)


def test_charts_carry_a_text_alternative(rows: list[CityRow]) -> None:
    specs = [
        _bars("postings", [3, 1]),
        charts.cities_chart(rows[:3], "Take-home"),
        charts.skill_shares_chart([{"skill": "Git", "role": "SRE", "share": 0.31}], ["SRE"], "S"),
        charts.salary_ranges_chart([("SRE", 80000.0, 120000.0, 170000.0)], "Salaries"),
    ]
    for spec in specs:
        _valid(spec)
        assert spec["description"].startswith(str(spec["title"]))
    assert "devops: 3" in specs[0]["description"]
    assert rows[0].place in specs[1]["description"]
    assert "Git (SRE): 31%" in specs[2]["description"]
    assert "high $170,000" in specs[3]["description"]
    drawn = charts.svg(specs[0])
    root = drawn[drawn.index("<svg") : drawn.index(">", drawn.index("<svg"))]
    assert 'role="img"' in root and 'aria-label="T. Bar chart of postings: devops: 3' in root
    assert "<title>T. Bar chart" in drawn


def test_saved_svg_is_named_for_screen_readers(rows: list[CityRow], tmp_path: Path) -> None:
    text = charts.save_cities_chart(rows[:2], tmp_path / "c.svg").read_text(encoding="utf-8")
    assert 'role="img" aria-label="Monthly take-home' in text


def test_pay_chart_is_in_dollars_and_names_the_role() -> None:
    from rolediff.pay.take_home import take_home

    spec = charts.pay_chart(take_home(role="sre", place="Raleigh, NC"))
    assert spec["encoding"]["x"]["axis"]["format"] == "$,.0f"
    assert "(SRE estimate) in Raleigh, NC" in spec["title"]
    given = charts.pay_chart(take_home(salary=120000, place="Raleigh, NC"))
    assert given["title"].startswith("A month of $120,000 a year in Raleigh, NC")
