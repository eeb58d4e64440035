"""Salary estimates for a role in a metro, for when the user names a role but not a salary.

The estimate is ``national anchor * metro factor``, for the 10th to 90th percentiles:

- Each role has proxy occupations with weights (``data/wages/role_proxies.toml``). The proxies'
  national OEWS percentiles, blended by weight, give the distribution.
- Roles the article prices (DevOps, SRE) are lifted to its Indeed average: premium = article
  average * OEWS wage growth since the article / the blended national mean of the proxies.
  Other roles keep premium 1: the proxies' own wages.
- The metro factor is the weighted mean, over the proxies, of the metro's OEWS median over the
  national median. A proxy the metro has no published median for uses its state's, else 1.

``data/wages/SOURCE.md`` documents the choices. A salary the user gives always wins over this.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from math import isclose, isnan
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from rolediff import data
from rolediff.errors import RolediffError
from rolediff.geo import Place
from rolediff.pay.common import Model
from rolediff.pay.living import metro_places
from rolediff.pay.models import ProxyWage, SalaryEstimate, WageArea
from rolediff.roles import get_role

PERCENTILES = (10, 25, 50, 75, 90)
_COLUMNS = ("annual_mean", "annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90")
_MEDIAN = _COLUMNS.index("annual_median")

Array = npt.NDArray[np.float64]


# --- data ---------------------------------------------------------------------------------


class Proxy(Model):
    soc: str = Field(pattern=r"^\d{2}-\d{4}$")
    weight: float = Field(gt=0, le=1)


class RoleProxies(Model):
    id: str
    anchor: Literal["article", "proxy"]
    proxies: tuple[Proxy, ...] = Field(min_length=1)
    why: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> RoleProxies:
        if not isclose(sum(p.weight for p in self.proxies), 1.0):
            raise ValueError(f"{self.id}: proxy weights must sum to 1")
        return self


class WageGrowth(Model):
    soc: str
    from_release: str
    from_annual_mean: float = Field(gt=0)
    reference: str
    url: str = Field(pattern=r"^https?://")


class ProxyConfig(Model):
    oews_release: str
    oews_published: str
    oews_url: str = Field(pattern=r"^https?://")
    percentiles: tuple[int, ...]
    topcode_annual: float = Field(gt=0)
    wage_growth: WageGrowth
    roles: tuple[RoleProxies, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ProxyConfig:
        if self.percentiles != PERCENTILES:
            raise ValueError(f"percentiles must be {PERCENTILES}")
        if sorted(r.id for r in self.roles) != sorted(data.ROLE_IDS):
            raise ValueError("role_proxies.toml must describe every role exactly once")
        return self


@cache
def proxy_config() -> ProxyConfig:
    return ProxyConfig.model_validate(data.read_toml("wages/role_proxies.toml"))


@cache
def oews_wages() -> dict[tuple[str, str, str], Array]:
    """(area type, area, SOC) → annual mean and p10 to p90; NaN where BLS published none."""
    table = {}
    for row in data.read_csv("wages/oews_may2025.csv"):
        values = np.array([float(row[c]) if row[c] else np.nan for c in _COLUMNS])
        if np.any(values <= 0):
            raise data.DataError(f"wages/oews_may2025.csv: non-positive wage in {row}")
        table[row["area_type"], row["area"], row["soc_code"]] = values
    return table


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SalaryTable:
    """Estimates for every metro at once, one row per ``cbsa_code``."""

    role: str
    cbsa_code: tuple[str, ...]
    percentiles: Array
    """One row per metro, columns p10, p25, p50, p75, p90."""
    metro_factor: Array

    def annual(self, percentile: int = 50) -> Array:
        column: Array = self.percentiles[:, PERCENTILES.index(check_percentile(percentile))]
        return column


@dataclass(frozen=True)
class _Anchor:
    role: RoleProxies
    percentiles: Array
    lower_bound: tuple[int, ...]
    premium: float
    note: str


def check_percentile(percentile: int) -> int:
    if percentile not in PERCENTILES:
        raise RolediffError(
            f"percentile must be one of {', '.join(map(str, PERCENTILES))}; got {percentile!r}."
        )
    return percentile


def _national(soc: str) -> Array:
    try:
        return oews_wages()["national", "US", soc]
    except KeyError as exc:
        raise data.DataError(f"wages/oews_may2025.csv has no national row for {soc}") from exc


@cache
def _anchor(role_id: str) -> _Anchor:
    config = proxy_config()
    role = next(r for r in config.roles if r.id == role_id)
    blend: Array = np.sum([p.weight * _national(p.soc) for p in role.proxies], axis=0)
    # A withheld (top-coded) national percentile counts at the top code: a lower bound.
    blocked = [
        pct
        for pct in PERCENTILES
        if any(isnan(_national(x.soc)[1 + PERCENTILES.index(pct)]) for x in role.proxies)
    ]
    floored: Array = np.sum(
        [
            p.weight * np.where(np.isnan(_national(p.soc)), config.topcode_annual, _national(p.soc))
            for p in role.proxies
        ],
        axis=0,
    )
    premium, note = 1.0, "the proxies' own national wages (no published average for this role)"
    if role.anchor == "article":
        growth = config.wage_growth
        now = _national(growth.soc)[0]
        article = next(s for s in data.published_figures().salaries if s.role == role_id)
        factor = now / growth.from_annual_mean
        premium = article.average * factor / blend[0]
        note = (
            f"premium {premium:.4f} = the article's Indeed average ${article.average:,.0f} "
            f"({article.as_of}) \u00d7 OEWS {growth.soc} mean-wage growth {factor:.4f} "
            f"({growth.from_release} → {config.oews_release}) ÷ the proxies' national mean "
            f"${blend[0]:,.0f}"
        )
    return _Anchor(role, premium * floored[1:], tuple(blocked), premium, note)


MIN_STATE_METROS = 3
"""Metros with a median a state needs before their median ratio stands in for its others."""


@cache
def _state_metro_ratio(state: str, soc: str) -> float | None:
    """The median, over the metros whose first-named city is in ``state`` and for which OEWS
    publishes ``soc``'s median, of that median over the national one; None below
    MIN_STATE_METROS such metros. A typical metro of the state: the state's own median leans
    toward its largest metro (New York's toward New York City)."""
    wages = oews_wages()
    national = _national(soc)[_MEDIAN]
    ratios = [
        value[_MEDIAN] / national
        for place in metro_places()
        if place.state == state and place.metro_type == "metro"
        if (value := wages.get(("msa", place.cbsa_code, soc))) is not None
        and not isnan(value[_MEDIAN])
    ]
    return float(np.median(ratios)) if len(ratios) >= MIN_STATE_METROS else None


def _proxy_wage(proxy: Proxy, place: Place | None) -> ProxyWage:
    def found(area: WageArea, ratio: float) -> ProxyWage:
        return ProxyWage(soc=proxy.soc, weight=proxy.weight, area=area, median_ratio=ratio)

    national = _national(proxy.soc)[_MEDIAN]
    wages = oews_wages()
    if place is not None:
        if place.metro_type == "metro":
            value = wages.get(("msa", place.cbsa_code, proxy.soc))
            if value is not None and not isnan(value[_MEDIAN]):
                return found("metro", value[_MEDIAN] / national)
        typical = _state_metro_ratio(place.state, proxy.soc)
        if typical is not None:
            return found("state metros", typical)
        value = wages.get(("state", place.state, proxy.soc))
        if value is not None and not isnan(value[_MEDIAN]):
            return found("state", value[_MEDIAN] / national)
    return found("national", 1.0)


def _describe(proxies: list[ProxyWage], place: Place | None) -> str:
    if place is None:
        return "no place: national wages (metro factor 1)"
    where = {
        "metro": f"the {place.metro_name} metro",
        "state metros": (
            f"{place.state_name}'s metros, their median (no OEWS median for {place.metro_name})"
        ),
        "state": f"{place.state_name} (no OEWS median for {place.metro_name})",
        "national": f"the U.S. (no OEWS median for {place.metro_name} or {place.state_name})",
    }
    parts = [
        f"{p.weight:g} \u00d7 {p.soc} median ratio {p.median_ratio:.4f} in {where[p.area]}"
        for p in proxies
    ]
    return "metro factor = " + " + ".join(parts)


def _sources(role: RoleProxies) -> list[str]:
    """URLs: the OEWS release, then every work the role's proxy choice cites."""
    cited = data.sources()
    return [proxy_config().oews_url, *(cited[s].url for s in role.sources)]


def label() -> str:
    config = proxy_config()
    return (
        "estimate: national anchor \u00d7 metro wage ratio of proxy occupations, "
        f"BLS OEWS {config.oews_release}"
    )


def estimate_salary(role: str, place: Place | None, percentile: int = 50) -> SalaryEstimate:
    """Estimated annual base salary of ``role`` in ``place`` (None: national) at ``percentile``.

    Raises UnknownRoleError for an unknown role and a ValueError for a percentile other than
    10, 25, 50, 75 or 90.
    """
    role_id = get_role(role).id
    check_percentile(percentile)
    anchor = _anchor(role_id)
    proxies = [_proxy_wage(p, place) for p in anchor.role.proxies]
    factor = sum(p.weight * p.median_ratio for p in proxies)
    values = anchor.percentiles * factor
    blend = " + ".join(f"{p.weight:g} \u00d7 {p.soc}" for p in anchor.role.proxies)
    method = (
        f"national anchor: {anchor.note}; \u00d7 national OEWS {proxy_config().oews_release} "
        f"percentiles of {blend}; {_describe(proxies, place)}"
    )
    if anchor.lower_bound:
        method += (
            f"; percentiles {', '.join(map(str, anchor.lower_bound))} use the OEWS top code "
            f"${proxy_config().topcode_annual:,.0f} and are lower bounds"
        )
    return SalaryEstimate(
        role=role_id,
        place=None if place is None else place.label,
        cbsa_code=None if place is None else place.cbsa_code,
        percentile=percentile,
        annual=float(values[PERCENTILES.index(percentile)]),
        percentiles={p: float(v) for p, v in zip(PERCENTILES, values, strict=True)},
        lower_bound_percentiles=list(anchor.lower_bound),
        premium=anchor.premium,
        metro_factor=factor,
        proxies=proxies,
        method=method,
        label=label(),
        sources=_sources(anchor.role),
    )


@cache
def estimate_salary_all(role: str) -> SalaryTable:
    """:func:`estimate_salary` for every metro at once (the metros of ``living_costs_all``)."""
    role_id = get_role(role).id
    anchor = _anchor(role_id)
    places = metro_places()
    factor = np.array(
        [
            sum(w.weight * w.median_ratio for w in (_proxy_wage(p, m) for p in anchor.role.proxies))
            for m in places
        ]
    )
    table = SalaryTable(
        role_id, tuple(p.cbsa_code for p in places), np.outer(factor, anchor.percentiles), factor
    )
    table.percentiles.flags.writeable = False
    table.metro_factor.flags.writeable = False
    return table
