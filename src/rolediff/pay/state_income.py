"""State personal income tax on wages, for all 50 states and DC, vectorised.

One TOML file per state under ``data/tax_state/`` holds every rate, bracket, deduction, exemption,
credit and phase-out, dated and referenced; this module holds the arithmetic only. The model is a
resident renter with wage income only and no dependants. Local income taxes (cities, counties,
school districts) are modelled elsewhere. One-off rebates (Colorado's TABOR refund, New York's
2023 inflation refund) are not tax and are not booked here. Tax is computed from the rate
schedules, not from the states' printed tax tables (which round to bands).
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import Annotated, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from rolediff.data import read_toml
from rolediff.errors import RolediffError
from rolediff.pay.common import (
    FILING_STATUSES,
    Amount,
    BracketsByStatus,
    ByStatus,
    Dated,
    Dollars,
    EarnedIncomeCredit,
    FilingStatus,
    Model,
    Rate,
    Reference,
    amounts,
    bracket_tax,
    check_status,
    check_year,
)
from rolediff.pay.federal import eitc_of_agi as _federal_eitc
from rolediff.pay.federal import itemized_taxable_of_agi as _federal_itemized_taxable
from rolediff.pay.federal import tax_of_taxable as _federal_tax
from rolediff.pay.federal import taxable_of_agi as _federal_taxable
from rolediff.pay.payroll import (
    deductible_of_covered,
    deductible_state_payroll_tax,
    medicare_of_covered,
    social_security_of_covered,
)
from rolediff.pay.state_rules import (
    CtTaxCalculation,
    NySupplementalTax,
    ct_tax_calculation,
    ny_supplemental_tax,
)

STATE_IDS = (
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il", "in",
    "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh",
    "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut",
    "vt", "va", "wa", "wv", "wi", "wy",
)  # fmt: skip
"""Postal codes of the 50 states and DC, lower case: the ids of the data files."""

Basis = Literal["federal_agi", "state_agi", "taxable_income"]
"""The income a phase-out or band is measured against: ``taxable_income`` is the state's taxable
income (only for credits, which are reckoned after it; Ohio's R.C. 5747.022 measures its
exemption credit on Ohio AGI less exemptions)."""

ItemizedPart = Literal["employee_fica", "federal_itemized"]
"""What a state lets a wage-earning renter itemise: ``employee_fica`` is the employee's Social
Security and Medicare tax (Alabama's Schedule A line 6); ``federal_itemized`` the itemised
deductions of the federal return, for a renter the state and local taxes under the SALT cap,
the state's own income tax among them (Georgia, O.C.G.A. §48-7-27(a)(1))."""

ALLOWANCES = ("standard_deduction", "personal_exemption", "exemption_credit", "federal_tax")
"""What a phase-out may apply to, besides a named credit."""

MAX_ITERATIONS = 50
"""The most rounds of the federal and state income tax fixed point."""

Fraction = Annotated[float, Field(ge=0, le=1)]
Array = npt.NDArray[np.float64]


class Phaseout(Model):
    """An amount that shrinks as income rises above ``start``.

    With ``rate`` the amount falls by ``rate`` per dollar of excess but not below ``floor``. With
    a ``step`` the excess counts in whole steps, rounded up (a fraction of a step is a step), or,
    with ``first_step_at_start``, the first step is taken at ``start`` itself (tables that change
    at round incomes). Without a rate the amount drops to ``floor`` (default 0) on the first dollar
    above ``start`` (at ``start`` itself with ``first_step_at_start``): a cliff. With ``share``
    (and a ``step``) the amount falls by that share of its full value per step of excess,
    counted as above (Rhode Island's 20% per $7,050). With ``over`` it falls in proportion to
    the excess, reaching ``floor`` ``over`` dollars above ``start`` (Maine's phase-outs over
    $75,000 / $125,000 of AGI).
    """

    applies_to: str
    basis: Basis = "federal_agi"
    start: ByStatus
    rate: ByStatus | None = None
    share: ByStatus | None = None
    over: ByStatus | None = None
    step: ByStatus | None = None
    first_step_at_start: bool = False
    floor: ByStatus | None = None


class IncomeBands(Model):
    """An amount by income band, per status: ``[[income_from, amount], ...]`` ascending from 0.

    Each amount applies from its start (Hawaii's "$15,000 and under $20,000"), or, with
    ``above``, to incomes above its start (New York's "over $25,000 but not over $28,000")."""

    single: list[tuple[Dollars, Dollars]] = Field(min_length=1)
    married_joint: list[tuple[Dollars, Dollars]] = Field(min_length=1)
    head_of_household: list[tuple[Dollars, Dollars]] = Field(min_length=1)
    above: bool = False

    @model_validator(mode="after")
    def _ascending(self) -> IncomeBands:
        for status in FILING_STATUSES:
            starts = [a for a, _ in getattr(self, status)]
            if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
                raise ValueError("income bands must start at 0 and ascend")
        return self

    def value(self, status: FilingStatus, income: Array) -> Array:
        table: list[tuple[float, float]] = getattr(self, status)
        starts = np.asarray([a for a, _ in table])
        values = np.asarray([x for _, x in table], dtype=np.float64)
        side: Literal["left", "right"] = "left" if self.above else "right"
        out: Array = values[np.maximum(np.searchsorted(starts, income, side=side) - 1, 0)]
        return out


class Credit(Model):
    """A credit named so that a phase-out can refer to it: a fixed ``amount`` per status, an
    amount by ``bands`` of ``basis`` income, an ``earned_income`` credit shaped like the federal
    EITC (California's CalEITC, Minnesota's working family credit, DC's EITC for workers without
    children), or a ``federal_eitc_share`` of the federal earned income credit (New Mexico's
    working families tax credit). Non-refundable among ``credits`` (used up to the tax); among
    ``refundable_credits`` paid out where it exceeds the tax."""

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    amount: ByStatus | None = None
    bands: IncomeBands | None = None
    earned_income: EarnedIncomeCredit | None = None
    federal_eitc_share: Annotated[float, Field(gt=0, le=2)] | None = None
    basis: Basis = "federal_agi"
    itemizers_only: bool = False
    """Only for a filer who itemises on the state return (Georgia's eligible itemizer credit)."""

    @model_validator(mode="after")
    def _one_form(self) -> Credit:
        forms = (self.amount, self.bands, self.earned_income, self.federal_eitc_share)
        if sum(form is not None for form in forms) != 1:
            raise ValueError(
                f"credit {self.name}: give exactly one of amount, bands, earned_income,"
                " federal_eitc_share"
            )
        return self

    def value(self, status: FilingStatus, income: Array, federal_eitc: Array) -> Array:
        """The credit at ``income`` (its ``basis``), given the federal EITC of the filer."""
        if self.bands is not None:
            return self.bands.value(status, income)
        if self.earned_income is not None:
            return self.earned_income.value(status, income)
        if self.federal_eitc_share is not None:
            out: Array = self.federal_eitc_share * federal_eitc
            return out
        assert self.amount is not None
        return np.full_like(income, self.amount.of(status))


class FederalTaxDeduction(Model):
    """A deduction of federal income tax: a fraction of it by income band, up to ``cap``.

    ``fractions`` is ``[[income_from, fraction], ...]``, ascending from 0.
    """

    basis: Basis = "federal_agi"
    fractions: list[tuple[Dollars, Fraction]] = Field(min_length=1)
    cap: ByStatus | None = None

    @model_validator(mode="after")
    def _ascending(self) -> FederalTaxDeduction:
        starts = [s for s, _ in self.fractions]
        if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
            raise ValueError("fractions must start at 0 and ascend")
        return self


class DeductionShare(Model):
    """A standard deduction set as a share of income, between a floor and a cap."""

    basis: Basis = "state_agi"
    rate: Fraction
    min: ByStatus
    max: ByStatus


class BracketBase(Model):
    """The tax a statute states at each bracket's lower bound, per status: ``[[threshold, tax]]``.

    Where it differs from the tax the lower brackets add up to, the schedule jumps there (Ohio's
    R.C. 5747.02(A)(3) charges a fixed amount on the first dollar above its zero bracket).
    """

    single: list[tuple[Dollars, Dollars]]
    married_joint: list[tuple[Dollars, Dollars]]
    head_of_household: list[tuple[Dollars, Dollars]]

    def of(self, status: FilingStatus) -> list[tuple[float, float]]:
        table: list[tuple[float, float]] = getattr(self, status)
        return table


class RateLessReduction(Model):
    """A tax table stated as "rate times net income, less a reduction" per income row (Arkansas'
    Indexed Tax Brackets): ``[[income_from, rate, reduction], ...]``, ascending from 0, the same
    for every filing status. It replaces the bracket schedule's tax where the rows are not a
    marginal schedule (a high-income row whose reduction shrinks in steps)."""

    rows: list[tuple[Dollars, Rate, Dollars]] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> RateLessReduction:
        starts = [s for s, _, _ in self.rows]
        if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
            raise ValueError("rows must start at 0 and ascend")
        return self

    def tax(self, taxable: Array) -> Array:
        starts = np.asarray([s for s, _, _ in self.rows])
        rate = np.asarray([r for _, r, _ in self.rows])
        reduction = np.asarray([x for _, _, x in self.rows])
        row = np.searchsorted(starts, taxable, side="right") - 1
        out: Array = np.maximum(rate[row] * taxable - reduction[row], 0.0)
        return out


class StateYear(Dated):
    """One tax year of one state. Absent parts are zero: no deduction, no credit."""

    brackets: BracketsByStatus | None = None
    bracket_base: BracketBase | None = None
    rate_less_reduction: RateLessReduction | None = None
    limited_to_federal_tax: bool = False
    """The tax after non-refundable credits may not exceed the federal income tax (Nebraska's
    Federal Tax Liability Worksheet, Form 1040N)."""
    fixed_tax: ByStatus | None = None
    """A flat tax on every return with taxable income, added before credits (Idaho's $10
    permanent building fund tax)."""
    standard_deduction: ByStatus | None = None
    standard_deduction_share: DeductionShare | None = None
    itemized: tuple[ItemizedPart, ...] = ()
    """Itemised deductions a wage-earning renter has under the state's law; the filer takes the
    larger of these and the standard deduction (state income tax is never among them)."""
    itemized_state_income_tax_below: ByStatus | None = None
    """The state's own income tax paid is an itemised deduction for a filer whose federal AGI
    is below this amount (Hawaii, HRS §235-2.4(k)); the filer takes the larger of the itemised
    deductions and the standard deduction."""
    itemized_only_if_federal: bool = False
    """The state's itemised deductions are open only to a filer who itemises on the federal
    return (Missouri, RSMo §143.141)."""
    personal_exemption: ByStatus | None = None
    exemption_credit: ByStatus | None = None
    exemption_at_first_rate: ByStatus | None = None
    """An exemption taken off the first bracket rather than off the top of taxable income, so
    worth its amount times the first bracket's rate, as a credit (Louisiana's combined personal
    exemption-standard deduction to 2024, La. R.S. 47:294; IT-540 tax computation)."""
    credits: tuple[Credit, ...] = ()
    refundable_credits: tuple[Credit, ...] = ()
    federal_tax_deduction: FederalTaxDeduction | None = None
    phaseouts: tuple[Phaseout, ...] = ()
    ny_supplemental_tax: NySupplementalTax | None = None
    ct_tax_calculation: CtTaxCalculation | None = None

    @model_validator(mode="after")
    def _phaseouts_name_a_part(self) -> StateYear:
        names = {c.name for c in self.credits} | {c.name for c in self.refundable_credits}
        present = {a for a in ALLOWANCES if getattr(self, _field(a)) is not None} | names
        if self.standard_deduction_share is not None:
            present.add("standard_deduction")
        for p in self.phaseouts:
            if p.applies_to not in present:
                raise ValueError(f"phase-out of {p.applies_to!r}, which this year does not have")
            if p.basis == "taxable_income" and p.applies_to in (*ALLOWANCES[:2], "federal_tax"):
                raise ValueError("a deduction cannot phase out with the taxable income it sets")
        if self.bracket_base is not None:
            for status in FILING_STATUSES:
                given = [t for t, _ in self.bracket_base.of(status)]
                if self.brackets is None or given != self.brackets.of(status)[0]:
                    raise ValueError("bracket_base must list the thresholds of the brackets")
        return self


class Coverage(Model):
    """What a state's file models, for which years, what it leaves out, and where pay can fall."""

    years: list[int] = Field(min_length=1)
    modelled: list[str] = Field(min_length=1)
    not_modelled: tuple[str, ...] = ()
    cliffs: tuple[str, ...] = ()


class StateTax(Model):
    """A state's income tax on wages, as one data file describes it."""

    id: str = Field(pattern=r"^[a-z]{2}$")
    name: str = Field(min_length=1)
    wage_tax: bool
    itemizing_follows_federal: bool = False
    """A filer who itemises on the federal return must itemise on the state's (Va. Code
    §58.1-322.03, D.C. Code §47-1801.04(44), 68 O.S. §2358): the state standard deduction is lost
    and, the state income tax being disallowed, only the year's ``itemized`` parts remain."""
    conforms_401k_exclusion: bool = True
    conforms_hsa_exclusion: bool = True
    references: list[Reference] = Field(min_length=1)
    coverage: Coverage
    years: dict[int, StateYear] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> StateTax:
        if sorted(self.coverage.years) != sorted(self.years):
            raise ValueError("coverage.years must list exactly the years in the file")
        for year, table in self.years.items():
            if self.wage_tax != (table.brackets is not None):
                raise ValueError(f"{year}: brackets are required exactly when wage_tax is true")
            if table.standard_deduction and table.standard_deduction_share:
                raise ValueError(f"{year}: a standard deduction is an amount or a share, not both")
        return self


class StateTaxBreakdown(NamedTuple):
    """The components of a state's tax, each an array of dollars per year."""

    state_agi: Array
    deductions: Array
    """Standard deduction and personal exemptions, after phase-outs."""
    federal_tax_deduction: Array
    taxable_income: Array
    tax_before_credits: Array
    credits: Array
    """Non-refundable credits used, including exemption credits."""
    refundable: Array
    """Refundable credits (paid out where they exceed the tax)."""
    tax: Array
    """Tax after all credits: negative where refundable credits exceed the tax (a refund)."""

    @property
    def liability(self) -> Array:
        """Tax after non-refundable credits: what a wage earner's withholding pays in the year
        (the federal SALT deduction's state income tax, and the base of a surcharge on it)."""
        out: Array = self.tax_before_credits - self.credits
        return out


def _field(part: str) -> str:
    return "federal_tax_deduction" if part == "federal_tax" else part


@cache
def state_tax_data(state: str) -> StateTax:
    """The validated data file of one state (postal code, any case)."""
    code = state.lower()
    if code not in STATE_IDS:
        raise RolediffError(
            f"unknown state {state!r}; choose a postal code of the 50 states or DC: "
            f"{', '.join(s.upper() for s in STATE_IDS)}."
        )
    return StateTax.model_validate(read_toml(f"tax_state/{code}.toml"))


def state_income_tax(
    state: str,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    federal_income_tax: Amount | None = None,
    itemizes_federally: npt.ArrayLike = False,
    federal_itemized: Amount = 0,
) -> Array:
    """State income tax on wages, dollars per year; inputs broadcast.

    ``deferrals`` are 401(k)-type elective deferrals and ``section125`` HSA/cafeteria-plan
    contributions, excluded from state income only where the state conforms to the federal code.
    ``federal_income_tax`` (the federal liability before the refundable earned income credit)
    matters only in states that allow it as a deduction (None counts as 0 there) or limit their
    tax to it (Nebraska; no limit when None), and
    ``itemizes_federally`` (whether the filer itemises on the federal return) and
    ``federal_itemized`` (the federal itemised deductions) only in states whose itemised
    deductions follow the federal return. Negative where refundable credits exceed the tax.
    """
    return state_income_tax_breakdown(
        state,
        year,
        status,
        wages,
        deferrals,
        section125,
        federal_income_tax,
        itemizes_federally,
        federal_itemized,
    ).tax


def state_income_tax_breakdown(
    state: str,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    federal_income_tax: Amount | None = None,
    itemizes_federally: npt.ArrayLike = False,
    federal_itemized: Amount = 0,
) -> StateTaxBreakdown:
    """Like :func:`state_income_tax`, with the components of the tax."""
    data = state_tax_data(state)
    status = check_status(status)
    table = data.years[check_year(year, data.years, f"{data.name} income tax")]
    w, d, s, f, itemizer = np.broadcast_arrays(
        amounts("wages", wages),
        amounts("deferrals", deferrals),
        amounts("section125", section125),
        amounts("federal_income_tax", 0 if federal_income_tax is None else federal_income_tax),
        np.asarray(itemizes_federally, dtype=bool),
    )
    itemized = (
        amounts("federal_itemized", federal_itemized)
        if "federal_itemized" in table.itemized
        else None
    )
    return breakdown_of_checked(
        state, year, status, w, d, s, None if federal_income_tax is None else f, itemizer, itemized
    )


def breakdown_of_checked(
    state: str,
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    federal_income_tax: Array | None,
    itemizer: npt.NDArray[np.bool_],
    federal_itemized: Array | None,
) -> StateTaxBreakdown:
    """:func:`state_income_tax_breakdown` of checked inputs of one shape; None for
    ``federal_income_tax`` is as there, for ``federal_itemized`` no federal itemised
    deductions."""
    data = state_tax_data(state)
    table = data.years[check_year(year, data.years, f"{data.name} income tax")]
    f = np.zeros_like(w) if federal_income_tax is None else federal_income_tax
    income = {
        "federal_agi": np.maximum(w - d - s, 0.0),
        "state_agi": np.maximum(
            w - d * data.conforms_401k_exclusion - s * data.conforms_hsa_exclusion, 0.0
        ),
    }
    agi = income["state_agi"]
    if table.brackets is None:
        zero = np.zeros_like(agi)
        return StateTaxBreakdown(agi, zero, zero, zero, zero, zero, zero, zero)
    federal_eitc = (
        _federal_eitc(year, status, income["federal_agi"])
        if any(c.federal_eitc_share is not None for c in table.credits + table.refundable_credits)
        else agi
    )

    def credit_value(credit: Credit, itemizes: npt.NDArray[np.bool_] | bool = False) -> Array:
        value = allowance(credit.name, credit.value(status, income[credit.basis], federal_eitc))
        if not credit.itemizers_only:
            return value
        out: Array = np.where(itemizes, value, 0.0)
        return out

    def allowance(part: str, full: Array | float) -> Array:
        amount = np.broadcast_to(np.asarray(full, dtype=np.float64), agi.shape)
        for p in table.phaseouts:
            if p.applies_to == part:
                amount = _phase_out(p, status, amount, income[p.basis])
        return amount

    def of(part: ByStatus | None) -> float:
        return 0.0 if part is None else part.of(status)

    standard: Array | float = of(table.standard_deduction)
    if (share := table.standard_deduction_share) is not None:
        standard = np.clip(
            share.rate * income[share.basis], share.min.of(status), share.max.of(status)
        )
    standard = allowance("standard_deduction", standard)
    itemized = np.zeros_like(agi)
    if "employee_fica" in table.itemized:
        covered = np.maximum(w - s, 0.0)
        itemized = social_security_of_covered(year, covered) + medicare_of_covered(
            year, status, covered
        )
    if "federal_itemized" in table.itemized and federal_itemized is not None:
        itemized = itemized + federal_itemized
    if table.itemized_only_if_federal:
        itemized = np.where(itemizer, itemized, 0.0)
    if data.itemizing_follows_federal:
        standard = np.where(itemizer, 0.0, standard)
    exemption = allowance("personal_exemption", of(table.personal_exemption))
    brackets = table.brackets

    def liability(itemized: Array) -> tuple[Array, Array, Array, Array, Array]:
        """Deductions, federal tax deducted, taxable income, tax, and credits used."""
        deductions = np.maximum(standard, itemized) + exemption
        fed = np.zeros_like(agi)
        if (rule := table.federal_tax_deduction) is not None:
            starts = [a for a, _ in rule.fractions]
            fractions = np.asarray([x for _, x in rule.fractions])
            band = np.searchsorted(starts, income[rule.basis], side="right") - 1
            fed = fractions[band] * np.maximum(f, 0.0)
            if rule.cap is not None:
                fed = np.minimum(fed, allowance("federal_tax", rule.cap.of(status)))
        taxable = np.maximum(agi - deductions - fed, 0.0)
        income["taxable_income"] = taxable
        thresholds, rates = brackets.of(status)
        tax = bracket_tax(taxable, thresholds, rates)
        if table.rate_less_reduction is not None:
            tax = table.rate_less_reduction.tax(taxable)
        if table.bracket_base is not None:
            tax = tax + _base_jump(table.bracket_base.of(status), thresholds, rates, taxable)
        if table.fixed_tax is not None:
            tax = tax + np.where(taxable > 0, table.fixed_tax.of(status), 0.0)
        if table.ny_supplemental_tax is not None:
            tax = ny_supplemental_tax(
                table.ny_supplemental_tax, status, tax, taxable, agi, thresholds, rates
            )
        credits = allowance("exemption_credit", of(table.exemption_credit))
        if table.exemption_at_first_rate is not None:
            credits = credits + table.exemption_at_first_rate.of(status) * rates[0]
        if table.ct_tax_calculation is not None:
            tax, personal = ct_tax_calculation(table.ct_tax_calculation, status, tax, agi)
            credits = credits + personal
        for credit in table.credits:
            credits = credits + credit_value(credit, itemized > standard)
        used = np.minimum(credits, tax)
        if table.limited_to_federal_tax and federal_income_tax is not None:
            used = tax - np.minimum(tax - used, np.maximum(f, 0.0))
        return deductions, fed, taxable, tax, used

    deductions, fed, taxable, tax, used = liability(itemized)
    if (limit := table.itemized_state_income_tax_below) is not None:
        # The state's own income tax paid in the year (withholding, taken to equal the year's
        # liability) is itself an itemised deduction: solved to its fixed point, which the
        # rates (all far below 100%) make a contraction.
        eligible = income["federal_agi"] < limit.of(status)
        for _ in range(60):
            paid = tax - used
            deductions, fed, taxable, tax, used = liability(
                np.where(eligible, itemized + paid, itemized)
            )
            if bool(np.all(np.abs(tax - used - paid) < 1e-7)):
                break
    refundable = np.zeros_like(agi)
    for credit in table.refundable_credits:
        refundable = refundable + credit_value(credit)
    return StateTaxBreakdown(
        agi, deductions, fed, taxable, tax, used, refundable, tax - used - refundable
    )


def _base_jump(
    base: list[tuple[float, float]],
    thresholds: list[float],
    rates: list[float],
    taxable: Array,
) -> Array:
    """What a stated base adds to the summed schedule in the bracket holding ``taxable``."""
    lower = np.asarray(thresholds, dtype=np.float64)
    summed = bracket_tax(lower, thresholds, rates)
    jump = np.asarray([tax for _, tax in base]) - summed
    bracket = np.maximum(np.searchsorted(lower, taxable, side="left") - 1, 0)
    added: Array = jump[bracket]
    return added


def _phase_out(p: Phaseout, status: FilingStatus, amount: Array, income: Array) -> Array:
    start = p.start.of(status)
    excess = np.maximum(income - start, 0.0)
    floor = np.minimum(amount, 0.0 if p.floor is None else p.floor.of(status))
    if p.over is not None:
        left = np.clip(1.0 - excess / p.over.of(status), 0.0, 1.0)
        return np.maximum(amount * left, floor)
    if p.rate is None and p.share is None:
        hit = income >= start if p.first_step_at_start else excess > 0
        return np.where(hit, floor, amount)
    if p.step is not None:
        step = p.step.of(status)
        if p.first_step_at_start:
            excess = np.where(income >= start, np.floor(excess / step) + 1, 0.0) * step
        else:
            excess = np.ceil(excess / step) * step
        if p.share is not None:
            left = np.maximum(1.0 - p.share.of(status) * excess / step, 0.0)
            return np.maximum(amount * left, floor)
    if p.rate is None:
        raise RolediffError(f"phase-out of {p.applies_to!r}: a share needs a step")
    return np.maximum(amount - p.rate.of(status) * excess, floor)


class IncomeTaxes(NamedTuple):
    """Federal and state income tax of the same households, solved together."""

    federal: Array
    """Federal income tax after the refundable earned income credit: negative where the credit
    exceeds the tax."""
    state: Array
    """State income tax after every credit: negative where refundable credits exceed it."""
    salt: Array
    """State and local taxes offered to the federal SALT deduction (before its cap): the state
    tax before refundable credits, which withholding pays during the year."""


def federal_and_state_income_tax(
    state: str,
    year: int,
    status: FilingStatus,
    wages: Amount,
    deferrals: Amount = 0,
    section125: Amount = 0,
    other_state_local_tax: Amount = 0,
    max_iterations: int = MAX_ITERATIONS,
) -> IncomeTaxes:
    """Federal and state income tax where each depends on the other, at their fixed point.

    The federal deduction is the larger of the standard deduction and the state and local taxes
    under the SALT cap: state income tax, the deductible state payroll contributions and
    ``other_state_local_tax`` (local income tax). Where the state lets federal tax be deducted
    (Alabama, Missouri, Oregon) the state tax depends on the federal tax in turn; a wage earner's
    taxes paid in the year are taken to equal the year's liabilities, and the two are iterated
    until neither moves by a thousandth of a cent.

    Where the state's tax turns on the federal choice (a federal itemiser must itemise for the
    state too, only federal itemisers have the state's itemised deductions, or those are the
    federal ones), the filer may elect either federal deduction (26 U.S.C. 63(e)): both are
    solved and the one with the lower federal plus state tax is taken.
    """
    w, d, s, other = np.broadcast_arrays(
        amounts("wages", wages),
        amounts("deferrals", deferrals),
        amounts("section125", section125),
        amounts("other state and local tax", other_state_local_tax),
    )
    fixed = deductible_state_payroll_tax(state, year, w, s) + other
    return _income_taxes(state, year, check_status(status), w, d, s, fixed, max_iterations)


def income_taxes_of_checked(
    state: str,
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    other_state_local_tax: Array,
) -> IncomeTaxes:
    """:func:`federal_and_state_income_tax` of an upper-case postal code, a year every part
    covers, and checked inputs of one shape."""
    covered = np.maximum(w - s, 0.0)
    fixed = deductible_of_covered(state, year, covered) + other_state_local_tax
    return _income_taxes(state, year, status, w, d, s, fixed, MAX_ITERATIONS)


Election = Literal["larger", "standard", "itemized"]
"""The federal deduction: the larger of standard and itemised, or either one elected."""


def _elections(state: str, year: int) -> tuple[Election, ...]:
    """The federal deduction choices to solve.

    Where the state's tax turns on whether the filer itemises federally, the larger deduction
    is no fixed point to iterate to: itemising can lower the state tax below the standard
    deduction and so undo itself, and the rounds swing between the two. The filer elects
    either (26 U.S.C. 63(e)), so each election is solved on its own (each a contraction) and
    the cheaper taken."""
    data = state_tax_data(state)
    table = data.years.get(year)
    turns = data.itemizing_follows_federal or (
        table is not None
        and (table.itemized_only_if_federal or "federal_itemized" in table.itemized)
    )
    return ("standard", "itemized") if turns else ("larger",)


def _income_taxes(
    state: str,
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    fixed: Array,
    max_iterations: int,
) -> IncomeTaxes:
    first, *others = _elections(state, year)
    best = _solve(state, year, status, w, d, s, fixed, first, max_iterations)
    for election in others:
        solved = _solve(state, year, status, w, d, s, fixed, election, max_iterations)
        take = solved.federal + solved.state < best.federal + best.state
        best = IncomeTaxes(*(np.where(take, a, b) for a, b in zip(solved, best, strict=True)))
    return best


def _solve(
    state: str,
    year: int,
    status: FilingStatus,
    w: Array,
    d: Array,
    s: Array,
    fixed: Array,
    election: Election,
    max_iterations: int,
) -> IncomeTaxes:
    """The fixed point with the federal deduction as ``election`` says."""
    agi = np.maximum(w - d - s, 0.0)
    no_salt = np.zeros_like(w)
    standard = _federal_taxable(year, status, agi, no_salt)

    table = state_tax_data(state).years.get(year)
    follows = table is not None and "federal_itemized" in table.itemized

    def federal_tax(salt: Array) -> tuple[Array, npt.NDArray[np.bool_], Array | None]:
        if election == "itemized":
            taxable = _federal_itemized_taxable(year, agi, salt)
            itemizes = np.ones(agi.shape, dtype=bool)
        else:
            taxable = _federal_taxable(year, status, agi, salt if election == "larger" else no_salt)
            itemizes = taxable < standard
        # a renter's federal itemised deductions: the SALT deduction under its cap
        itemized = np.where(itemizes, agi - taxable, 0.0) if follows else None
        return _federal_tax(year, status, taxable), itemizes, itemized

    eitc = _federal_eitc(year, status, agi)
    federal, itemizes, itemized = federal_tax(fixed)
    tax = paid = np.zeros_like(federal)
    for _ in range(max_iterations):
        b = breakdown_of_checked(state, year, status, w, d, s, federal, itemizes, itemized)
        tax, paid = b.tax, b.liability
        new, itemizes, itemized = federal_tax(paid + fixed)
        done = bool(np.all(np.abs(new - federal) < 1e-5))
        federal = new
        if done:
            break
    return IncomeTaxes(federal - eitc, tax, paid + fixed)
