"""Employee payroll taxes, vectorised over households: FICA and state payroll programs.

FICA comes from ``data/tax_federal/fica.toml``; each state's employee programs (disability, paid
leave, long-term care, transit, unemployment) from ``data/tax_payroll/<state>.toml``. Amounts are
yearly liabilities; wages are assumed paid evenly over the year (a weekly cap over the weekly
pay periods of ``data/tax_payroll/pay_periods.csv``). Cafeteria-plan (section 125) contributions
lower every payroll-tax base; 401(k)-type deferrals lower none.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import Field

from rolediff import data
from rolediff.errors import RolediffError
from rolediff.pay.common import (
    Amount,
    ByStatus,
    Dated,
    Dollars,
    FilingStatus,
    Model,
    Rate,
    Reference,
    amounts,
    check_status,
    check_year,
)

Share = Annotated[float, Field(gt=0, le=1)]


class FicaYear(Dated):
    social_security_rate: Rate
    social_security_wage_base: Dollars
    medicare_rate: Rate
    additional_medicare_rate: Rate
    additional_medicare_threshold: ByStatus


class FicaSchedule(Model):
    id: str
    unit: str
    references: list[Reference]
    years: dict[int, FicaYear]


class ProgramYear(Dated):
    """One year of a state program: the employee pays ``rate * employee_share`` of covered wages.

    ``share_of_year`` is the part of the year the program collected (a mid-year start).
    """

    rate: Rate
    employee_share: Share = 1.0
    wage_base: Dollars | None = None
    max_weekly_contribution: Dollars | None = None
    max_contribution: Dollars | None = None
    share_of_year: Share = 1.0


class PayPeriods(Dated):
    """Pay periods in a year of one payroll frequency (a row of ``pay_periods.csv``)."""

    frequency: str = Field(pattern=r"^[a-z]+$")
    periods_per_year: int = Field(gt=0)


class PayrollProgram(Model):
    id: str = Field(pattern=r"^[a-z]{2}(-[a-z0-9]+)+$")
    name: str
    agency: str
    start_year: int
    references: list[Reference] = Field(min_length=1)
    note: str | None = None
    salt_deductible: bool = False
    """Whether the employee's contribution counts as a state income tax on Schedule A (line 5a)."""
    years: dict[int, ProgramYear] = Field(default_factory=dict)


class StatePayroll(Model):
    state: str = Field(pattern=r"^[A-Z]{2}$")
    unit: str
    programs: list[PayrollProgram] = Field(min_length=1)


@cache
def fica_schedule() -> FicaSchedule:
    """The employee FICA parameters, validated, by tax year."""
    return FicaSchedule.model_validate(data.read_toml("tax_federal/fica.toml"))


def years() -> tuple[int, ...]:
    """The tax years the payroll data covers: those of the FICA data."""
    return tuple(sorted(fica_schedule().years))


def _fica(year: int) -> FicaYear:
    return fica_schedule().years[check_year(year, fica_schedule().years, "the payroll tax data")]


def _covered_wages(wages: Amount, section125: Amount) -> npt.NDArray[np.float64]:
    return np.maximum(amounts("wages", wages) - amounts("section125", section125), 0.0)


def social_security_tax(
    year: int, wages: Amount, section125: Amount = 0
) -> npt.NDArray[np.float64]:
    """Employee Social Security (OASDI) tax on wages up to the year's wage base."""
    _fica(year)
    return social_security_of_covered(year, _covered_wages(wages, section125))


def social_security_of_covered(
    year: int, covered: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """:func:`social_security_tax` of checked covered wages (wages less section 125
    contributions, not negative)."""
    params = _fica(year)
    return params.social_security_rate * np.minimum(covered, params.social_security_wage_base)


def medicare_tax(
    year: int, status: str, wages: Amount, section125: Amount = 0
) -> npt.NDArray[np.float64]:
    """Employee Medicare tax including the Additional Medicare Tax, as a liability.

    Employers withhold the additional 0.9% above $200,000 whatever the filing status; the return
    settles it against the status threshold, which is what this computes.
    """
    _fica(year)
    filing = check_status(status)
    return medicare_of_covered(year, filing, _covered_wages(wages, section125))


def medicare_of_covered(
    year: int, status: FilingStatus, covered: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """:func:`medicare_tax` of checked covered wages."""
    params = _fica(year)
    extra = np.maximum(covered - params.additional_medicare_threshold.of(status), 0.0)
    return params.medicare_rate * covered + params.additional_medicare_rate * extra


@cache
def pay_periods() -> dict[str, PayPeriods]:
    """Pay periods per year by payroll frequency (``data/tax_payroll/pay_periods.csv``)."""
    rows = (PayPeriods.model_validate(row) for row in data.read_csv("tax_payroll/pay_periods.csv"))
    return {row.frequency: row for row in rows}


def weeks_per_year() -> int:
    """The weekly pay periods of a year: a weekly cap becomes a yearly one on the assumption that
    wages are paid evenly over them."""
    try:
        return pay_periods()["weekly"].periods_per_year
    except KeyError as exc:
        raise data.DataError("tax_payroll/pay_periods.csv has no weekly row") from exc


@cache
def payroll_states() -> dict[str, StatePayroll]:
    """Every state with an employee payroll program, by postal code."""
    folder = data.ROOT / "tax_payroll"
    records = (
        StatePayroll.model_validate(data.read_toml(f"tax_payroll/{path.name}"))
        for path in sorted(folder.glob("*.toml"))
    )
    return {record.state: record for record in records}


@cache
def _state_codes() -> frozenset[str]:
    return frozenset(s.state_abbr for s in data.states())


def state_payroll_taxes(
    state: str, year: int, wages: Amount, section125: Amount = 0
) -> dict[str, npt.NDArray[np.float64]]:
    """Each employee payroll program of ``state``, by program id; empty where the state has none.

    A program not yet collecting in ``year`` is present and zero.
    """
    code = _check_state(state, year)
    return state_payroll_of_covered(code, year, _covered_wages(wages, section125))


def _check_state(state: str, year: int) -> str:
    code = state.upper()
    if code not in _state_codes():
        raise RolediffError(f"unknown state {state!r}; use a two-letter postal code such as 'CA'.")
    check_year(year, fica_schedule().years, "the payroll tax data")
    return code


def state_payroll_of_covered(
    state: str, year: int, covered: npt.NDArray[np.float64]
) -> dict[str, npt.NDArray[np.float64]]:
    """:func:`state_payroll_taxes` of a checked upper-case postal code, year and covered wages."""
    record = payroll_states().get(state)
    if record is None:
        return {}
    return {p.id: _program_tax(p, year, covered) for p in record.programs}


def deductible_state_payroll_tax(
    state: str, year: int, wages: Amount, section125: Amount = 0
) -> npt.NDArray[np.float64]:
    """The part of the state payroll taxes a filer who itemises deducts as state income tax.

    The IRS Instructions for Schedule A (line 5a) treat mandatory employee contributions to state
    disability, family leave and unemployment funds as state income taxes; each program's file
    says whether it is one (``salt_deductible``).
    """
    code = _check_state(state, year)
    return deductible_of_covered(code, year, _covered_wages(wages, section125))


def deductible_of_covered(
    state: str, year: int, covered: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """:func:`deductible_state_payroll_tax` of a checked upper-case postal code, year and
    covered wages."""
    programs = state_payroll_of_covered(state, year, covered)
    total = np.zeros(covered.shape)
    record = payroll_states().get(state)
    if record is not None:
        for program in record.programs:
            if program.salt_deductible:
                total = total + programs[program.id]
    return total


def _program_tax(
    program: PayrollProgram, year: int, covered: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    if year < program.start_year:
        return np.zeros(covered.shape)
    params = program.years[check_year(year, program.years, program.id)]
    base = covered * params.share_of_year
    if params.wage_base is not None:
        base = np.minimum(base, params.wage_base)
    tax = params.rate * params.employee_share * base
    if params.max_weekly_contribution is not None:
        weeks = weeks_per_year() * params.share_of_year
        tax = np.minimum(tax, params.max_weekly_contribution * weeks)
    if params.max_contribution is not None:
        tax = np.minimum(tax, params.max_contribution)
    return tax
