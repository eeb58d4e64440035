"""The places resolver: spellings people type, ambiguity, unknown input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import UnknownPlaceError, data, resolve_place


@pytest.mark.parametrize(
    "query",
    [
        "Raleigh, NC",
        "raleigh",
        "Raleigh NC",
        "RALEIGH, N.C.",
        "raleigh, north carolina",
        "Raleigh-Cary, NC",
        "Raleigh-Cary",
        "39580",
        "Research Triangle",
    ],
)
def test_raleigh_spellings(query: str) -> None:
    place = resolve_place(query)
    assert place.cbsa_code == "39580"
    assert place.label == "Raleigh, NC"
    assert place.county_fips == "37183"
    assert place.state == "NC" and place.state_name == "North Carolina"


@pytest.mark.parametrize(
    ("query", "label", "cbsa"),
    [
        ("NYC", "New York, NY", "35620"),
        ("new york city", "New York, NY", "35620"),
        ("SF", "San Francisco, CA", "41860"),
        ("Bay Area", "San Francisco, CA", "41860"),
        ("Saint Louis, MO", "St. Louis, MO", "41180"),
        ("ft. worth", "Fort Worth, TX", "19100"),
        ("Nashville", "Nashville, TN", "34980"),
        ("Louisville, KY", "Louisville, KY", "31140"),
        ("DC", "Washington, DC", "47900"),
        ("Houston", "Houston, TX", "26420"),
    ],
)
def test_names_nicknames_and_legal_forms(query: str, label: str, cbsa: str) -> None:
    place = resolve_place(query)
    assert (place.label, place.cbsa_code) == (label, cbsa)


def test_metro_name_resolves_to_the_city_its_title_names_first() -> None:
    place = resolve_place("Dallas-Fort Worth-Arlington, TX")
    assert place.matched_by == "metro"
    assert place.label == "Dallas, TX"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Portland", "Portland, OR"),
        ("Columbus", "Columbus, OH"),
        ("Springfield", "Springfield, MO"),
    ],
)
def test_ambiguous_names_offer_the_largest_cities(query: str, first: str) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place(query)
    assert "add the state" in str(info.value)
    assert info.value.suggestions[0] == first
    assert len(info.value.suggestions) <= 3


def test_unknown_place_suggests_close_names() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place("Raliegh")
    assert "Raleigh, NC" in info.value.suggestions


@pytest.mark.parametrize("query", ["", "   ", "99999", "Atlantis, ZZ"])
def test_bad_input_is_a_value_error(query: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        resolve_place(query)


def test_every_principal_city_resolves_to_itself() -> None:
    for city in data.principal_cities():
        place = resolve_place(city.lookup_key)
        assert place.place_fips == city.place_fips, city.lookup_key


def test_every_alias_resolves() -> None:
    for alias in data.place_aliases():
        assert resolve_place(alias.alias).matched_by == "alias"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_either_resolves_or_raises_a_clear_error(text: str) -> None:
    try:
        place = resolve_place(text)
    except UnknownPlaceError as exc:
        assert str(exc)
    else:
        assert len(place.cbsa_code) == 5


def test_a_failed_lookup_can_skip_the_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as found:
        resolve_place("Raleigg, NC")
    assert "Raleigh, NC" in found.value.suggestions
    with pytest.raises(UnknownPlaceError) as bare:
        resolve_place("Raleigg, NC", suggestions=False)
    assert bare.value.suggestions == ()
