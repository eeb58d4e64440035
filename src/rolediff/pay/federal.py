"""US federal income tax for W-2 wage earners, vectorised over households.

Taxable income is wages less pre-tax contributions less the larger of the standard deduction and
the itemised deduction for state and local taxes under the SALT cap: a renter whose only income is
wages has no other itemised deduction worth modelling. Credits that need dependants, the extra
deductions for age or blindness, and the P.L. 119-21 deductions for tips, overtime, seniors and
car-loan interest are not modelled. Every figure comes from ``data/tax_federal/income_tax.toml``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from rolediff import data
from rolediff.pay.common import (
    Amount,
    BracketsByStatus,
    ByStatus,
    CompiledBrackets,
    Dated,
    Dollars,
    EarnedIncomeCredit,
    FilingStatus,
    Model,
    Rate,
    Reference,
    amounts,
    check_status,
    check_year,
    compile_brackets,
)


class SaltPhaseDown(Model):
    """From 2025 the SALT cap shrinks by ``rate`` of MAGI above a threshold, down to ``floor``."""

    magi_threshold: Dollars
    rate: Rate
    floor: Dollars


class IncomeTaxYear(Dated):
    standard_deduction: ByStatus
    brackets: BracketsByStatus
    salt_cap: Dollars
    salt_phase_down: SaltPhaseDown | None = None
    earned_income_credit: EarnedIncomeCredit
    """The EITC of a filer with no qualifying children (26 U.S.C. 32(b))."""


class IncomeTaxSchedule(Model):
    id: str
    unit: str
    references: list[Reference]
    years: dict[int, IncomeTaxYear]


@cache
def schedule() -> IncomeTaxSchedule:
    """The federal income tax parameters, validated, by tax year."""
    return IncomeTaxSchedule.model_validate(data.read_toml("tax_federal/income_tax.toml"))


def years() -> tuple[int, ...]:
    """The tax years the federal income tax data covers."""
    return tuple(sorted(schedule().years))


def _year(year: int) -> IncomeTaxYear:
    return schedule().years[check_year(year, schedule().years, "the federal income tax data")]


@cache
def _brackets(year: int, status: FilingStatus) -> CompiledBrackets:
    return compile_brackets(*_year(year).brackets.of(status))


def salt_cap(year: int, magi: Amount) -> npt.NDArray[np.float64]:
    """The most state and local tax a filer with this modified AGI may deduct."""
    return _salt_cap(_year(year), amounts("modified adjusted gross income", magi))


def _salt_cap(params: IncomeTaxYear, magi: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    phase = params.salt_phase_down
    if phase is None:
        return np.full(magi.shape, params.salt_cap)
    reduced = params.salt_cap - phase.rate * np.maximum(magi - phase.magi_threshold, 0.0)
    cap: npt.NDArray[np.float64] = np.maximum(reduced, min(phase.floor, params.salt_cap))
    return cap


def taxable_income(
    year: int,
    status: str,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    state_local_tax: Amount = 0,
) -> npt.NDArray[np.float64]:
    """Wages less pre-tax contributions and the larger of the standard and the SALT deduction.

    ``deferrals`` (401(k)-type) and ``section125`` (HSA, cafeteria plan) both lower income-tax
    wages. ``state_local_tax`` is the state and local income tax (and deductible state payroll
    tax) the household pays; for a wage earner AGI is also the MAGI that phases the cap down.
    """
    _year(year)
    filing = check_status(status)
    agi = _agi(wages, deferrals, section125)
    return taxable_of_agi(year, filing, agi, amounts("state and local tax", state_local_tax))


def taxable_of_agi(
    year: int,
    status: FilingStatus,
    agi: npt.NDArray[np.float64],
    state_local_tax: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """:func:`taxable_income` of checked inputs: AGI (wages less pre-tax contributions, not
    negative) and the state and local tax offered to the SALT deduction."""
    # The larger deduction: the lower of the itemiser's and the standard taxable income.
    standard = np.maximum(agi - _year(year).standard_deduction.of(status), 0.0)
    taxable: npt.NDArray[np.float64] = np.minimum(
        itemized_taxable_of_agi(year, agi, state_local_tax), standard
    )
    return taxable


def itemized_taxable_of_agi(
    year: int,
    agi: npt.NDArray[np.float64],
    state_local_tax: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Taxable income of a filer who elects to itemise (26 U.S.C. 63(e)) even where the SALT
    deduction under its cap is below the standard deduction: AGI less the capped SALT."""
    params = _year(year)
    salt = np.minimum(state_local_tax, _salt_cap(params, agi))
    taxable: npt.NDArray[np.float64] = np.maximum(agi - salt, 0.0)
    return taxable


def _agi(wages: Amount, deferrals: Amount, section125: Amount) -> npt.NDArray[np.float64]:
    agi: npt.NDArray[np.float64] = np.maximum(
        amounts("wages", wages)
        - amounts("deferrals", deferrals)
        - amounts("section125", section125),
        0.0,
    )
    return agi


def federal_income_tax_before_credits(
    year: int,
    status: str,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    state_local_tax: Amount = 0,
) -> npt.NDArray[np.float64]:
    """Federal income tax before credits, in dollars per year, exact from the brackets: the
    liability that states deducting or capped at federal tax take."""
    income = taxable_income(year, status, wages, deferrals, section125, state_local_tax)
    return tax_of_taxable(year, check_status(status), income)


def tax_of_taxable(
    year: int, status: FilingStatus, taxable: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Federal income tax before credits on ``taxable`` income, from the year's brackets."""
    return _brackets(year, status).tax(taxable)


def earned_income_credit(
    year: int, status: str, wages: Amount, deferrals: Amount = 0, section125: Amount = 0
) -> npt.NDArray[np.float64]:
    """The refundable earned income credit of a wage earner without qualifying children.

    Earned income is the wages in income (less 401(k)-type deferrals and section 125
    contributions), which for a wage earner is also AGI. The filer is taken to be 25 to 64 years
    old and to have no investment income (26 U.S.C. 32(c)(1)(A)(ii), (i)).
    """
    return eitc_of_agi(year, check_status(status), _agi(wages, deferrals, section125))


def eitc_of_agi(
    year: int, status: FilingStatus, agi: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """:func:`earned_income_credit` of checked inputs: AGI equal to earned income."""
    return _year(year).earned_income_credit.value(status, agi)


def federal_income_tax(
    year: int,
    status: str,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    state_local_tax: Amount = 0,
) -> npt.NDArray[np.float64]:
    """Federal income tax after the earned income credit, dollars per year: negative where the
    (refundable) credit exceeds the tax."""
    before = federal_income_tax_before_credits(
        year, status, wages, deferrals, section125, state_local_tax
    )
    after: npt.NDArray[np.float64] = before - earned_income_credit(
        year, status, wages, deferrals, section125
    )
    return after
