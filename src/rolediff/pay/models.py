"""The pay results, as pydantic models without numpy, so that a comparison can carry them
without loading the tax engine."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

FilingStatus = Literal["single", "married_joint", "head_of_household"]
PriceArea = Literal["metro", "state nonmetro", "state metro", "national"]
WageArea = Literal["metro", "state metros", "state", "national"]
SalarySource = Literal["given", "estimate"]


class CostComponent(BaseModel):
    model_config = ConfigDict(frozen=True)

    monthly: float
    source: str
    as_of: str


class LivingCosts(BaseModel):
    """Monthly rent and non-rent living costs of one adult in a place, with their sources."""

    model_config = ConfigDict(frozen=True)

    place: str
    cbsa_code: str
    bedrooms: int
    rent_monthly: float
    rent_area: str
    rent_source: str
    rent_as_of: str
    food: CostComponent
    transportation: CostComponent
    health_care: CostComponent
    other_necessities: CostComponent
    non_rent_monthly: float
    total_monthly: float
    price_index: float
    """BEA Regional Price Parity, all items (U.S. = 100), of the area in ``price_area`` (the
    release is named in ``data/living/releases.toml``)."""
    price_area: PriceArea
    method: str
    sources: list[str]


class ProxyWage(BaseModel):
    """Where one proxy occupation's metro wage ratio came from."""

    model_config = ConfigDict(frozen=True)

    soc: str
    weight: float
    area: WageArea
    median_ratio: float


class SalaryEstimate(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str
    place: str | None
    cbsa_code: str | None
    percentile: int
    annual: float
    percentiles: dict[int, float]
    lower_bound_percentiles: list[int]
    """Percentiles computed from a top-coded OEWS wage: the true value is at least this."""
    premium: float
    metro_factor: float
    proxies: list[ProxyWage]
    method: str
    label: str
    sources: list[str]


class TakeHome(BaseModel):
    """One household's pay chain in one place, annual and monthly. Stable JSON: docs/json.md."""

    model_config = ConfigDict(frozen=True)

    gross_annual: float
    pretax_contributions: float
    federal_income_tax: float
    social_security_tax: float
    medicare_tax: float
    state_income_tax: float
    local_income_tax: float
    local_taxes: dict[str, float]
    state_payroll_taxes: float
    payroll_taxes: dict[str, float]
    total_taxes: float
    after_tax_annual: float
    after_tax_monthly: float
    rent_monthly: float
    living_costs_monthly: float
    living: LivingCosts | None
    take_home_monthly: float
    effective_tax_rate: float
    marginal_tax_rate: float
    year: int
    filing_status: FilingStatus
    place: str
    state: str
    metro_cbsa: str
    salary_source: SalarySource
    salary_estimate: SalaryEstimate | None
    not_modelled: list[str]
    """Local taxes the place is known to levy on its residents that are not charged here."""
    unverified: list[str] = []
    """Taxes charged whose figures for the year are not yet checked against their published
    source (projections pending an agency's figures, or unconfirmed): see ``rolediff data
    coverage``."""
    sources: list[str]


class CityRow(BaseModel):
    """One metro in a ranking: pay, taxes, costs and what is left each month."""

    model_config = ConfigDict(frozen=True)

    rank: int
    place: str
    metro: str
    metro_cbsa: str
    state: str
    gross_annual: float
    total_taxes: float
    after_tax_monthly: float
    rent_monthly: float
    living_costs_monthly: float
    take_home_monthly: float
    effective_tax_rate: float
    local_tax_not_modelled: bool
    """The city levies a local tax that is not charged here (see TakeHome.not_modelled)."""
