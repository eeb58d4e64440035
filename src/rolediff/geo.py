"""Places: "Raleigh, NC", "NYC", a metro name or a CBSA code → city, metro, state and county.

Only principal cities of metropolitan and micropolitan areas (OMB 2023 delineations) are known;
a suburb resolves through its metro's name or code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rolediff import data
from rolediff.data.schema import PrincipalCity
from rolediff.errors import UnknownPlaceError, suggest

MatchedBy = Literal["city", "alias", "metro", "cbsa"]

_ABBREVIATIONS = {"saint": "st", "ft": "fort", "mt": "mount"}


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
    """Lower-case, drop dots, commas and extra spaces, and spell common abbreviations one way."""
    text = text.lower()
    if "." in text:
        text = re.sub(r"\b([a-z])\.", r"\1", text).replace(".", " ")  # N.C. → nc, St. → st
    text = text.replace(",", " ")
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
    )


def _anchor_rank(city: PrincipalCity) -> tuple[int, int]:
    position = city.title_city_position if city.title_city_position is not None else 99
    return (position, -city.city_pop2020)


def _label(city: PrincipalCity) -> str:
    return f"{_index().common_name.get(city.lookup_key, city.city_name)}, {city.state_abbr}"


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

    Raises UnknownPlaceError (a ValueError) with up to three suggestions when the input is
    unknown or names several cities ("Portland"); ``suggestions=False`` skips the fuzzy search
    for them, the slow part of a failure, where the caller only tries a spelling.
    """
    key = normalize(query)
    if not key:
        raise UnknownPlaceError(
            "Give a place: a city such as 'Raleigh, NC', a metro name or a CBSA code."
        )
    index = _index()
    if re.fullmatch(r"\d{5}", key):
        if key in index.anchor:
            return _place(query, index.anchor[key], "cbsa")
        raise UnknownPlaceError(
            f"No metro or micro area has CBSA code {key} (OMB 2023 delineations)."
        )
    if key in index.aliases:
        return _from_target(query, index.aliases[key], "alias")
    if key in index.by_key:
        return _place(query, index.by_key[key], "city")
    if key in index.metros:
        return _place(query, index.anchor[index.metros[key]], "metro")
    same_name = index.by_name.get(key, [])
    if len(same_name) == 1:
        return _place(query, same_name[0], "city")
    if not same_name and key in index.bare_metros:
        return _place(query, index.anchor[index.bare_metros[key]], "metro")
    if same_name:
        options = [_label(c) for c in same_name]
        raise UnknownPlaceError(
            f"'{query}' names {len(options)} cities; add the state.", suggestions=options[:3]
        )
    raise UnknownPlaceError(
        f"Unknown place '{query}': rolediff knows the principal cities of US metro and micro "
        "areas, their metro names and CBSA codes.",
        suggestions=suggest(query, index.labels) if suggestions else [],
    )
