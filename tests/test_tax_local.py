"""Local income taxes: golden cases as data, properties, and the data files themselves."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.geo import Place, resolve_place
from rolediff.pay.common import FILING_STATUSES
from rolediff.pay.local import (
    LOCAL_FILES,
    all_local_taxes,
    checked_places,
    cliffs,
    coverage,
    local_income_taxes,
    local_tax_data,
    local_tax_jurisdictions,
    source_note,
    total_local_income_tax,
)
from rolediff.pay.state_income import state_income_tax, state_tax_data

ROOT = Path(__file__).parents[1]
CASES = sorted((ROOT / "tests" / "cases" / "tax" / "local").glob("*.toml"))
DATA = ROOT / "src" / "rolediff" / "data" / "tax_local"
CITIES = ROOT / "src" / "rolediff" / "data" / "geo" / "principal_cities_2023.csv"
YEARS = (2023, 2024, 2025, 2026)


def _place(fips: str, state: str, county: str, city: str = "Test") -> Place:
    return Place(
        query=city, matched_by="city", label=f"{city}, {state}", city=city, state=state,
        state_name=state, state_fips=fips[:2], place_fips=fips, county_fips=county,
        county_name="", cbsa_code="00000", metro_name="", metro_type="metro",
        city_population_2020=0,
    )  # fmt: skip


YONKERS = _place("3684000", "NY", "36119", "Yonkers")


def _resolve(name: str) -> Place:
    return YONKERS if name == "yonkers" else resolve_place(name)


def _case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = _case(path)
    place = _resolve(case["place"])
    taxes = local_income_taxes(
        place,
        case["year"],
        case["status"],
        case["wages"],
        case.get("deferrals", 0),
        case.get("section125", 0),
        case.get("state_taxable_income"),
    )
    got = float(taxes[case["tax_id"]])
    if "share_of_state_tax" in case:
        state = state_income_tax("ny", case["year"], case["status"], case["wages"])
        assert got == pytest.approx(case["share_of_state_tax"] * float(state), abs=0.01)
        assert got > 0
    else:
        assert got == pytest.approx(case["expected"], abs=0.01), case["note"]


def test_golden_cases_span_the_jurisdictions() -> None:
    cases = [_case(p) for p in CASES]
    assert len(cases) >= 30
    prefixes = {c["tax_id"].split("-")[0] for c in cases}
    assert prefixes >= {
        "ny",
        "pa",
        "mi",
        "oh",
        "mo",
        "md",
        "in",
        "ky",
        "de",
        "al",
        "co",
        "or",
        "wv",
    }
    assert {c["year"] for c in cases} == set(YEARS)


# --- matching and coverage -----------------------------------------------------------------


def _principal_cities() -> list[dict[str, str]]:
    with CITIES.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_place_and_county_code_is_a_principal_city_or_a_listed_exception() -> None:
    rows = _principal_cities()
    places = {r["place_fips"] for r in rows}
    counties = {r["primary_county_fips"] for r in rows}
    for tax in all_local_taxes().values():
        extra = set(tax.places) - places
        assert extra <= {"3684000"}, (tax.id, extra)  # Yonkers: not a principal city
        if tax.counties and not tax.id.startswith("md-"):
            assert set(tax.counties) <= counties, tax.id
    for fips in checked_places():
        assert fips in places, fips


def test_no_place_is_both_taxed_and_checked_untaxed() -> None:
    taxed = {p for t in all_local_taxes().values() for p in t.places}
    assert not taxed & set(checked_places())


def test_named_places_resolve_to_their_taxes() -> None:
    expect = {
        "New York, NY": {"ny-nyc"},
        "Baltimore, MD": {"md-baltimore-city"},
        "Indianapolis, IN": {"in-marion"},
        "Portland, OR": {"or-multnomah-pfa", "or-metro-shs", "or-portland-arts"},
        "Beaverton, OR": {"or-metro-shs"},
        "Hillsboro, OR": {"or-metro-shs"},
        "Pittsburgh, PA": {"pa-pittsburgh-eit", "pa-pittsburgh-lst"},
        "Denver, CO": {"co-denver-opt"},
        "Raleigh, NC": set(),
        "San Francisco, CA": set(),
        "Eugene, OR": set(),
    }
    for name, ids in expect.items():
        assert {t.id for t in local_tax_jurisdictions(resolve_place(name))} == ids, name


def test_place_without_local_tax_returns_empty() -> None:
    assert local_income_taxes(resolve_place("Raleigh, NC"), 2024, "single", 80_000) == {}
    with pytest.raises(ValueError, match="covers tax years 2023, 2024, 2025, 2026"):
        local_income_taxes(resolve_place("Austin, TX"), 2019, "single", 80_000)
    total = total_local_income_tax(resolve_place("Raleigh, NC"), 2024, "single", [1, 2])
    assert total.tolist() == [0, 0]


def test_san_francisco_is_checked_and_untaxed() -> None:
    sf = resolve_place("San Francisco, CA")
    assert checked_places()[sf.place_fips].finding == "no_resident_wage_tax"


def test_uncovered_year_names_the_covered_years() -> None:
    with pytest.raises(ValueError, match="covers tax years 2023, 2024, 2025, 2026"):
        local_income_taxes(resolve_place("Detroit, MI"), 2022, "single", 50_000)
    with pytest.raises(ValueError, match="filing status"):
        local_income_taxes(resolve_place("Detroit, MI"), 2024, "widow", 50_000)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        local_income_taxes(resolve_place("Detroit, MI"), 2024, "single", -1)


def test_nyc_computes_state_taxable_income_when_not_given() -> None:
    from rolediff.pay.state_income import state_income_tax_breakdown

    nyc = resolve_place("New York, NY")
    ti = state_income_tax_breakdown("ny", 2024, "single", 120_000).taxable_income
    own = local_income_taxes(nyc, 2024, "single", 120_000)["ny-nyc"]
    given = local_income_taxes(nyc, 2024, "single", 120_000, state_taxable_income=ti)["ny-nyc"]
    assert float(own) == pytest.approx(float(given)) and float(own) > 0


def test_coverage_lists_every_tax_and_year() -> None:
    rows = coverage()
    assert len(rows) == sum(len(t.years) for t in all_local_taxes().values())
    assert {r.year for r in rows} == set(YEARS)
    assert any(r.verified for r in rows)
    assert "cliff" in source_note().lower()


def test_cliffs_are_listed_for_flat_amount_taxes_and_lost_credits() -> None:
    listed = cliffs()
    for tax in all_local_taxes().values():
        has_cliff = any(
            (y.amount is not None and y.threshold is not None) or y.credits
            for y in tax.years.values()
        )
        if has_cliff:
            assert tax.id in listed, tax.id


# --- the data ------------------------------------------------------------------------------


def test_every_file_is_listed_and_parses() -> None:
    assert {p.stem for p in DATA.glob("*.toml")} == set(LOCAL_FILES)
    assert (DATA / "SOURCE.md").is_file()
    for code in LOCAL_FILES:
        assert local_tax_data(code).state == code.upper()


@pytest.mark.parametrize("tax_id", sorted(all_local_taxes()))
def test_each_year_is_referenced_and_rates_are_fractions(tax_id: str) -> None:
    tax = all_local_taxes()[tax_id]
    assert set(tax.years) == set(YEARS)
    assert tax.references
    for table in tax.years.values():
        assert table.reference and table.url.startswith("http")
        rates: list[float] = []
        if table.rate is not None:
            rates.append(table.rate)
        if table.rate_by_month is not None:
            rates.extend(r for _, r in table.rate_by_month)
        if table.brackets is not None:
            for status in FILING_STATUSES:
                rates.extend(table.brackets.of(status)[1])
        if table.nonresident_rate is not None:
            rates.append(table.nonresident_rate)
        assert all(0 <= r < 1 for r in rates)
        if not table.verified:
            assert table.note, "an unverified year says what is in doubt"


# --- properties ----------------------------------------------------------------------------

TAXED_PLACES = sorted(
    {
        "New York, NY", "Philadelphia, PA", "Pittsburgh, PA", "Scranton, PA", "Detroit, MI",
        "Saginaw, MI", "Columbus, OH", "Kansas City, MO", "St. Louis, MO", "Baltimore, MD",
        "Frederick, MD", "Indianapolis, IN", "Louisville, KY", "Lexington-Fayette, KY",
        "Wilmington, DE", "Birmingham, AL", "Denver, CO", "Aurora, CO", "Portland, OR",
        "Beaverton, OR", "Charleston, WV",
    }
)  # fmt: skip
LOCAL_CLIFFS = {"Pittsburgh, PA", "Scranton, PA", "Denver, CO", "Aurora, CO", "Portland, OR",
                "New York, NY", "Charleston, WV"}  # fmt: skip


def _inherits_a_state_cliff(name: str) -> bool:
    """A local tax measured on state taxable income or state tax carries the state's cliffs
    (Maryland's personal exemption steps down at fixed incomes, so its county taxes jump)."""
    place = resolve_place(name)
    state_based = any(
        tax.base in ("state_taxable_income", "state_tax") for tax in local_tax_jurisdictions(place)
    )
    return state_based and bool(state_tax_data(place.state).coverage.cliffs)


CLIFF_FREE = [p for p in TAXED_PLACES if p not in LOCAL_CLIFFS and not _inherits_a_state_cliff(p)]
wages = st.floats(min_value=0, max_value=2_000_000, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(TAXED_PLACES),
    st.sampled_from((2024, 2025)),
    st.sampled_from(FILING_STATUSES),
    st.lists(wages, min_size=1, max_size=8),
)
def test_non_negative_and_vectorised_equals_scalar(
    name: str, year: int, status: Any, w: list[float]
) -> None:
    place = resolve_place(name)
    if place.state == "MD" and year == 2026:
        return
    taxes = local_income_taxes(place, year, status, w, np.multiply(w, 0.05))
    for tax_id, values in taxes.items():
        assert values.shape == (len(w),)
        assert (values >= 0).all() and (values <= np.asarray(w) + 1e-9).all()
        scalar = [float(local_income_taxes(place, year, status, x, 0.05 * x)[tax_id]) for x in w]
        assert np.allclose(values, scalar), tax_id


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(CLIFF_FREE), st.sampled_from(FILING_STATUSES), wages)
def test_monotone_in_wages_where_no_cliff_is_listed(name: str, status: Any, start: float) -> None:
    place = resolve_place(name)
    w = start + np.linspace(0, 50_000, 501)
    total = total_local_income_tax(place, 2025, status, w)
    assert (np.diff(total) >= -1e-6).all()
    assert (np.diff(w - total) >= -1e-6).all()


def test_cliffs_are_real() -> None:
    denver = resolve_place("Denver, CO")
    below, at = local_income_taxes(denver, 2024, "single", [5_999, 6_000])["co-denver-opt"]
    assert (below, at) == (0, 69)
    nyc = resolve_place("New York, NY")
    fixed = local_income_taxes(
        nyc, 2024, "single", [250_000, 250_001], state_taxable_income=242_000
    )
    assert fixed["ny-nyc"][1] - fixed["ny-nyc"][0] == pytest.approx(63)
