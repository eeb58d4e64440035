"""Living costs: HUD rents, BLS CE spending priced by BEA RPPs, for one place and every metro."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import data
from rolediff.geo import resolve_place
from rolediff.pay import living

# --- data ---------------------------------------------------------------------------------


def test_every_principal_city_has_a_fair_market_rent() -> None:
    rents = living.fair_market_rents()
    missing = [
        c.lookup_key
        for c in data.principal_cities()
        if (c.ne_town_fips or c.primary_county_fips) not in rents
    ]
    assert missing == []
    assert len(rents) == 1054


def test_rents_are_positive_and_never_fall_with_bedrooms() -> None:
    # Checked in HUD's FY2026 file: no area's rent falls as bedrooms rise; two rows tie.
    table = np.array([r.rents for r in living.fair_market_rents().values()])
    assert np.all(table > 0)
    assert np.all(np.diff(table, axis=1) >= 0)
    assert np.mean(np.all(np.diff(table, axis=1) > 0, axis=1)) > 0.99


def test_price_parities_cover_every_metro_but_puerto_rico() -> None:
    prices = living._prices()
    metros = {p.cbsa_code for p in living.metro_places()}
    puerto_rico = {p.cbsa_code for p in living.metro_places() if p.state == "PR"}
    assert len(metros) == 393
    assert metros - set(prices.metro) == puerto_rico
    assert len(puerto_rico) == 6
    assert prices.us[0] == 100
    assert len(prices.state_metro) == 51 and len(prices.state_nonmetro) == 47


def test_national_spending_covers_every_component() -> None:
    spending = living.national_spending()
    assert {c.component for c in spending.categories} == set(living.COMPONENTS)
    assert all(c.annual > 0 for c in spending.categories)
    assert len({c.id for c in spending.categories}) == len(spending.categories)


# --- golden -------------------------------------------------------------------------------


def test_raleigh_rent_is_hud_fy2026_and_non_rent_is_the_documented_arithmetic() -> None:
    costs = living.living_costs(resolve_place("Raleigh, NC"))
    assert costs.rent_monthly == 1596  # HUD FY2026 1BR, Raleigh-Cary, NC MSA
    assert costs.rent_area == "Raleigh-Cary, NC MSA"
    assert costs.price_area == "metro" and costs.price_index == pytest.approx(98.157)
    # CE 2024 one-person food at home (goods) and away (other services), BEA RPP 2024 39580 / U.S.
    food = (3395 * 96.621 / 99.567 + 2249 * 98.186 / 100.147) / 12
    assert costs.food.monthly == pytest.approx(food)
    assert costs.health_care.monthly == pytest.approx(4026 * 98.186 / 100.147 / 12)
    parts = [getattr(costs, c).monthly for c in living.COMPONENTS]
    assert costs.non_rent_monthly == pytest.approx(sum(parts))
    assert costs.total_monthly == pytest.approx(1596 + sum(parts))
    rents = [living.living_costs(resolve_place("Raleigh, NC"), b).rent_monthly for b in range(5)]
    assert rents == [1524, 1596, 1750, 2196, 2936]


def test_new_england_cities_use_their_town_row() -> None:
    costs = living.living_costs(resolve_place("Boston, MA"))
    assert costs.rent_monthly == 2476
    assert "Boston-Cambridge-Quincy" in costs.rent_area


def test_price_fallbacks_are_named() -> None:
    micro = living.living_costs(resolve_place("Aberdeen, SD"))
    assert micro.price_area == "state nonmetro"
    assert "nonmetropolitan portion" in micro.method
    puerto_rico = living.living_costs(resolve_place("San Juan, PR"))
    assert puerto_rico.price_area == "national" and puerto_rico.price_index == 100
    national = living.national_spending()
    assert puerto_rico.non_rent_monthly == pytest.approx(
        sum(c.annual for c in national.categories) / 12
    )


def test_components_carry_source_and_vintage() -> None:
    costs = living.living_costs(resolve_place("New York, NY"))
    for name in living.COMPONENTS:
        part = getattr(costs, name)
        assert part.monthly > 0 and part.as_of == "2024"
        assert "Consumer Expenditure Surveys" in part.source and "BEA" in part.source
    assert costs.rent_source == "HUD Fair Market Rents FY2026"
    assert all(s.startswith("https://") for s in costs.sources)


@pytest.mark.parametrize("bedrooms", [-1, 5, 1.5])
def test_bad_bedrooms_name_the_choices(bedrooms: int) -> None:
    with pytest.raises(ValueError, match="0, 1, 2, 3, 4"):
        living.living_costs(resolve_place("Raleigh, NC"), bedrooms)


# --- releases: every vintage, date, URL and file name comes from releases.toml -----------------


def test_results_name_the_releases_in_the_data() -> None:
    release = data.read_toml("living/releases.toml")
    rent, prices = release["rent"], release["prices"]
    costs = living.living_costs(resolve_place("Raleigh, NC"))
    assert costs.rent_source == f"{rent['publisher']} {rent['title']} {rent['vintage']}"
    assert costs.rent_as_of == rent["as_of"]
    assert costs.sources[0] == rent["url"] and costs.sources[-1] == prices["url"]
    assert f"({rent['measure']})" in costs.method
    assert f"{prices['publisher']} {prices['short_title']} {prices['vintage']} (" in costs.method
    assert costs.food.source.endswith(
        f"priced by {prices['publisher']} {prices['title']} {prices['vintage']} of the "
        "Raleigh-Cary, NC metro"
    )
    assert living.bedroom_counts() == tuple(rent["bedrooms"])
    files = {d.path: d.files for d in data.datasets()}["living"]
    assert {rent["file"], prices["file"], release["spending"]["file"]} <= set(files)


@pytest.fixture
def next_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """releases.toml naming other vintages, dates and URLs, and fewer bedroom counts (the data
    files, read by the real names first, stay cached)."""
    living.living_costs(resolve_place("Raleigh, NC"))
    current = living.releases()
    rent = current.rent.model_copy(
        update={
            "vintage": "FY2099",
            "as_of": "2098-10-01",
            "url": "https://example.org/fmr",
            "bedrooms": (0, 1, 2, 3),
        }
    )
    prices = current.prices.model_copy(update={"vintage": "2097"})
    changed = current.model_copy(update={"rent": rent, "prices": prices})
    monkeypatch.setattr(living, "releases", lambda: changed)


def test_labels_follow_the_releases_file(next_release: None) -> None:
    costs = living.living_costs(resolve_place("Raleigh, NC"))
    assert costs.rent_source == "HUD Fair Market Rents FY2099"
    assert costs.rent_as_of == "2098-10-01"
    assert costs.sources[0] == "https://example.org/fmr"
    assert "rent: HUD FY2099 1-bedroom Fair Market Rent" in costs.method
    assert "BEA RPP 2097" in costs.method and "Regional Price Parities 2097" in costs.food.source
    with pytest.raises(ValueError, match=r"one of 0, 1, 2, 3 \(HUD Fair Market Rents cover 0 to 3"):
        living.check_bedrooms(4)


# --- every metro --------------------------------------------------------------------------


@pytest.mark.parametrize("bedrooms", living.bedroom_counts())
def test_batch_equals_single_place(bedrooms: int) -> None:
    table = living.living_costs_all(bedrooms)
    assert len(table.cbsa_code) == 393 == len(set(table.cbsa_code))
    for i in (0, 150, 392):
        one = living.living_costs(resolve_place(table.cbsa_code[i]), bedrooms)
        assert table.rent_monthly[i] == one.rent_monthly
        assert table.non_rent_monthly[i] == pytest.approx(one.non_rent_monthly)
        assert table.food[i] == pytest.approx(one.food.monthly)
        assert table.price_index[i] == one.price_index
    assert not table.rent_monthly.flags.writeable


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 392), st.integers(0, 3))
def test_rent_never_falls_with_more_bedrooms(i: int, bedrooms: int) -> None:
    smaller = living.living_costs_all(bedrooms).rent_monthly[i]
    assert smaller <= living.living_costs_all(bedrooms + 1).rent_monthly[i]
