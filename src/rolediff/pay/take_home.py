"""Gross pay → taxes → after tax → minus rent and living costs → monthly take-home, per place.

The chain: local income taxes (they count toward the federal SALT deduction), federal and
state income tax solved together (``federal_and_state_income_tax``), Social Security and
Medicare, state payroll taxes; then HUD rent and non-rent living costs of the place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from types import EllipsisType
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from rolediff.errors import RolediffError
from rolediff.geo import Place, resolve_place
from rolediff.pay import federal, local, payroll
from rolediff.pay.common import Amount, FilingStatus, amounts, check_status
from rolediff.pay.coverage import unverified
from rolediff.pay.estimate import estimate_salary, estimate_salary_all
from rolediff.pay.living import living_costs, living_costs_all, metro_places, releases
from rolediff.pay.models import CityRow, TakeHome
from rolediff.pay.state_income import income_taxes_of_checked, state_tax_data

MARGINAL_STEP = 100.0
"""Dollars added to gross pay to measure the marginal tax rate."""


Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Taxes:
    """Every tax of many households, as arrays (dollars a year).

    ``local`` and ``payroll`` have one array per local tax or state program that applies to any
    of the households, zero for those who live where it does not apply.
    """

    federal: Array
    social_security: Array
    medicare: Array
    state: Array
    local: dict[str, Array]
    payroll: dict[str, Array]

    @property
    def total(self) -> Array:
        result: Array = self.federal + self.social_security + self.medicare + self.state
        for amount in (*self.local.values(), *self.payroll.values()):
            result = result + amount
        return result

    def statement_totals(self) -> Array:
        """Each household's total as a statement shows it: the sum of its taxes each rounded to
        the cent (local taxes and state programs each summed first), so that every answer
        showing a total gives the same cent."""
        main: Array = np.zeros(self.federal.shape)
        for part in (self.federal, self.social_security, self.medicare, self.state):
            main = main + _cents(part)
        extra = [self.local, self.payroll]
        sums = [sum((_cents(a) for a in taxes.values()), np.zeros(main.shape)) for taxes in extra]
        return _cents(main + _cents(sums[0]) + _cents(sums[1]))


@cache
def _state_years(state: str) -> tuple[int, ...]:
    years = set(federal.years()) & set(payroll.years()) & set(local.covered_years())
    return tuple(sorted(years & set(state_tax_data(state).years)))


def covered_years(place: Place) -> list[int]:
    """Tax years every part of the chain covers for this place, oldest first."""
    if place.state == "PR":
        raise RolediffError(
            f"{place.label} is in Puerto Rico, whose income tax rolediff does not model."
        )
    return list(_state_years(place.state))


def _year(place: Place, year: int | None) -> int:
    years = covered_years(place)
    if year is None:
        return years[-1]
    if year not in years:
        raise RolediffError(
            f"Tax year {year} is not covered for {place.label}; choose one of "
            f"{', '.join(map(str, years))}."
        )
    return year


def taxes(
    place: Place,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
) -> Taxes:
    """All taxes of households living and working in ``place``; amounts broadcast."""
    tax_year, filing = _year(place, year), check_status(status)
    w, d, s = np.broadcast_arrays(
        amounts("wages", wages), amounts("deferrals", deferrals), amounts("section125", section125)
    )
    if np.any(d + s > w):
        raise RolediffError("Pre-tax contributions cannot exceed the salary.")
    return _taxes_in(place, tax_year, filing, w, d, s)


Index = EllipsisType | list[int]
"""Which households: all (``...``), or their positions."""


def _taxes_in(place: Place, year: int, status: FilingStatus, w: Array, d: Array, s: Array) -> Taxes:
    """:func:`taxes` of a covered year and checked inputs of one shape."""
    local_taxes = local.local_taxes_of_checked(place, year, status, w, d, s)
    return _taxes(year, status, w, d, s, {place.state: ...}, local_taxes)


def _taxes(
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    states: dict[str, Index],
    local_taxes: dict[str, Array],
) -> Taxes:
    """The chain for checked inputs of one shape: the households at ``states[code]`` live in
    that state, and owe ``local_taxes`` (which count toward the federal SALT deduction)."""
    local_total = sum(local_taxes.values(), np.zeros(w.shape))
    covered = np.maximum(w - s, 0.0)
    federal_tax, state_tax = np.empty(w.shape), np.empty(w.shape)
    state_payroll: dict[str, Array] = {}
    for code, index in states.items():
        income = income_taxes_of_checked(
            code, year, status, w[index], d[index], s[index], local_total[index]
        )
        federal_tax[index], state_tax[index] = income.federal, income.state
        for program, amount in payroll.state_payroll_of_covered(code, year, covered[index]).items():
            state_payroll.setdefault(program, np.zeros(w.shape))[index] = amount
    return Taxes(
        federal=federal_tax,
        social_security=payroll.social_security_of_covered(year, covered),
        medicare=payroll.medicare_of_covered(year, status, covered),
        state=state_tax,
        local=local_taxes,
        payroll=state_payroll,
    )


@cache
def _local_group(place: Place) -> tuple[str, ...]:
    """The ids of the local taxes of ``place``: places with the same ids owe the same."""
    return tuple(tax.id for tax in local.local_tax_jurisdictions(place))


def _local_taxes_of_many(
    places: Sequence[Place], year: int, status: FilingStatus, w: Array, d: Array, s: Array
) -> dict[str, Array]:
    """Local taxes of households each living in ``places[i]``, by local tax id: one call of the
    local engine per set of local taxes rather than per place."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, place in enumerate(places):
        if ids := _local_group(place):
            groups.setdefault(ids, []).append(i)
    result: dict[str, Array] = {}
    for index in groups.values():
        parts = local.local_taxes_of_checked(
            places[index[0]], year, status, w[index], d[index], s[index]
        )
        for tax_id, amount in parts.items():
            result.setdefault(tax_id, np.zeros(w.shape))[index] = amount
    return result


def _place(place: str | Place) -> Place:
    return resolve_place(place) if isinstance(place, str) else place


MAX_SALARY = 1e9
"""The largest salary taken (the API's bound too): beyond it the cent arithmetic of a year's
taxes runs out of floating-point precision."""


def _as_typed(value: object) -> str:
    """A number quoted in a message as people write it ("-5", "1,500.50"); else its repr."""
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:,.2f}".removesuffix(".00")
    return repr(value)


def check_salary(salary: float) -> float:
    if not isinstance(salary, int | float) or not np.isfinite(salary) or salary <= 0:
        raise RolediffError(
            f"Salary must be a positive number of dollars a year; got {_as_typed(salary)}."
        )
    if salary > MAX_SALARY:
        raise RolediffError(
            f"Salary must be at most ${MAX_SALARY:,.0f} a year; got {_as_typed(salary)}."
        )
    return float(salary)


def _check_nonnegative(name: str, value: float, per: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise RolediffError(f"{name} must be zero or more dollars a {per}; got {_as_typed(value)}.")
    return number


# Living costs and estimates do not depend on the salary: computed once per place.
_living_costs = lru_cache(maxsize=1024)(living_costs)
_estimate_salary = lru_cache(maxsize=1024)(estimate_salary)

SOURCES = (
    "IRS revenue procedures; SSA; state revenue departments; local ordinances "
    "(see `rolediff data coverage`)"
)


def take_home(
    salary: float | None = None,
    place: str | Place = "Raleigh, NC",
    role: str | None = None,
    percentile: int = 50,
    year: int | None = None,
    filing_status: str = "single",
    pretax: float = 0.0,
    hsa: float = 0.0,
    rent: float | None = None,
    living: float | None = None,
    bedrooms: int = 1,
) -> TakeHome:
    """Monthly take-home pay of one household in one place.

    Give ``salary`` (dollars a year), or ``role`` for an estimated salary at ``percentile`` in
    that place (a given salary always wins). ``pretax`` is 401(k)-type deferrals (they lower
    income tax, not FICA), ``hsa`` HSA/cafeteria contributions (they lower both). ``rent`` and
    ``living`` (dollars a month) override the place's HUD rent and non-rent living costs.
    ``year`` defaults to the latest tax year covered for the place.
    """
    where = _place(place)
    status = check_status(filing_status)
    tax_year = _year(where, year)
    estimate = None
    if salary is None:
        if role is None:
            raise RolediffError("Give a salary, or a role to estimate one.")
        estimate = _estimate_salary(role, where, percentile)
        salary = estimate.annual
    gross = check_salary(salary)
    pretax = _check_nonnegative("pretax", pretax, "year")
    hsa = _check_nonnegative("hsa", hsa, "year")
    if pretax + hsa > gross:
        raise RolediffError("Pre-tax contributions cannot exceed the salary.")
    for name, monthly in (("rent", rent), ("living", living)):
        if monthly is not None:
            _check_nonnegative(name, monthly, "month")
    costs = _living_costs(where, bedrooms)
    w = np.array([gross, gross + MARGINAL_STEP])
    now = _taxes_in(where, tax_year, status, w, np.full(2, pretax), np.full(2, hsa))
    total = now.total.tolist()
    rent_monthly = costs.rent_monthly if rent is None else float(rent)
    living_monthly = costs.non_rent_monthly if living is None else float(living)
    # Every figure is rounded to the cent, and the totals are the sums of the rounded parts, so
    # that the statement adds up to the cent.
    parts = [_r(now.federal[0]), _r(now.social_security[0]), _r(now.medicare[0]), _r(now.state[0])]
    local_taxes = {k: _r(v[0]) for k, v in now.local.items()}
    payroll_taxes = {k: _r(v[0]) for k, v in now.payroll.items()}
    local_total = _r(sum(local_taxes.values()))
    payroll_total = _r(sum(payroll_taxes.values()))
    total_taxes = _r(sum(parts) + local_total + payroll_total)  # as Taxes.statement_totals
    after_tax = _r(gross - total_taxes - pretax - hsa)
    after_tax_monthly = _r(after_tax / 12)
    rent_monthly, living_monthly = _r(rent_monthly), _r(living_monthly)
    return TakeHome(
        gross_annual=round(gross, 2),
        pretax_contributions=round(pretax + hsa, 2),
        federal_income_tax=parts[0],
        social_security_tax=parts[1],
        medicare_tax=parts[2],
        state_income_tax=parts[3],
        local_income_tax=local_total,
        local_taxes=local_taxes,
        state_payroll_taxes=payroll_total,
        payroll_taxes=payroll_taxes,
        total_taxes=total_taxes,
        after_tax_annual=after_tax,
        after_tax_monthly=after_tax_monthly,
        rent_monthly=rent_monthly,
        living_costs_monthly=living_monthly,
        living=costs if rent is None or living is None else None,
        take_home_monthly=_r(after_tax_monthly - rent_monthly - living_monthly),
        effective_tax_rate=_rate(total_taxes, gross),
        marginal_tax_rate=round((total[1] - total[0]) / MARGINAL_STEP, 4),
        year=tax_year,
        filing_status=status,
        place=where.label,
        state=where.state,
        metro_cbsa=where.cbsa_code,
        salary_source="estimate" if estimate else "given",
        salary_estimate=estimate,
        not_modelled=local.not_modelled(where),
        unverified=list(
            unverified(where.state, tax_year, tuple(payroll_taxes), tuple(local_taxes))
        ),
        sources=[
            SOURCES,
            *_used_sources(costs.sources, rent, living),
            *(estimate.sources if estimate else []),
        ],
    )


def _used_sources(sources: list[str], rent: float | None, living: float | None) -> list[str]:
    """The living-cost sources a take-home used: HUD's for the rent unless the user gave it, the
    spending and price sources for the other costs unless the user gave them."""
    rent_url = releases().rent.url
    return [s for s in sources if (rent is None if s == rent_url else living is None)]


def _r(value: float | np.floating) -> float:
    """To the cent; a tiny negative (a refund of a fraction of a cent) is 0, not -0."""
    return round(float(value), 2) + 0.0


def _cents(values: Array) -> Array:
    """``round(v, 2)`` of every value, as Python rounds (NumPy's rounding differs from it only
    where a value lies within a hair of half a cent: those few are rounded one by one)."""
    rounded: Array = np.round(values, 2) + 0.0  # no -0.0
    hundredths = values * 100
    near_half = np.abs(hundredths - np.floor(hundredths) - 0.5) < 1e-4
    if near_half.any():
        rounded[near_half] = [round(v, 2) for v in values[near_half].tolist()]
    return rounded


SortKey = Literal["take_home", "after_tax", "gross"]


def rank_cities(
    salary: float | None = None,
    role: str | None = None,
    percentile: int = 50,
    year: int | None = None,
    filing_status: str = "single",
    bedrooms: int = 1,
    state: str | None = None,
    sort: SortKey = "take_home",
    top: int | None = None,
) -> list[CityRow]:
    """Every US metro ranked by monthly take-home (or after-tax pay, or gross).

    A metro stands for its first-named principal city (its local taxes apply). With ``role``
    each metro gets its own estimated salary; a ``salary`` is the same everywhere.
    """
    status = check_status(filing_status)
    if (salary is None) == (role is None):
        raise RolediffError("Give exactly one of a salary or a role.")
    if sort not in ("take_home", "after_tax", "gross"):
        raise RolediffError(f"sort must be take_home, after_tax or gross; got {sort!r}.")
    places = [p for p in metro_places() if p.state != "PR"]
    if state is not None:
        if state.upper() == "PR":
            raise RolediffError(
                "Puerto Rico's metros are not ranked: rolediff does not model its income tax."
            )
        places = [p for p in places if p.state == state.upper()]
        if not places:
            raise RolediffError(f"No metro has its principal city in state {state!r}.")
    costs = living_costs_all(bedrooms)
    cost_row = {code: i for i, code in enumerate(costs.cbsa_code)}
    if role is not None:
        table = estimate_salary_all(role)
        by_cbsa = dict(zip(table.cbsa_code, table.annual(percentile).tolist(), strict=True))
        gross = np.array([by_cbsa[p.cbsa_code] for p in places])
    else:
        gross = np.full(len(places), check_salary(float(salary or 0)))
    total = np.empty(len(places))
    shown = np.empty(len(places))
    # Every metro in one ranking uses the same tax year: by default the latest one that all
    # their states cover, so that no city gains from a newer law than another.
    common = sorted(set.intersection(*(set(_state_years(p.state)) for p in places)))
    if year is None:
        if not common:
            raise RolediffError("These metros share no covered tax year; rank one state's metros.")
        year = common[-1]
    elif year not in common:
        missing = sorted({p.state for p in places if year not in _state_years(p.state)})
        if len(missing) == len({p.state for p in places}):
            raise RolediffError(
                f"Tax year {year} is not covered; choose one of {', '.join(map(str, common))}."
            )
        raise RolediffError(
            f"Tax year {year} is not covered for {', '.join(missing)}; choose one of "
            f"{', '.join(map(str, common)) or 'none'}, or rank one state's metros."
        )
    by_year: dict[int, dict[str, list[int]]] = {}
    for i, p in enumerate(places):
        by_year.setdefault(year, {}).setdefault(p.state, []).append(i)
    # One chain per tax year (one in practice), batched by state inside.
    for tax_year, states in by_year.items():
        index = [i for members in states.values() for i in members]
        w, zero = gross[index], np.zeros(len(index))
        position = {i: k for k, i in enumerate(index)}
        within: dict[str, Index] = {
            code: [position[i] for i in members] for code, members in states.items()
        }
        members = [places[i] for i in index]
        local_taxes = _local_taxes_of_many(members, tax_year, status, w, zero, zero)
        result = _taxes(tax_year, status, w, zero, zero, within, local_taxes)
        total[index] = result.total
        shown[index] = result.statement_totals()
    after_monthly = (gross - total) / 12
    rows = [cost_row[p.cbsa_code] for p in places]
    rent = costs.rent_monthly[rows]
    living = costs.non_rent_monthly[rows]
    kept = after_monthly - rent - living
    key = {"take_home": kept, "after_tax": after_monthly, "gross": gross}[sort]
    # Ties (one salary everywhere, ranked by gross) go to the higher take-home, then to the
    # metros' order.
    order = np.lexsort((-kept, -key))[: top or None].tolist()
    # Python floats from here: each row is rounded as take_home() rounds its statement.
    arrays = (gross, shown, rent, living)
    columns = list(zip(*(a.tolist() for a in arrays), strict=True))
    return [_city_row(rank, places[i], *columns[i]) for rank, i in enumerate(order, 1)]


def _city_row(
    rank: int, place: Place, gross: float, total: float, rent: float, living: float
) -> CityRow:
    after_monthly = _r(_r(gross - total) / 12)
    return CityRow(
        rank=rank,
        place=place.label,
        metro=place.metro_name,
        metro_cbsa=place.cbsa_code,
        state=place.state,
        gross_annual=round(gross, 2),
        total_taxes=total,
        after_tax_monthly=after_monthly,
        rent_monthly=_r(rent),
        living_costs_monthly=_r(living),
        # the rounded parts add up (the unrounded take-home only orders the ranking)
        take_home_monthly=_r(after_monthly - _r(rent) - _r(living)),
        effective_tax_rate=_rate(total, gross),
        local_tax_not_modelled=bool(local.not_modelled(place)),
    )


def _monthly(dollars: float) -> str:
    return f"{'-' if dollars < 0 else ''}${abs(dollars):,.0f} a month"


def _rate(taxes: float, gross: float) -> float:
    """Taxes as a share of gross pay; 0 when the pay rounds to no cent at all."""
    return round(taxes / gross, 4) if round(gross, 2) > 0 else 0.0


class SalaryMatch(BaseModel):
    """The salary needed in one place to keep the same monthly take-home as in another."""

    model_config = ConfigDict(frozen=True)

    salary: float
    from_place: TakeHome
    to_place: TakeHome
    needed_salary: float
    difference: float


def match_salary(
    salary: float,
    from_place: str | Place,
    to_place: str | Place,
    year: int | None = None,
    filing_status: str = "single",
    bedrooms: int = 1,
) -> SalaryMatch:
    """Solve for the destination salary whose monthly take-home equals the origin's."""
    origin = take_home(
        salary, from_place, year=year, filing_status=filing_status, bedrooms=bedrooms
    )
    target = _place(to_place)
    status = check_status(filing_status)
    tax_year = _year(target, year)
    costs = living_costs(target, bedrooms)
    monthly_costs = costs.rent_monthly + costs.non_rent_monthly
    # After-tax monthly pay needed there; the origin's take-home is rounded to the cent, so half
    # a cent less is the same take-home (a match to the same place needs the same salary).
    wanted = origin.take_home_monthly + monthly_costs - 0.005

    def after_monthly(gross: np.ndarray) -> np.ndarray:
        result: np.ndarray = (gross - taxes(target, tax_year, status, gross).total) / 12
        return result

    # The search stays within the salaries take_home() accepts, so that the answer can be shown.
    low, high = 1.0, min(max(4 * salary, 1e5), MAX_SALARY)
    least = take_home(low, target, year=tax_year, filing_status=status, bedrooms=bedrooms)
    if least.take_home_monthly > origin.take_home_monthly:
        raise RolediffError(
            f"No salary in {least.place} matches: a ${salary:,.0f} salary in {origin.place} leaves"
            f" {_monthly(origin.take_home_monthly)}, less than even $1 a year leaves there"
            f" ({_monthly(least.take_home_monthly)})."
        )
    while after_monthly(np.array([high]))[0] < wanted:
        if high >= MAX_SALARY:
            raise RolediffError(
                f"No salary in {least.place} matches: a ${salary:,.0f} salary in {origin.place}"
                f" leaves {_monthly(origin.take_home_monthly)}, more than the largest salary"
                f" rolediff takes (${MAX_SALARY:,.0f} a year) leaves there."
            )
        high = min(high * 2, MAX_SALARY)
    for _ in range(6):  # narrow the bracket 64-fold per round, vectorised
        grid = np.linspace(low, high, 65)
        values = after_monthly(grid)
        j = int(np.searchsorted(values, wanted))
        low, high = grid[max(j - 1, 0)], grid[min(j, 64)]
    needed = float(np.ceil(high))
    destination = take_home(needed, target, year=tax_year, filing_status=status, bedrooms=bedrooms)
    return SalaryMatch(
        salary=salary,
        from_place=origin,
        to_place=destination,
        needed_salary=needed,
        difference=round(needed - salary, 2),
    )


def take_home_many(
    salaries: Sequence[float] | np.ndarray,
    place: str | Place,
    year: int | None = None,
    filing_status: str = "single",
    pretax: Amount = 0,
    hsa: Amount = 0,
    bedrooms: int = 1,
) -> dict[str, np.ndarray]:
    """Vectorised chain for many salaries in one place: arrays of taxes and monthly take-home."""
    where = _place(place)
    status = check_status(filing_status)
    tax_year = _year(where, year)
    gross = amounts("salaries", salaries)
    if np.any(gross <= 0):
        raise RolediffError("Salaries must be positive.")
    result = taxes(where, tax_year, status, gross, pretax, hsa)
    costs = living_costs(where, bedrooms)
    after = gross - result.total - np.asarray(pretax, dtype=float) - np.asarray(hsa, dtype=float)
    return {
        "gross_annual": gross,
        "total_taxes": result.total,
        "after_tax_monthly": after / 12,
        "take_home_monthly": after / 12 - costs.rent_monthly - costs.non_rent_monthly,
    }
