"""Pydantic models of the packaged datasets: what a valid record looks like."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"{value!r} is not a lower-case slug (a-z, 0-9, single hyphens)")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
SourceIds = Annotated[list[Slug], Field(min_length=1)]
"""Every claim cites at least one source id."""


class Record(BaseModel):
    """Base for dataset records: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# --- citations ---------------------------------------------------------------------------


class Source(Record):
    id: Slug
    title: str
    publisher: str
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    url: str = Field(pattern=r"^https?://")
    author: str | None = None
    licence: str | None = None


class Dataset(Record):
    """One packaged dataset, as listed in ``datasets.toml``."""

    id: Slug
    title: str
    path: str
    files: list[str] = Field(min_length=1)
    publisher: str
    vintage: str
    licence: str
    url: str | None = None


# --- skills ------------------------------------------------------------------------------

SkillKind = Literal["area", "tool", "language", "platform", "practice", "soft"]
SkillSource = Literal["article", "roadmap", "cncf", "onet", "curated"]


class Skill(Record):
    id: Slug
    name: str = Field(min_length=1)
    kind: SkillKind
    area: Slug | None = None
    category: str
    aliases: tuple[str, ...] = ()
    sources: tuple[SkillSource, ...] = Field(min_length=1)


# --- role profiles -----------------------------------------------------------------------

Phase = Literal["plan", "code", "build", "test", "release", "deploy", "operate", "monitor"]
Level = Literal["core", "common"]
Requirement = Literal["typical", "preferred", "alternative"]


class Focus(Record):
    summary: str
    optimises: str
    analogy: str
    sources: SourceIds


class Lifecycle(Record):
    steps_in: str
    phases: list[Phase] = Field(min_length=1)
    sources: SourceIds


class Responsibility(Record):
    text: str
    sources: SourceIds


class RoleSkill(Record):
    id: Slug
    level: Level
    examples: list[Slug] = []
    sources: SourceIds


class Background(Record):
    id: Slug
    name: str
    sources: SourceIds


class Education(Record):
    id: Slug
    name: str
    requirement: Requirement
    sources: SourceIds


class RoleProfile(Record):
    """What a role is for, when it steps in, what it does and what it needs."""

    id: Slug
    name: str
    short_name: str
    titles: list[str] = Field(min_length=1)
    related: list[Slug] = []
    sources: SourceIds
    focus: Focus
    lifecycle: Lifecycle
    responsibilities: list[Responsibility] = Field(min_length=1)
    skills: list[RoleSkill] = Field(min_length=1)
    background: list[Background] = Field(min_length=1)
    education: list[Education] = Field(min_length=1)


# --- figures the article published -------------------------------------------------------


class PublishedSalary(Record):
    role: Slug
    average: int
    low: int
    high: int
    currency: Literal["USD"] = "USD"
    period: Literal["year"] = "year"
    quoted_from: str
    source: Slug
    as_of: str


class PublishedOpenings(Record):
    platform: str
    role: Slug
    column_label: str
    openings: int
    approximate: bool = False
    source: Slug
    as_of: str


class PublishedCityRow(Record):
    """One row of the article's city table, in dollars per month."""

    role: Slug
    place: str
    city_label: str
    monthly_salary: float
    monthly_after_tax: float
    rent_1br: float
    cost_of_living: float
    take_home: float
    source: Slug
    as_of: str


class PublishedClaim(Record):
    """A figure stated in prose (often approximate), e.g. "nearly $200k" for SREs in Raleigh."""

    role: Slug
    place: str
    measure: Literal["average_salary_annual", "take_home_monthly"]
    value: int
    qualifier: str
    text: str
    source: Slug
    as_of: str


class DataNote(Record):
    """A caveat about published figures, shown whenever one of its roles is involved."""

    id: Slug
    roles: list[Slug]
    dimension: Literal["prospects", "salaries"]
    text: str
    source: Slug


class TaxCheck(Record):
    """The tax year under whose law rolediff recomputes the article's after-tax figures, and why
    (the article's date)."""

    tax_year: int
    why: str = Field(min_length=1)
    source: Slug
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class PublishedFigures(Record):
    salaries: list[PublishedSalary]
    openings: list[PublishedOpenings]
    city_table: list[PublishedCityRow]
    claims: list[PublishedClaim]
    notes: list[DataNote]
    tax_check: TaxCheck


# --- places ------------------------------------------------------------------------------


class PrincipalCity(Record):
    lookup_key: str
    city_name: str
    state_abbr: str
    state_fips: str
    place_fips: str
    city_pop2020: int
    cbsa_code: str
    cbsa_title: str
    cbsa_type: Literal["metro", "micro"]
    title_city_position: int | None
    primary_county_fips: str
    primary_county_name: str
    all_county_fips_2020: tuple[str, ...]
    ne_town_fips: str | None


class MetroCounty(Record):
    cbsa_code: str
    cbsa_title: str
    cbsa_type: Literal["metro", "micro"]
    county_fips: str
    county_name: str
    state_abbr: str
    central_outlying: Literal["central", "outlying"]


class State(Record):
    state_fips: str
    state_abbr: str
    state_name: str


class PlaceAlias(Record):
    """A nickname ("NYC", "Bay Area") for a principal city key or a CBSA code."""

    alias: str
    target: str
    note: str


class CityName(Record):
    """The everyday name of a principal city whose Census name is a legal form."""

    lookup_key: str
    common_name: str


class ContextRule(Record):
    """When a form that is also an ordinary word counts as a skill (see context_rules.toml)."""

    skill: Slug
    forms: list[str] = Field(min_length=1)
    cased: list[str] = []
    context: list[str] = []
    window: int = Field(default=80, ge=1)
    not_before: list[str] = []
    not_after: list[str] = []


class AlsoCredit(Record):
    """Forms (names or aliases of other skills in skills.csv) whose matches also count toward
    `skill`: "AWS certification" is AWS and also a cloud certification."""

    skill: Slug
    forms: list[str] = Field(min_length=1)


class ContextRules(Record):
    stop: list[str] = []
    rule: list[ContextRule] = []
    also: list[AlsoCredit] = []
