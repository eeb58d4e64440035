"""The one loader of the packaged datasets: each is read on first use, validated, and cached.

Every dataset lives in a folder of this package with a SOURCE.md and is listed in
``datasets.toml``. Nothing here computes; callers get validated, immutable records.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from rolediff.data.schema import (
    CityName,
    ContextRules,
    Dataset,
    MetroCounty,
    PlaceAlias,
    PrincipalCity,
    PublishedFigures,
    RoleProfile,
    Skill,
    Source,
    State,
)

ROLE_IDS = ("devops", "sre", "devsecops", "cloud", "platform")
"""The roles rolediff profiles, in the order it lists them."""


class DataError(RuntimeError):
    """A packaged data file is missing or invalid: a bug in the package, not in user input."""


ROOT = Path(__file__).resolve().parent


def read_text(relpath: str) -> str:
    try:
        return (ROOT / relpath).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"packaged data file {relpath} is missing") from exc


def read_csv(relpath: str) -> Iterator[dict[str, str]]:
    yield from csv.DictReader(io.StringIO(read_text(relpath)))


def read_toml(relpath: str) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text(relpath))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"packaged data file {relpath} is not valid TOML: {exc}") from exc


def _blank_to_none(row: dict[str, str]) -> dict[str, str | None]:
    return {key: (value if value != "" else None) for key, value in row.items()}


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


@cache
def datasets() -> tuple[Dataset, ...]:
    return tuple(Dataset.model_validate(d) for d in read_toml("datasets.toml")["dataset"])


@cache
def skills() -> tuple[Skill, ...]:
    rows = []
    for row in read_csv("skills/skills.csv"):
        record = _blank_to_none(row)
        record["aliases"] = _split(row["aliases"])  # type: ignore[assignment]
        record["sources"] = _split(row["sources"])  # type: ignore[assignment]
        rows.append(Skill.model_validate(record))
    return tuple(rows)


@cache
def skill_context_rules() -> ContextRules:
    rules = ContextRules.model_validate(read_toml("skills/context_rules.toml"))
    check_also_credits(rules, skills())
    return rules


def check_also_credits(rules: ContextRules, taxonomy: tuple[Skill, ...]) -> None:
    """Refuse an `[[also]]` entry of the context rules that cannot work: an unknown skill id, a
    form that is no name, alias or id in the taxonomy (or is a stop form, which never matches),
    a form of the skill it would credit, or a form credited twice."""
    ids = {skill.id for skill in taxonomy}
    owner: dict[str, str] = {}
    for skill in taxonomy:
        for form in (skill.id, skill.name, *skill.aliases):
            owner.setdefault(surface(form), skill.id)
    stop = {surface(form) for form in rules.stop}
    credited: dict[str, str] = {}
    where = "skills/context_rules.toml [[also]]"
    for entry in rules.also:
        if entry.skill not in ids:
            raise DataError(f"{where}: skill '{entry.skill}' is not an id in skills/skills.csv")
        for form in map(surface, entry.forms):
            if form not in owner:
                raise DataError(
                    f"{where}: '{form}' (for {entry.skill}) is no id, name or alias in "
                    "skills/skills.csv; add it to a row's aliases first"
                )
            if form in stop:
                raise DataError(f"{where}: '{form}' is a stop form, which never matches")
            if owner[form] == entry.skill:
                raise DataError(f"{where}: '{form}' is already a form of {entry.skill}")
            if form in credited:
                raise DataError(
                    f"{where}: '{form}' is credited to both {credited[form]} and {entry.skill}"
                )
            credited[form] = entry.skill


def surface(text: str) -> str:
    """The form names and aliases are compared in: lower case, single spaces (the skill
    matcher's, `rolediff.skills.surface`, and the loader's checks of the context rules)."""
    return " ".join(text.lower().split())


@cache
def sources() -> dict[str, Source]:
    """Every work the data cites, by id."""
    return {
        s.id: s
        for s in (Source.model_validate(x) for x in read_toml("sources/sources.toml")["source"])
    }


@cache
def role_profiles() -> dict[str, RoleProfile]:
    return {rid: RoleProfile.model_validate(read_toml(f"roles/{rid}.toml")) for rid in ROLE_IDS}


@cache
def published_figures() -> PublishedFigures:
    return PublishedFigures.model_validate(read_toml("article/figures.toml"))


@cache
def principal_cities() -> tuple[PrincipalCity, ...]:
    records = []
    for row in read_csv("geo/principal_cities_2023.csv"):
        record: dict[str, Any] = _pick(_blank_to_none(row), PrincipalCity)
        record["all_county_fips_2020"] = _split(row["all_county_fips_2020"])
        records.append(record)
    return TypeAdapter(tuple[PrincipalCity, ...]).validate_python(records)


@cache
def metro_counties() -> tuple[MetroCounty, ...]:
    return tuple(
        MetroCounty.model_validate(_pick(dict(row), MetroCounty))
        for row in read_csv("geo/cbsa_counties_2023.csv")
    )


@cache
def states() -> tuple[State, ...]:
    return tuple(State.model_validate(row) for row in read_csv("geo/states.csv"))


@cache
def place_aliases() -> tuple[PlaceAlias, ...]:
    return tuple(PlaceAlias.model_validate(row) for row in read_csv("geo/aliases.csv"))


@cache
def city_names() -> tuple[CityName, ...]:
    return tuple(CityName.model_validate(row) for row in read_csv("geo/city_names.csv"))


def _pick(record: dict[str, Any], model: type[Any]) -> dict[str, Any]:
    """Keep the columns a model declares (source files carry a few more for provenance)."""
    return {key: record[key] for key in model.model_fields}
