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


_KEYS = [c.lookup_key for c in data.principal_cities()]
# Random text almost never names a city: mix in real ones, as typed (case, spacing, no state).
_PLACE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(_KEYS),
    st.sampled_from(_KEYS).map(str.upper),
    st.sampled_from(_KEYS).map(lambda k: "  " + k.replace(", ", ",") + " "),
    st.sampled_from(_KEYS).map(lambda k: k.split(",")[0]),
    st.tuples(st.sampled_from(_KEYS), st.text(max_size=3)).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(_PLACE_TEXT)
def test_any_text_either_resolves_or_raises_a_clear_error(text: str) -> None:
    try:
        place = resolve_place(text)
    except UnknownPlaceError as exc:
        assert str(exc).strip()
        assert text.strip() not in _KEYS, "a listed city is always found"
    else:
        assert len(place.cbsa_code) == 5 and place.cbsa_code.isdigit()
        assert place.label and place.state


def test_a_failed_lookup_can_skip_the_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as found:
        resolve_place("Raleigg, NC")
    assert "Raleigh, NC" in found.value.suggestions
    with pytest.raises(UnknownPlaceError) as bare:
        resolve_place("Raleigg, NC", suggestions=False)
    assert bare.value.suggestions == ()


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Brooklyn, NY", "New York, NY"),
        ("brooklyn, new york", "New York, NY"),
        ("Manhattan, New York", "New York, NY"),
        ("NYC, NY", "New York, NY"),
        ("SF, CA", "San Francisco, CA"),
        ("Philly, PA", "Philadelphia, PA"),
    ],
)
def test_a_nickname_may_carry_its_state(query: str, label: str) -> None:
    place = resolve_place(query)
    assert (place.label, place.matched_by) == (label, "alias")


def test_a_nickname_with_another_state_is_not_taken() -> None:
    with pytest.raises(UnknownPlaceError, match="in Kansas"):
        resolve_place("KC, KS")  # KC is Kansas City, MO


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Winston Salem", "Winston-Salem, NC"),
        ("Wilkes Barre, PA", "Wilkes-Barre, PA"),
        ("Coeur dAlene, ID", "Coeur d'Alene, ID"),
        ("San José", "San Jose, CA"),
        ("Bayamon", "Bayamón, PR"),
        ("Canon City", "Cañon City, CO"),
        ('"Raleigh"', "Raleigh, NC"),
        ("Raleigh (NC)", "Raleigh, NC"),
        ("Seattle, WA, USA", "Seattle, WA"),
        ("Raleigh, North Carolina, United States", "Raleigh, NC"),
        ("Seattle, WA 98101", "Seattle, WA"),
        ("Seattle, WA 98101, USA", "Seattle, WA"),
        ("Raleigh NC 27601-1234", "Raleigh, NC"),
        ("NC, Raleigh", "Raleigh, NC"),
        ("North Carolina, Raleigh", "Raleigh, NC"),
        ("Dallas/Fort Worth", "Dallas, TX"),
        ("Raleigh-Durham", "Raleigh, NC"),
        ("NoVA", "Arlington, VA"),
    ],
)
def test_spellings_hyphens_accents_zip_country_and_state_first(query: str, label: str) -> None:
    assert resolve_place(query).label == label


@pytest.mark.parametrize(
    ("query", "cbsa"),
    [
        ("Greater Seattle Area", "42660"),
        ("Seattle Metropolitan Area", "42660"),
        ("Seattle metro", "42660"),
        ("the Bay Area", "41860"),
        ("San Francisco Bay Area", "41860"),
        ("DFW Metroplex", "19100"),
    ],
)
def test_metro_area_phrasings(query: str, cbsa: str) -> None:
    place = resolve_place(query)
    assert place.cbsa_code == cbsa
    assert place.matched_by in ("metro", "alias")


def _error(query: str) -> UnknownPlaceError:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place(query)
    return info.value


def test_a_zip_code_is_refused_as_such() -> None:
    assert "ZIP" in str(_error("27601"))


@pytest.mark.parametrize(("query", "first"), [("Texas", "Houston, TX"), ("NC", "Charlotte, NC")])
def test_a_state_is_refused_with_its_largest_cities(query: str, first: str) -> None:
    error = _error(query)
    assert "not a city" in str(error)
    assert error.suggestions[0] == first


def test_a_state_name_that_is_also_a_city_elsewhere_is_ambiguous() -> None:
    error = _error("Indiana")  # the state, or Indiana, PA
    assert error.suggestions[:2] == ("Indiana, PA", "Indianapolis, IN")


def test_a_county_names_its_metro_and_cities() -> None:
    error = _error("Wake County, NC")
    assert "CBSA 39580" in str(error)
    assert error.suggestions == ("Raleigh, NC", "Cary, NC", "Raleigh-Cary, NC")
    assert "add the state" in str(_error("Montgomery County"))


@pytest.mark.parametrize("query", ["London, UK", "Toronto, ON", "Paris, France", "Toronto"])
def test_places_abroad_are_refused_as_not_us(query: str) -> None:
    assert "US places only" in str(_error(query))


def test_after_a_comma_what_is_no_state_suggests_only_that_city() -> None:
    assert _error("London, UK").suggestions == ()
    assert _error("Boston, Mass.").suggestions == ("Boston, MA",)


def test_a_town_that_is_no_principal_city_gets_suggestions_from_its_state() -> None:
    error = _error("Kirkland, WA")
    assert "Washington" in str(error)
    assert error.suggestions and all("WA" in s for s in error.suggestions)


@pytest.mark.parametrize(
    ("query", "says"),
    [("USA", "is the country"), ("Guam", "no metro"), ("Raleigh " * 2000, "Raleigh…'")],
)
def test_other_bad_input_gets_a_short_clear_message(query: str, says: str) -> None:
    message = str(_error(query))
    assert says in message and len(message) < 400
