"""Monthly living costs in a place: rent, and the non-rent costs of one adult living alone.

Rent is HUD's Fair Market Rent (a 40th-percentile gross rent, utilities included) of the
principal city's county, or its town in New England. Non-rent costs are what one-person consumer
units spend nationally on food, transportation, health care and other necessities (BLS Consumer
Expenditure Surveys), each category priced in the metro by the matching BEA Regional Price Parity
(goods, other services or all items) relative to the U.S. level of that component.
``data/living/SOURCE.md`` explains the choices, including why EPI's family budgets are not used.
Every figure comes from ``data/living/``, and so do the releases and vintages the results name
(``releases.toml``); the user can override both rent and living costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from rolediff import data
from rolediff.errors import RolediffError
from rolediff.geo import Place, resolve_place
from rolediff.pay.common import Model
from rolediff.pay.models import CostComponent, LivingCosts, PriceArea

Component = Literal["food", "transportation", "health_care", "other_necessities"]
COMPONENTS: tuple[Component, ...] = ("food", "transportation", "health_care", "other_necessities")
PriceComponent = Literal["all_items", "goods", "other_services"]
PRICE_COMPONENTS: tuple[PriceComponent, ...] = ("all_items", "goods", "other_services")

Array = npt.NDArray[np.float64]


# --- data ---------------------------------------------------------------------------------


class Release(Model):
    """Which release of a source a file holds, and how results name it."""

    url: str = Field(pattern=r"^https?://")
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    vintage: str = Field(min_length=1)
    file: str = Field(pattern=r"^[a-z0-9_]+\.csv$")

    @property
    def name(self) -> str:
        """E.g. "HUD Fair Market Rents FY2026"."""
        return f"{self.publisher} {self.title} {self.vintage}"


class RentRelease(Release):
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    """When the rents took effect."""
    measure: str = Field(min_length=1)
    """What a rent is, as the method states it."""
    bedrooms: tuple[int, ...] = Field(min_length=1)
    """The bedroom counts the file has a rent for (columns ``fmr_<n>br``), ascending."""

    @model_validator(mode="after")
    def _ascending(self) -> RentRelease:
        if any(b <= a for a, b in pairwise(self.bedrooms)) or self.bedrooms[0] < 0:
            raise ValueError("bedrooms must be ascending counts from 0 up")
        return self


class PriceRelease(Release):
    short_title: str = Field(min_length=1)


class SpendingRelease(Model):
    file: str = Field(pattern=r"^[a-z0-9_]+\.toml$")


class Releases(Model):
    """``data/living/releases.toml``: the release each living-cost file holds."""

    rent: RentRelease
    prices: PriceRelease
    spending: SpendingRelease


@cache
def releases() -> Releases:
    return Releases.model_validate(data.read_toml("living/releases.toml"))


def bedroom_counts() -> tuple[int, ...]:
    """The bedroom counts HUD publishes a Fair Market Rent for."""
    return releases().rent.bedrooms


class SpendingCategory(Model):
    id: str = Field(pattern=r"^[a-z_]+$")
    component: Component
    annual: float = Field(gt=0)
    series: tuple[str, ...] = Field(min_length=1)
    rpp: PriceComponent
    note: str | None = None


class NationalSpending(Model):
    """National annual spending of one-person consumer units, by category (a BLS CE table)."""

    publisher: str
    year: int
    table: str
    url: str = Field(pattern=r"^https?://")
    series_pattern: str
    licence: str
    verified: bool
    note: str | None = None
    categories: tuple[SpendingCategory, ...] = Field(min_length=1)


class FairMarketRent(Model):
    fips: str = Field(pattern=r"^(\d{5}|\d{10})$")
    hud_area_code: str
    hud_area_name: str
    rents: tuple[float, ...]
    """One rent per bedroom count of :func:`bedroom_counts`, in its order."""


@dataclass(frozen=True)
class _Prices:
    """BEA RPPs by area: rows of (all items, goods, other services), U.S. all items = 100."""

    us: Array
    metro: dict[str, Array]
    state_metro: dict[str, Array]
    state_nonmetro: dict[str, Array]


@cache
def national_spending() -> NationalSpending:
    path = f"living/{releases().spending.file}"
    return NationalSpending.model_validate(data.read_toml(path))


@cache
def fair_market_rents() -> dict[str, FairMarketRent]:
    """FMRs by 5-digit county or 10-digit New England town code."""
    rows = {}
    for row in data.read_csv(f"living/{releases().rent.file}"):
        rents = tuple(float(row[f"fmr_{b}br"]) for b in bedroom_counts())
        rows[row["fips"]] = FairMarketRent(
            fips=row["fips"],
            hud_area_code=row["hud_area_code"],
            hud_area_name=row["hud_area_name"],
            rents=rents,
        )
    return rows


@cache
def _prices() -> _Prices:
    by_type: dict[str, dict[str, Array]] = {}
    path = f"living/{releases().prices.file}"
    for row in data.read_csv(path):
        values = np.array([float(row[c]) for c in PRICE_COMPONENTS])
        if np.any(values <= 0):
            raise data.DataError(f"{path}: non-positive RPP for {row['area']}")
        by_type.setdefault(row["area_type"], {})[row["area"]] = values
    return _Prices(
        by_type["us"]["US"], by_type["msa"], by_type["state_metro"], by_type["state_nonmetro"]
    )


@cache
def _ne_towns() -> dict[str, str]:
    """Principal city place code → New England town code, where HUD rents are by town."""
    return {c.place_fips: c.ne_town_fips for c in data.principal_cities() if c.ne_town_fips}


@cache
def _weights() -> tuple[Array, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Monthly national spending per category, its RPP column and its component."""
    cats = national_spending().categories
    monthly = np.array([c.annual / 12 for c in cats])
    price_column = np.array([PRICE_COMPONENTS.index(c.rpp) for c in cats])
    component = np.array([COMPONENTS.index(c.component) for c in cats])
    return monthly, price_column, component


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LivingCostsTable:
    """Monthly living costs of every metro at once, one array element per ``cbsa_code``."""

    cbsa_code: tuple[str, ...]
    bedrooms: int
    rent_monthly: Array
    food: Array
    transportation: Array
    health_care: Array
    other_necessities: Array
    non_rent_monthly: Array
    total_monthly: Array
    price_index: Array


def check_bedrooms(bedrooms: int) -> int:
    rent = releases().rent
    if bedrooms not in rent.bedrooms:
        raise RolediffError(
            f"bedrooms must be one of {', '.join(map(str, rent.bedrooms))} ({rent.publisher} "
            f"{rent.title} cover {rent.bedrooms[0]} to {rent.bedrooms[-1]} bedrooms); "
            f"got {bedrooms!r}."
        )
    return bedrooms


def rent_row(place: Place) -> FairMarketRent:
    """The HUD row of the place's New England town or county."""
    key = _ne_towns().get(place.place_fips, place.county_fips)
    try:
        return fair_market_rents()[key]
    except KeyError as exc:
        vintage = releases().rent.vintage
        raise data.DataError(f"no {vintage} Fair Market Rent for {place.label} ({key})") from exc


def price_parities(place: Place) -> tuple[PriceArea, Array]:
    """The BEA RPPs that price the place: its metro's, else its state's portion, else U.S."""
    prices = _prices()
    if place.metro_type == "metro" and place.cbsa_code in prices.metro:
        return "metro", prices.metro[place.cbsa_code]
    if place.state in prices.state_nonmetro:
        return "state nonmetro", prices.state_nonmetro[place.state]
    if place.state in prices.state_metro:
        return "state metro", prices.state_metro[place.state]
    return "national", prices.us


def _non_rent(parities: Array) -> Array:
    """Monthly non-rent cost per component for each row of RPPs (rows by components)."""
    monthly, price_column, component = _weights()
    scaled = monthly * parities[..., price_column] / _prices().us[price_column]
    out = np.zeros((*parities.shape[:-1], len(COMPONENTS)))
    for i in range(len(COMPONENTS)):
        out[..., i] = scaled[..., component == i].sum(axis=-1)
    return out


def _price_note(area: PriceArea, place: Place) -> str:
    return {
        "metro": f"the {place.metro_name} metro",
        "state nonmetro": f"{place.state_name}'s nonmetropolitan portion",
        "state metro": f"{place.state_name}'s metropolitan portion",
        "national": (
            f"the U.S. ({releases().prices.publisher} publishes no price parity for this area)"
        ),
    }[area]


def living_costs(place: Place, bedrooms: int = 1) -> LivingCosts:
    """Monthly rent for ``bedrooms`` and the non-rent costs of one adult in ``place``."""
    check_bedrooms(bedrooms)
    rent = rent_row(place)
    area, parities = price_parities(place)
    parts = _non_rent(parities)
    spending = national_spending()
    release = releases()
    prices = release.prices
    ce = f"BLS Consumer Expenditure Surveys {spending.year}, one-person consumer units"
    source = f"{ce}, priced by {prices.name} of {_price_note(area, place)}"
    components = {
        name: CostComponent(monthly=float(value), source=source, as_of=str(spending.year))
        for name, value in zip(COMPONENTS, parts, strict=True)
    }
    non_rent = float(parts.sum())
    rent_monthly = rent.rents[bedrooms]
    return LivingCosts(
        place=place.label,
        cbsa_code=place.cbsa_code,
        bedrooms=bedrooms,
        rent_monthly=rent_monthly,
        rent_area=rent.hud_area_name,
        rent_source=release.rent.name,
        rent_as_of=release.rent.as_of,
        **components,
        non_rent_monthly=non_rent,
        total_monthly=rent_monthly + non_rent,
        price_index=float(parities[0]),
        price_area=area,
        method=(
            f"rent: {release.rent.publisher} {release.rent.vintage} {bedrooms}-bedroom Fair "
            f"Market Rent of {rent.hud_area_name} ({release.rent.measure}); non-rent: national "
            f"average spending of one-person consumer units ({ce}) in "
            f"{len(spending.categories)} categories, each scaled by the ratio of "
            f"{_price_note(area, place)}'s {prices.publisher} {prices.short_title} "
            f"{prices.vintage} (goods, other services or all items) to the U.S. value of the "
            "same component"
        ),
        sources=[release.rent.url, spending.url, prices.url],
    )


@cache
def metro_places() -> tuple[Place, ...]:
    """Every metropolitan area, as the place its CBSA code resolves to, in CBSA order."""
    codes = sorted({c.cbsa_code for c in data.principal_cities() if c.cbsa_type == "metro"})
    return tuple(resolve_place(code) for code in codes)


@cache
def living_costs_all(bedrooms: int = 1) -> LivingCostsTable:
    """:func:`living_costs` for every metro at once, as arrays keyed by ``cbsa_code``."""
    check_bedrooms(bedrooms)
    places = metro_places()
    parities = np.array([price_parities(p)[1] for p in places])
    parts = _non_rent(parities)
    rent = np.array([rent_row(p).rents[bedrooms] for p in places])
    non_rent = parts.sum(axis=1)
    table = LivingCostsTable(
        cbsa_code=tuple(p.cbsa_code for p in places),
        bedrooms=bedrooms,
        rent_monthly=rent,
        food=parts[:, 0],
        transportation=parts[:, 1],
        health_care=parts[:, 2],
        other_necessities=parts[:, 3],
        non_rent_monthly=non_rent,
        total_monthly=rent + non_rent,
        price_index=parities[:, 0],
    )
    for value in vars(table).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # the table is cached and shared
    return table
