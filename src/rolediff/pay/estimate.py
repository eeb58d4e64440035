"""Salary estimates for a role in a metro, for when the user names a role but not a salary.

The estimate is ``national anchor * metro factor``, for each percentile OEWS publishes (listed in
``data/wages/role_proxies.toml``):

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
from itertools import pairwise
from math import isclose, isnan
from typing import Annotated, Literal

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

MEDIAN = 50
"""The median as a percentile: the metro factor compares medians."""

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
    oews_file: str = Field(pattern=r"^[a-z0-9_]+\.csv$")
    percentiles: tuple[Annotated[int, Field(gt=0, lt=100)], ...] = Field(min_length=1)
    """The annual wage percentiles OEWS publishes, ascending; the median among them."""
    topcode_annual: float = Field(gt=0)
    wage_growth: WageGrowth
    roles: tuple[RoleProxies, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ProxyConfig:
        if any(b <= a for a, b in pairwise(self.percentiles)) or MEDIAN not in self.percentiles:
            raise ValueError("percentiles must ascend and include the median (50)")
        if sorted(r.id for r in self.roles) != sorted(data.ROLE_IDS):
            raise ValueError("role_proxies.toml must describe every role exactly once")
        return self


@cache
def proxy_config() -> ProxyConfig:
    return ProxyConfig.model_validate(data.read_toml("wages/role_proxies.toml"))


def percentiles() -> tuple[int, ...]:
    """The wage percentiles OEWS publishes, so those an estimate gives, ascending."""
    return proxy_config().percentiles


def _columns() -> tuple[str, ...]:
    """The OEWS columns read: the annual mean, then one per percentile (the median's is named
    ``annual_median``)."""
    names = ("annual_median" if p == MEDIAN else f"annual_p{p}" for p in percentiles())
    return ("annual_mean", *names)


def _oews_path() -> str:
    return f"wages/{proxy_config().oews_file}"


def _median() -> int:
    """Index of the median in a row of :func:`oews_wages`."""
    return 1 + percentiles().index(MEDIAN)


@cache
def oews_wages() -> dict[tuple[str, str, str], Array]:
    """(area type, area, SOC) → annual mean and each percentile; NaN where BLS published none."""
    table = {}
    columns, path = _columns(), _oews_path()
    for row in data.read_csv(path):
        values = np.array([float(row[c]) if row[c] else np.nan for c in columns])
        if np.any(values <= 0):
            raise data.DataError(f"{path}: non-positive wage in {row}")
        table[row["area_type"], row["area"], row["soc_code"]] = values
    return table


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SalaryTable:
    """Estimates for every metro at once, one row per ``cbsa_code``."""

    role: str
    cbsa_code: tuple[str, ...]
    percentiles: Array
    """One row per metro, one column per percentile of :func:`percentiles`."""
    metro_factor: Array

    def annual(self, percentile: int = MEDIAN) -> Array:
        column: Array = self.percentiles[:, percentiles().index(check_percentile(percentile))]
        return column


@dataclass(frozen=True)
class _Anchor:
    role: RoleProxies
    percentiles: Array
    lower_bound: tuple[int, ...]
    premium: float
    note: str


def check_percentile(percentile: int) -> int:
    published = percentiles()
    if percentile not in published:
        raise RolediffError(
            f"percentile must be one of {', '.join(map(str, published))}; got {percentile!r}."
        )
    return percentile


def _national(soc: str) -> Array:
    try:
        return oews_wages()["national", "US", soc]
    except KeyError as exc:
        raise data.DataError(f"{_oews_path()} has no national row for {soc}") from exc


@cache
def _anchor(role_id: str) -> _Anchor:
    config = proxy_config()
    role = next(r for r in config.roles if r.id == role_id)
    blend: Array = np.sum([p.weight * _national(p.soc) for p in role.proxies], axis=0)
    # A withheld (top-coded) national percentile counts at the top code: a lower bound.
    blocked = [
        pct
        for i, pct in enumerate(percentiles(), 1)
        if any(isnan(_national(x.soc)[i]) for x in role.proxies)
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
    wages, median = oews_wages(), _median()
    national = _national(soc)[median]
    ratios = [
        value[median] / national
        for place in metro_places()
        if place.state == state and place.metro_type == "metro"
        if (value := wages.get(("msa", place.cbsa_code, soc))) is not None
        and not isnan(value[median])
    ]
    return float(np.median(ratios)) if len(ratios) >= MIN_STATE_METROS else None


def _proxy_wage(proxy: Proxy, place: Place | None) -> ProxyWage:
    def found(area: WageArea, ratio: float) -> ProxyWage:
        return ProxyWage(soc=proxy.soc, weight=proxy.weight, area=area, median_ratio=ratio)

    median = _median()
    national = _national(proxy.soc)[median]
    wages = oews_wages()
    if place is not None:
        if place.metro_type == "metro":
            value = wages.get(("msa", place.cbsa_code, proxy.soc))
            if value is not None and not isnan(value[median]):
                return found("metro", value[median] / national)
        typical = _state_metro_ratio(place.state, proxy.soc)
        if typical is not None:
            return found("state metros", typical)
        value = wages.get(("state", place.state, proxy.soc))
        if value is not None and not isnan(value[median]):
            return found("state", value[median] / national)
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


def estimate_salary(role: str, place: Place | None, percentile: int = MEDIAN) -> SalaryEstimate:
    """Estimated annual base salary of ``role`` in ``place`` (None: national) at ``percentile``.

    Raises UnknownRoleError for an unknown role and a RolediffError for a percentile OEWS does
    not publish (see :func:`percentiles`).
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
        annual=float(values[percentiles().index(percentile)]),
        percentiles={p: float(v) for p, v in zip(percentiles(), values, strict=True)},
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
