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
