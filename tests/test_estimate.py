"""Salary estimates: national anchors scaled to metros by OEWS wages of proxy occupations."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import data
from rolediff.errors import UnknownRoleError
from rolediff.geo import resolve_place
from rolediff.pay import estimate
from rolediff.pay.living import metro_places

# --- data ---------------------------------------------------------------------------------


def test_proxy_file_parses_and_names_published_occupations() -> None:
    config = estimate.proxy_config()
    wages = estimate.oews_wages()
    assert {r.id for r in config.roles} == set(data.ROLE_IDS)
    for role in config.roles:
        for proxy in role.proxies:
            assert ("national", "US", proxy.soc) in wages
        assert all(s in data.sources() for s in role.sources)
    assert ("national", "US", config.wage_growth.soc) in wages


def test_every_metro_is_estimated() -> None:
    # OEWS May 2025 publishes the same 393 metros as the OMB 2023 delineations; 5 of them have
    # no wage for any proxy occupation and take their state's.
    metros = {p.cbsa_code for p in metro_places()}
    with_proxy_wages = {area for kind, area, _ in estimate.oews_wages() if kind == "msa"}
    assert len(metros) == 393
    assert with_proxy_wages <= metros
    assert len(metros - with_proxy_wages) == 5
    for role in data.ROLE_IDS:
        assert np.all(estimate.estimate_salary_all(role).annual(50) > 0)


def test_wages_are_positive_and_national_percentiles_ascend() -> None:
    for (kind, _, _), values in estimate.oews_wages().items():
        published = values[~np.isnan(values)]
        assert np.all(published > 0)
        if kind == "national":
            assert np.all(np.diff(values[1:]) > 0)


# --- golden -------------------------------------------------------------------------------


def test_sre_in_raleigh_is_the_documented_arithmetic() -> None:
    # data/wages/SOURCE.md, "Worked example".
    premium = 162_000 * (120_080 / 108_130) / (0.5 * 148_100 + 0.5 * 122_230)
    anchor = premium * (0.5 * 135_980 + 0.5 * 116_580)
    factor = 0.5 * 132_770 / 135_980 + 0.5 * 110_030 / 116_580
    result = estimate.estimate_salary("sre", resolve_place("Raleigh, NC"))
    assert result.premium == pytest.approx(premium)
    assert result.metro_factor == pytest.approx(factor)
    assert result.annual == pytest.approx(anchor * factor)
    assert round(result.annual) == 161_372
    assert [p.area for p in result.proxies] == ["metro", "metro"]
    assert result.label == (
        "estimate: national anchor \u00d7 metro wage ratio of proxy occupations, BLS OEWS May 2025"
    )


def test_article_roles_match_the_aged_article_average_nationally() -> None:
    growth = 120_080 / 108_130
    for role, average in (("devops", 120_000), ("sre", 162_000)):
        result = estimate.estimate_salary(role, None)
        proxies = estimate._anchor(role).role.proxies
        mean = sum(p.weight * estimate._national(p.soc)[0] for p in proxies)
        assert result.premium * mean == pytest.approx(average * growth)
        assert result.metro_factor == 1 and result.place is None


def test_roles_without_a_published_average_use_their_proxy() -> None:
    result = estimate.estimate_salary("devsecops", None, 90)
    assert result.premium == 1
    assert result.annual == 199_850  # OEWS May 2025, 15-1212, national p90


def test_suppressed_metro_wage_falls_back_to_the_typical_metro_of_its_state() -> None:
    wages = estimate.oews_wages()
    places = metro_places()
    national = wages["national", "US", "15-1212"][3]
    place = next(
        p
        for p in places
        if p.metro_type == "metro" and ("msa", p.cbsa_code, "15-1212") not in wages
    )
    result = estimate.estimate_salary("devsecops", place)
    assert result.proxies[0].area == "state metros"
    assert place.state_name in result.method
    medians = [
        wages.get(("msa", m.cbsa_code, "15-1212"), [np.nan] * 4)[3]
        for m in places
        if m.state == place.state and m.metro_type == "metro"
    ]
    ratios = [m / national for m in medians if not np.isnan(m)]
    assert len(ratios) >= estimate.MIN_STATE_METROS
    assert result.metro_factor == pytest.approx(float(np.median(ratios)))
    # Elmira, NY: New York's own median (New York City's pull) no longer stands in
    elmira = estimate.estimate_salary("sre", resolve_place("Elmira, NY"))
    assert {p.area for p in elmira.proxies} == {"state metros"} and elmira.metro_factor < 1


def test_micropolitan_cities_use_their_state() -> None:
    result = estimate.estimate_salary("cloud", resolve_place("Aberdeen, SD"))
    assert [p.area for p in result.proxies] == ["state"]


@pytest.fixture
def top_coded_p90(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    wages = dict(estimate.oews_wages())
    row = wages["national", "US", "15-1212"].copy()
    row[-1] = np.nan
    wages["national", "US", "15-1212"] = row
    monkeypatch.setattr(estimate, "oews_wages", lambda: wages)
    estimate._anchor.cache_clear()
    yield
    estimate._anchor.cache_clear()


def test_a_top_coded_percentile_is_a_flagged_lower_bound(top_coded_p90: None) -> None:
    result = estimate.estimate_salary("devsecops", None, 90)
    assert result.lower_bound_percentiles == [90]
    assert result.annual == estimate.proxy_config().topcode_annual
    assert "lower bounds" in result.method


# --- the percentiles come from the data ----------------------------------------------------


def test_percentiles_are_those_the_wages_file_lists() -> None:
    listed = tuple(data.read_toml("wages/role_proxies.toml")["percentiles"])
    assert estimate.percentiles() == listed == (10, 25, 50, 75, 90)
    result = estimate.estimate_salary("sre", None)
    assert tuple(result.percentiles) == listed
    assert estimate.estimate_salary_all("sre").percentiles.shape[1] == len(listed)
    wages_files = {d.path: d.files for d in data.datasets()}["wages"]
    assert estimate.proxy_config().oews_file in wages_files


@pytest.fixture
def fewer_percentiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The wages data listing only the 10th, 50th and 90th percentiles."""
    config = estimate.proxy_config().model_copy(update={"percentiles": (10, 50, 90)})
    monkeypatch.setattr(estimate, "proxy_config", lambda: config)
    estimate.oews_wages.cache_clear()
    estimate._anchor.cache_clear()
    yield
    monkeypatch.undo()
    estimate.oews_wages.cache_clear()
    estimate._anchor.cache_clear()


def test_estimates_follow_the_percentiles_in_the_data(fewer_percentiles: None) -> None:
    raleigh = resolve_place("Raleigh, NC")
    result = estimate.estimate_salary("sre", raleigh, 90)
    assert list(result.percentiles) == [10, 50, 90]
    assert result.annual == result.percentiles[90]
    # The median, and so the metro factor, is still read from the median column.
    assert estimate.estimate_salary("sre", raleigh).annual == pytest.approx(161_372, abs=0.5)
    with pytest.raises(ValueError, match="one of 10, 50, 90; got 25"):
        estimate.estimate_salary("sre", raleigh, 25)


def test_percentiles_must_ascend_and_hold_the_median() -> None:
    raw = data.read_toml("wages/role_proxies.toml")
    for bad in ([10, 25, 75, 90], [50, 25, 90], [0, 50], [50, 100]):
        with pytest.raises(ValueError):
            estimate.ProxyConfig.model_validate({**raw, "percentiles": bad})


# --- input --------------------------------------------------------------------------------


@pytest.mark.parametrize("percentile", [0, 5, 51, 95, 100])
def test_bad_percentile_names_the_choices(percentile: int) -> None:
    with pytest.raises(ValueError, match="10, 25, 50, 75, 90"):
        estimate.estimate_salary("sre", None, percentile)


def test_unknown_role_raises_the_roles_error() -> None:
    with pytest.raises(UnknownRoleError):
        estimate.estimate_salary("astronaut", None)


def test_role_names_and_titles_are_accepted() -> None:
    assert estimate.estimate_salary("Site Reliability Engineer", None).role == "sre"


# --- properties and batch ------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(data.ROLE_IDS), st.integers(0, 392))
def test_percentiles_ascend_everywhere(role: str, i: int) -> None:
    result = estimate.estimate_salary(role, metro_places()[i])
    values = [result.percentiles[p] for p in estimate.percentiles()]
    assert all(a < b for a, b in pairwise(values))
    assert result.percentiles[result.percentile] == result.annual


@pytest.mark.parametrize("role", data.ROLE_IDS)
def test_batch_equals_single_place(role: str) -> None:
    table = estimate.estimate_salary_all(role)
    places = metro_places()
    assert table.cbsa_code == tuple(p.cbsa_code for p in places)
    for i in (0, 200, 392):
        one = estimate.estimate_salary(role, places[i], 75)
        assert table.annual(75)[i] == pytest.approx(one.annual)
        assert table.metro_factor[i] == pytest.approx(one.metro_factor)
    with pytest.raises(ValueError, match="10, 25, 50, 75, 90"):
        table.annual(60)
