"""Local income taxes on wages (cities, counties, school districts, regional districts), vectorised.

One TOML file per state under ``data/tax_local/`` holds every rate, bracket, exemption, credit,
cap and flat amount, dated by tax year and referenced; this module holds the arithmetic only.

The model is a **resident who lives and works in the principal city** (wages paid evenly over the
year, no dependants, one wage earner per household). Non-resident rates are recorded in the data
where a jurisdiction has them but are never used. A jurisdiction applies to a :class:`Place` by
its 7-digit Census place code or its 5-digit county FIPS code, never by name.

Rates that change inside a calendar year (Philadelphia's fiscal-year rate changes each July 1)
are blended by months: wages are assumed paid evenly, so each rate applies to its share of the
year's months.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import pairwise
from typing import Annotated, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from rolediff.data import read_text, read_toml
from rolediff.geo import Place
from rolediff.pay.common import (
    Amount,
    BracketsByStatus,
    ByStatus,
    Dated,
    Dollars,
    FilingStatus,
    Model,
    Rate,
    Reference,
    amounts,
    bracket_tax,
    check_status,
    check_year,
)
from rolediff.pay.federal import tax_of_taxable, taxable_of_agi
from rolediff.pay.state_income import breakdown_of_checked

Array = npt.NDArray[np.float64]

LOCAL_FILES = (
    "al", "ca", "co", "de", "in", "ky", "md", "mi", "mo", "nj", "ny", "oh", "or", "pa", "wv",
)  # fmt: skip
"""The data files under ``data/tax_local/``, by lower-case postal code of their state."""

Base = Literal[
    "gross_wages", "medicare_wages", "federal_wages", "state_taxable_income", "state_tax"
]
"""What a local tax is measured on.

- ``gross_wages``: wages before any pre-tax contribution (401(k) deferrals and section 125
  contributions are both taxed);
- ``medicare_wages``: wages less section 125 contributions (401(k) deferrals are taxed);
- ``federal_wages``: wages less 401(k) deferrals and section 125 contributions;
- ``state_taxable_income``: the state's taxable income for the year (New York City, Maryland
  counties, Indiana counties, Oregon's regional taxes);
- ``state_tax``: the state income tax after credits (the Yonkers resident surcharge).
"""

Level = Literal["city", "county", "school_district", "city_and_school_district", "regional"]

Month = Annotated[int, Field(ge=1, le=12)]


class LocalCredit(Model):
    """A non-refundable credit against one local tax, lost entirely above ``income_limit``.

    The credit is a fixed ``amount`` per filing status, or ``brackets`` applied to the tax base.
    ``income`` names what the limit is measured on; losing the credit there is a cliff.
    """

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    amount: ByStatus | None = None
    brackets: BracketsByStatus | None = None
    income: Literal["federal_agi", "base"]
    income_limit: Dollars

    @model_validator(mode="after")
    def _one_form(self) -> LocalCredit:
        if (self.amount is None) == (self.brackets is None):
            raise ValueError(f"credit {self.name}: give an amount or brackets, not both")
        return self


class LocalYear(Dated):
    """One tax year of one local tax: exactly one of ``rate``, ``rate_by_month``,
    ``brackets`` or ``amount`` says how it is charged.

    - ``rate`` (a share of the base), or ``rate_by_month`` (``[[first_month, rate], ...]``,
      ascending from January: each rate applies to its months' share of the year's base);
    - ``brackets`` per filing status on the base (a rate of 0 below a threshold is allowed);
    - ``amount`` per period, ``periods`` times a year, owed in a period only when the base for
      that period (base / periods) reaches ``threshold`` (a cliff), and never more than that
    period's base.
    ``exemption`` is subtracted from the base first; ``wage_cap`` caps the base.
    ``nonresident_rate`` is recorded for reference only: the model is a resident.
    """

    rate: Rate | None = None
    rate_by_month: list[tuple[Month, Rate]] | None = None
    brackets: BracketsByStatus | None = None
    amount: Dollars | None = None
    periods: int = Field(default=1, ge=1, le=52)
    threshold: ByStatus | None = None
    exemption: ByStatus | None = None
    wage_cap: Dollars | None = None
    credits: tuple[LocalCredit, ...] = ()
    nonresident_rate: Rate | None = None
    nonresident_note: str | None = None

    @model_validator(mode="after")
    def _one_charge(self) -> LocalYear:
        forms = [self.rate, self.rate_by_month, self.brackets, self.amount]
        if sum(f is not None for f in forms) != 1:
            raise ValueError("give exactly one of rate, rate_by_month, brackets, amount")
        if self.rate_by_month is not None:
            months = [m for m, _ in self.rate_by_month]
            if months[0] != 1 or any(b <= a for a, b in pairwise(months)):
                raise ValueError("rate_by_month must start in month 1 and ascend")
        if self.threshold is not None and self.amount is None:
            raise ValueError("a per-period threshold needs a per-period amount")
        return self

    def effective_rate(self) -> float | None:
        """The flat rate for the whole year: months weighted evenly where the rate changes."""
        if self.rate is not None:
            return self.rate
        if self.rate_by_month is None:
            return None
        starts = [m for m, _ in self.rate_by_month] + [13]
        return sum(
            rate * (end - start) / 12
            for (start, rate), end in zip(self.rate_by_month, starts[1:], strict=True)
        )


class LocalTax(Model):
    """One local tax and the places it applies to."""

    id: str = Field(pattern=r"^[a-z]{2}-[a-z0-9-]+$")
    name: str = Field(min_length=1)
    level: Level
    base: Base
    places: tuple[Annotated[str, Field(pattern=r"^\d{7}$")], ...] = ()
    counties: tuple[Annotated[str, Field(pattern=r"^\d{5}$")], ...] = ()
    references: list[Reference] = Field(min_length=1)
    modelled: str = Field(min_length=1)
    not_modelled: tuple[str, ...] = ()
    omitted: tuple[str, ...] = ()
    """Other local taxes the modelled household owes in these places and is not charged (a
    school district's income tax, a flat per-capita tax): shown with its take-home."""
    cliffs: tuple[str, ...] = ()
    years: dict[int, LocalYear] = Field(min_length=1)

    @model_validator(mode="after")
    def _applies_somewhere(self) -> LocalTax:
        if not self.places and not self.counties:
            raise ValueError(f"{self.id}: list the places or counties the tax applies to")
        return self


class Checked(Model):
    """Principal cities checked for a local tax on residents' wages, and what was found."""

    places: tuple[Annotated[str, Field(pattern=r"^\d{7}$")], ...] = Field(min_length=1)
    finding: Literal["no_resident_wage_tax", "not_modelled"]
    note: str = Field(min_length=1)


class LocalFile(Model):
    """A state's local taxes, as one data file describes them."""

    state: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    taxes: tuple[LocalTax, ...] = ()
    checked: tuple[Checked, ...] = ()

    @model_validator(mode="after")
    def _ids_carry_the_state(self) -> LocalFile:
        for tax in self.taxes:
            if not tax.id.startswith(self.state.lower() + "-"):
                raise ValueError(f"{tax.id}: ids start with the state's postal code")
        return self


class CoverageRow(NamedTuple):
    """One line of the coverage listing: a jurisdiction and a tax year."""

    tax_id: str
    name: str
    state: str
    year: int
    verified: bool
    reference: str
    url: str


# --- data --------------------------------------------------------------------------------


@cache
def local_tax_data(state: str) -> LocalFile:
    """The validated local-tax file of one state (postal code, any case)."""
    code = state.lower()
    if code not in LOCAL_FILES:
        return LocalFile(state=state.upper(), name=f"{state.upper()} (no local taxes on file)")
    return LocalFile.model_validate(read_toml(f"tax_local/{code}.toml"))


@cache
def all_local_taxes() -> dict[str, LocalTax]:
    """Every local tax on file, by id."""
    found: dict[str, LocalTax] = {}
    for code in LOCAL_FILES:
        for tax in local_tax_data(code).taxes:
            if tax.id in found:
                raise ValueError(f"local tax id {tax.id} appears twice")
            found[tax.id] = tax
    return found


@cache
def covered_years() -> tuple[int, ...]:
    """Every tax year some local tax on file covers."""
    return tuple(sorted({y for tax in all_local_taxes().values() for y in tax.years}))


def local_tax_jurisdictions(place: Place) -> list[LocalTax]:
    """The local taxes a resident of ``place`` (who also works there) owes on wages.

    Matched by the place's 7-digit Census place code or its primary county's FIPS code.
    """
    return list(_jurisdictions(place.state, place.place_fips, place.county_fips))


@cache
def _jurisdictions(state: str, place_fips: str, county_fips: str) -> tuple[LocalTax, ...]:
    return tuple(
        tax
        for tax in local_tax_data(state).taxes
        if place_fips in tax.places or county_fips in tax.counties
    )


def checked_places() -> dict[str, Checked]:
    """Place code → what was found, for principal cities checked and found to have no resident
    wage tax, or whose local taxes are known to exist but are not modelled."""
    found: dict[str, Checked] = {}
    for code in LOCAL_FILES:
        for entry in local_tax_data(code).checked:
            for fips in entry.places:
                found[fips] = entry
    return found


def not_modelled(place: Place) -> list[str]:
    """Local taxes the place is known to levy on its residents that are not charged here (empty
    when there are none)."""
    entry = checked_places().get(place.place_fips or "")
    notes = [entry.note] if entry is not None and entry.finding == "not_modelled" else []
    return notes + [note for tax in local_tax_jurisdictions(place) for note in tax.omitted]


def coverage() -> list[CoverageRow]:
    """Every local tax and tax year on file, with whether its figures were verified."""
    rows = []
    for code in LOCAL_FILES:
        data = local_tax_data(code)
        for tax in data.taxes:
            for year in sorted(tax.years):
                t = tax.years[year]
                rows.append(
                    CoverageRow(tax.id, tax.name, data.state, year, t.verified, t.reference, t.url)
                )
    return rows


def cliffs() -> dict[str, tuple[str, ...]]:
    """Local tax id → the points where pay after that tax falls as wages rise."""
    return {tax_id: tax.cliffs for tax_id, tax in all_local_taxes().items() if tax.cliffs}


def source_note() -> str:
    """The SOURCE.md of the local-tax data."""
    return read_text("tax_local/SOURCE.md")


# --- arithmetic --------------------------------------------------------------------------


def local_income_taxes(
    place: Place,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    state_taxable_income: Amount | None = None,
) -> dict[str, Array]:
    """Local taxes of a resident of ``place`` who works there, per local tax id, dollars a year.

    Inputs broadcast. ``deferrals`` are 401(k)-type elective deferrals and ``section125``
    HSA/cafeteria-plan contributions; each tax's data says which of them lower its base.
    ``state_taxable_income`` is the state's taxable income where a tax is measured on it; when
    None it is computed by :func:`rolediff.pay.state_income.state_income_tax_breakdown` (for
    Oregon with federal income tax from :mod:`rolediff.pay.federal` at the standard deduction).
    A place with no local tax gives ``{}``; an uncovered year raises a ValueError naming the
    covered years.
    """
    status = check_status(status)
    w, d, s = np.broadcast_arrays(
        amounts("wages", wages), amounts("deferrals", deferrals), amounts("section125", section125)
    )
    check_year(year, covered_years(), "local income taxes")
    if not local_tax_jurisdictions(place):
        return {}
    given = (
        None
        if state_taxable_income is None
        else amounts("state_taxable_income", state_taxable_income)
    )
    return local_taxes_of_checked(place, year, status, w, d, s, given)


def local_taxes_of_checked(
    place: Place,
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    state_taxable_income: Array | None = None,
) -> dict[str, Array]:
    """:func:`local_income_taxes` of a year some local tax covers and checked inputs of one
    shape."""
    taxes = _jurisdictions(place.state, place.place_fips, place.county_fips)
    state_cache: dict[str, tuple[Array, Array]] = {}

    def state_parts() -> tuple[Array, Array]:
        if "parts" not in state_cache:
            state_cache["parts"] = _state_parts(place.state, year, status, w, d, s)
        return state_cache["parts"]

    bases: dict[Base, Callable[[], Array]] = {
        "gross_wages": lambda: w,
        "medicare_wages": lambda: np.maximum(w - s, 0.0),
        "federal_wages": lambda: np.maximum(w - d - s, 0.0),
        "state_taxable_income": lambda: (
            np.broadcast_to(state_taxable_income, w.shape).astype(np.float64)
            if state_taxable_income is not None
            else state_parts()[0]
        ),
        "state_tax": lambda: state_parts()[1],
    }
    federal_agi = np.maximum(w - d - s, 0.0)
    result: dict[str, Array] = {}
    for tax in taxes:
        table = tax.years[check_year(year, tax.years, tax.name)]
        result[tax.id] = _tax(table, status, bases[tax.base](), federal_agi)
    return result


def total_local_income_tax(
    place: Place,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    state_taxable_income: Amount | None = None,
) -> Array:
    """The sum of :func:`local_income_taxes`, zero where none apply."""
    parts = local_income_taxes(
        place, year, status, wages, deferrals, section125, state_taxable_income
    )
    shape = np.broadcast_shapes(*(np.shape(x) for x in (wages, deferrals, section125)))
    total = np.zeros(shape)
    for value in parts.values():
        total = total + value
    return total


def _state_parts(
    state: str, year: int, status: FilingStatus, w: Array, d: Array, s: Array
) -> tuple[Array, Array]:
    """The state's taxable income and tax after credits, from the state engine."""
    agi = np.maximum(w - d - s, 0.0)
    federal = tax_of_taxable(year, status, taxable_of_agi(year, status, agi, np.zeros_like(agi)))
    b = breakdown_of_checked(state, year, status, w, d, s, federal, np.zeros(w.shape, bool), None)
    return b.taxable_income, b.liability


def _tax(table: LocalYear, status: FilingStatus, base: Array, federal_agi: Array) -> Array:
    x = np.maximum(np.asarray(base, dtype=np.float64), 0.0)
    if table.exemption is not None:
        x = np.maximum(x - table.exemption.of(status), 0.0)
    if table.wage_cap is not None:
        x = np.minimum(x, table.wage_cap)
    rate = table.effective_rate()
    if rate is not None:
        tax = rate * x
    elif table.brackets is not None:
        thresholds, rates = table.brackets.of(status)
        tax = bracket_tax(x, thresholds, rates)
    else:
        assert table.amount is not None
        per_period = x / table.periods
        floor = 0.0 if table.threshold is None else table.threshold.of(status)
        owed = (per_period >= floor) & (per_period > 0)
        tax = np.where(owed, np.minimum(table.amount, per_period) * table.periods, 0.0)
    credits = np.zeros_like(tax)
    for credit in table.credits:
        income = federal_agi if credit.income == "federal_agi" else x
        if credit.amount is not None:
            value = np.full_like(tax, credit.amount.of(status))
        else:
            assert credit.brackets is not None
            value = bracket_tax(x, *credit.brackets.of(status))
        credits = credits + np.where(income <= credit.income_limit, value, 0.0)
    out: Array = np.maximum(tax - credits, 0.0)
    return out
