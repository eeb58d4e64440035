"""Places: "Raleigh, NC", "NYC", a metro name or a CBSA code → city, metro, state and county.

Only principal cities of metropolitan and micropolitan areas (OMB 2023 delineations) are known;
a suburb resolves through its metro's name or code.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rolediff import data
from rolediff.data.schema import MetroCounty, PrincipalCity
from rolediff.errors import UnknownPlaceError, shorten, suggest

MatchedBy = Literal["city", "alias", "metro", "cbsa"]

_ABBREVIATIONS = {"saint": "st", "ft": "fort", "mt": "mount"}
_PLAIN = re.compile(r"[a-z0-9 ]*")
_INITIAL = re.compile(r"\b([a-z])\.")
_APOSTROPHE = re.compile("['\u2019]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_COUNTRY = re.compile(r"(?: usa| us| united states(?: of america)?)$")
_ZIP = re.compile(r" \d{5}(?: \d{4})?$")
_AREA_BEFORE = ("greater", "the")
_AREA_AFTER = ("metropolitan area", "metro area", "metroplex", "metro", "area")
_COUNTY = re.compile(r" (?:county|parish|borough|municipio|municipality|census area)$")


class Place(BaseModel):
    """A resolved place: the principal city, its metro (CBSA), state and primary county."""

    model_config = ConfigDict(frozen=True)

    query: str
    matched_by: MatchedBy
    label: str
    city: str
    state: str
    state_name: str
    state_fips: str
    place_fips: str
    county_fips: str
    county_name: str
    cbsa_code: str
    metro_name: str
    metro_type: Literal["metro", "micro"]
    city_population_2020: int


def normalize(text: str) -> str:
    """Lower-case, drop accents, apostrophes, other punctuation and extra spaces, and spell common
    abbreviations one way ("Cañon City" = "canon city", "Winston Salem" = "Winston-Salem")."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if _PLAIN.fullmatch(text) is None:
        text = _INITIAL.sub(r"\1", text)  # N.C. → nc, St. → st
        text = _PUNCTUATION.sub(" ", _APOSTROPHE.sub("", text))  # Coeur d'Alene → coeur dalene
    return " ".join(_ABBREVIATIONS.get(token, token) for token in text.split())


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, PrincipalCity]
    by_name: dict[str, list[PrincipalCity]]
    metros: dict[str, str]
    """normalized metro title → CBSA code"""
    bare_metros: dict[str, str]
    """normalized metro title without its states, where no other metro has it → CBSA code"""
    titles: dict[str, str]
    """CBSA code → metro title"""
    anchor: dict[str, PrincipalCity]
    """CBSA code → the city its title names first"""
    common_name: dict[str, str]
    state_names: dict[str, str]
    aliases: dict[str, str]
    labels: list[str]
    """Everything a person may type, for suggestions."""
    state_keys: dict[str, str]
    """normalized state abbreviation or name → abbreviation"""
    state_labels: dict[str, list[str]]
    """state abbreviation → the labels of its cities and metros, for suggestions"""
    state_cities: dict[str, list[PrincipalCity]]
    """state abbreviation → its principal cities, largest first"""
    counties: dict[str, list[MetroCounty]]
    """normalized county name → the counties so named that lie in a metro or micro area"""


@cache
def _index() -> _Index:
    state_names = {s.state_abbr: s.state_name for s in data.states()}
    common = {c.lookup_key: c.common_name for c in data.city_names()}
    by_key: dict[str, PrincipalCity] = {}
    by_name: dict[str, list[PrincipalCity]] = defaultdict(list)
    anchor: dict[str, PrincipalCity] = {}
    titles: dict[str, str] = {}
    labels: list[str] = []
    for city in data.principal_cities():
        name = common.get(city.lookup_key, city.city_name)
        for spelling in {name, city.city_name}:
            for state in (city.state_abbr, state_names[city.state_abbr]):
                by_key[normalize(f"{spelling} {state}")] = city
            by_name[normalize(spelling)].append(city)
        labels.append(f"{name}, {city.state_abbr}")
        titles[city.cbsa_code] = city.cbsa_title
        best = anchor.get(city.cbsa_code)
        if best is None or _anchor_rank(city) < _anchor_rank(best):
            anchor[city.cbsa_code] = city
    metros: dict[str, str] = {}
    bare: dict[str, list[str]] = defaultdict(list)
    for code, title in titles.items():
        metros[normalize(title)] = code
        bare[normalize(title.rsplit(",", 1)[0])].append(code)
        labels.append(title)
    bare_metros = {key: codes[0] for key, codes in bare.items() if len(codes) == 1}
    aliases = {normalize(a.alias): a.target for a in data.place_aliases()}
    labels.extend(a.alias for a in data.place_aliases())
    for names in by_name.values():
        names.sort(key=lambda c: -c.city_pop2020)
    state_keys = {normalize(k): abbr for abbr, n in state_names.items() for k in (abbr, n)}
    state_labels: dict[str, list[str]] = defaultdict(list)
    state_cities: dict[str, list[PrincipalCity]] = defaultdict(list)
    listed: set[str] = set()  # by_key holds a city under several keys
    for city in sorted(by_key.values(), key=lambda c: -c.city_pop2020):
        if city.lookup_key not in listed:
            listed.add(city.lookup_key)
            state_cities[city.state_abbr].append(city)
            state_labels[city.state_abbr].append(_name(common, city))
    for title in titles.values():
        for abbr in title.rsplit(", ", 1)[-1].split("-"):
            state_labels[abbr].append(title)
    counties: dict[str, list[MetroCounty]] = defaultdict(list)
    for county in data.metro_counties():
        counties[normalize(county.county_name)].append(county)
    return _Index(
        by_key,
        dict(by_name),
        metros,
        bare_metros,
        titles,
        anchor,
        common,
        state_names,
        aliases,
        labels,
        state_keys,
        dict(state_labels),
        dict(state_cities),
        dict(counties),
    )


def _name(common: dict[str, str], city: PrincipalCity) -> str:
    return f"{common.get(city.lookup_key, city.city_name)}, {city.state_abbr}"


def _anchor_rank(city: PrincipalCity) -> tuple[int, int]:
    position = city.title_city_position if city.title_city_position is not None else 99
    return (position, -city.city_pop2020)


def _label(city: PrincipalCity) -> str:
    return _name(_index().common_name, city)


def _place(query: str, city: PrincipalCity, matched_by: MatchedBy) -> Place:
    index = _index()
    return Place(
        query=query,
        matched_by=matched_by,
        label=_label(city),
        city=index.common_name.get(city.lookup_key, city.city_name),
        state=city.state_abbr,
        state_name=index.state_names[city.state_abbr],
        state_fips=city.state_fips,
        place_fips=city.place_fips,
        county_fips=city.primary_county_fips,
        county_name=city.primary_county_name,
        cbsa_code=city.cbsa_code,
        metro_name=city.cbsa_title,
        metro_type=city.cbsa_type,
        city_population_2020=city.city_pop2020,
    )


def _from_target(query: str, target: str, matched_by: MatchedBy) -> Place:
    index = _index()
    if target in index.anchor:
        return _place(query, index.anchor[target], matched_by)
    return _place(query, index.by_key[normalize(target)], matched_by)


def resolve_place(query: str, *, suggestions: bool = True) -> Place:
    """Resolve a city, nickname, metro name or 5-digit CBSA code.

    Also read: a state after a nickname ("Brooklyn, NY"), a trailing ZIP code or country
    ("Seattle, WA 98101, USA"), "Greater X Area" / "X metro". Raises UnknownPlaceError (a
    ValueError) with up to three suggestions when the input is unknown, names several cities
    ("Portland"), a state, a county or a place outside the US; ``suggestions=False`` skips the
    fuzzy search for them, the slow part of a failure, where the caller only tries a spelling.
    """
    key = normalize(query)
    if not key and re.search(r"[^\s,.]", query):  # only symbols: "!!!", "😀"
        raise _not_found(query, key, suggestions=False)
    if not key:
        raise UnknownPlaceError(
            "Give a place: a city such as 'Raleigh, NC', a metro name or a CBSA code."
        )
    index = _index()
    if key in index.anchor:
        return _place(query, index.anchor[key], "cbsa")
    if re.fullmatch(r"\d{5}(?: \d{4})?", key):
        raise UnknownPlaceError(
            f"No metro or micro area has CBSA code '{query.strip()}' (OMB 2023 delineations), and "
            "rolediff does not read ZIP codes: give the city, such as 'Raleigh, NC'."
        )
    key = _COUNTRY.sub("", key) or key
    key = _ZIP.sub("", key) or key
    place = _lookup(query, key)
    for inner in _area_keys(key) if place is None else ():
        found = _lookup(query, inner)
        if found is not None:  # "Greater Seattle Area" names the metro, not the city
            by: MatchedBy = "metro" if found.matched_by == "city" else found.matched_by
            return found.model_copy(update={"matched_by": by})
    if place is not None:
        return place
    raise _not_found(query, key, suggestions)


def _area_keys(key: str) -> list[str]:
    """The key without "greater", "the", "area", "metro"…: "greater seattle area" → "seattle"."""
    heads = [key] + [key.removeprefix(f"{w} ") for w in _AREA_BEFORE if key.startswith(f"{w} ")]
    found = heads[1:]
    for head in heads:
        found += [head.removesuffix(f" {w}") for w in _AREA_AFTER if head.endswith(f" {w}")]
    return found


def _lookup(query: str, key: str, *, swap: bool = True) -> Place | None:
    """The place a normalized key names, or None; raise when it names several cities.
    With `swap`, a state written first ("NC, Raleigh") is also read last."""
    index = _index()
    if key in index.aliases:
        return _from_target(query, index.aliases[key], "alias")
    if key in index.by_key:
        return _place(query, index.by_key[key], "city")
    if key in index.metros:
        return _place(query, index.anchor[index.metros[key]], "metro")
    same_name = index.by_name.get(key, [])
    state = index.state_keys.get(key)
    if state is not None and same_name and same_name[0].state_abbr != state:
        raise UnknownPlaceError(  # "Indiana": the state, or Indiana, PA?
            f"'{query}' names a state and a city; give a city in the state or add the state.",
            suggestions=[_label(c) for c in (same_name[0], *index.state_cities[state][:2])],
        )
    if len(same_name) == 1:
        return _place(query, same_name[0], "city")
    if not same_name and key in index.bare_metros:
        return _place(query, index.anchor[index.bare_metros[key]], "metro")
    if same_name:
        options = [_label(c) for c in same_name]
        raise UnknownPlaceError(
            f"'{query}' names {len(options)} cities; add the state.", suggestions=options[:3]
        )
    rest, state = _split_state(key)
    if state is not None and f"{rest} {state.lower()}" in index.aliases:  # "Manhattan, New York"
        return _from_target(query, index.aliases[f"{rest} {state.lower()}"], "alias")
    if state is not None and rest in index.aliases:  # "Brooklyn, NY": the city must lie in NY
        place = _from_target(query, index.aliases[rest], "alias")
        if place.state == state:
            return place
    if not (swap and _state_first(query)):
        return None
    rest, state = _split_state(key, leading=True)  # "NC, Raleigh"
    return _lookup(query, f"{rest} {state.lower()}", swap=False) if state else None


def _split_state(key: str, *, leading: bool = False) -> tuple[str, str | None]:
    """("brooklyn", "NY") from "brooklyn new york" (or "new york brooklyn" when `leading`);
    (key, None) without such a state."""
    states = _index().state_keys
    words = key.split()
    for size in (4, 3, 2, 1):  # "district of columbia", "new york", "nc"
        part, rest = (words[:size], words[size:]) if leading else (words[-size:], words[:-size])
        if rest and " ".join(part) in states:
            return " ".join(rest), states[" ".join(part)]
    return key, None


def _state_first(query: str) -> bool:
    """Whether the query starts with a state and a comma: "NC, Raleigh"."""
    return "," in query and normalize(query.split(",", 1)[0]) in _index().state_keys


def _not_found(query: str, key: str, suggestions: bool) -> UnknownPlaceError:
    """The clearest error for a key no lookup knows: a state, a county, a place abroad or a town."""
    index = _index()
    shown = shorten(query)
    if _COUNTRY.fullmatch(f" {key}"):
        return UnknownPlaceError(f"'{shown}' is the country; give a city, metro or CBSA code.")
    rest, state = _split_state(key)
    if state is None:
        rest, state = _split_state(key, leading=_state_first(query))
    named = index.state_keys.get(key.removesuffix(" state"))  # "Texas", "NC", "Washington State"
    abbr = named or state
    if abbr is not None and abbr not in index.state_cities:  # "Guam", "Hagatna, GU"
        return UnknownPlaceError(
            f"Unknown place '{shown}': no metro or micro area lies in "
            f"{index.state_names[abbr]} (OMB 2023 delineations), so rolediff knows no place there."
        )
    if named is not None:
        return UnknownPlaceError(
            f"'{shown}' is {index.state_names[named]}, not a city; give a city or metro there.",
            suggestions=[_label(c) for c in index.state_cities[named][:3]],
        )
    if _COUNTY.search(rest) and rest in index.counties:
        return _county_error(query, rest, state)
    tail = shorten(query.rsplit(",", 1)[1].strip()) if "," in query else ""
    if state is None and normalize(tail):
        return UnknownPlaceError(
            f"Unknown place '{shown}': '{tail}' is not a US state; rolediff knows US places only "
            "(write 'City, ST', such as 'Raleigh, NC').",
            suggestions=[
                _label(c) for c in index.by_name.get(normalize(query.rsplit(",", 1)[0]), [])
            ][:3],
        )
    if state is not None:
        return UnknownPlaceError(
            f"Unknown place '{shown}': not a principal city of a metro or micro area in "
            f"{index.state_names[state]}, the only towns rolediff knows by name; give its metro's "
            "name or CBSA code, or a principal city nearby.",
            suggestions=suggest(query, index.state_labels.get(state, [])) if suggestions else [],
        )
    return UnknownPlaceError(
        f"Unknown place '{shown}': rolediff knows US places only: the principal cities of US "
        "metro and micro areas, their metro names and CBSA codes.",
        suggestions=suggest(query, index.labels) if suggestions else [],
    )


def county_metro(name: str, state: str) -> str | None:
    """The CBSA code of the metro or micro area that holds the county so named in ``state``
    ("Wake County", "NC": "39580"), or None."""
    found = (c for c in _index().counties.get(normalize(name), ()) if c.state_abbr == state)
    return next((c.cbsa_code for c in found), None)


def _county_error(query: str, name: str, state: str | None) -> UnknownPlaceError:
    """A county is not a city: name its metro and the principal cities in it."""
    index = _index()
    counties = [c for c in index.counties[name] if state is None or c.state_abbr == state]
    if not counties:
        return UnknownPlaceError(f"'{query}': no county so named lies in a metro or micro area.")
    if len(counties) > 1:
        return UnknownPlaceError(
            f"'{query}' names {len(counties)} counties in metro or micro areas; add the state.",
            suggestions=[f"{c.county_name}, {c.state_abbr}" for c in counties[:3]],
        )
    county = counties[0]
    cities = [
        c
        for c in index.state_cities.get(county.state_abbr, [])
        if c.primary_county_fips == county.county_fips
    ]
    return UnknownPlaceError(
        f"'{query}' is a county ({county.county_name}, {county.state_abbr}, FIPS "
        f"{county.county_fips}) of the {county.cbsa_title} {county.cbsa_type} area (CBSA "
        f"{county.cbsa_code}); rolediff resolves cities and metros: give one.",
        suggestions=[*(_label(c) for c in cities[:2]), county.cbsa_title],
    )
