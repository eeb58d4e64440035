"""What every tax module shares: filing statuses, input checks, bracket arithmetic, data models.

Amounts are float64 numpy arrays in dollars per year; scalars broadcast. Tax is computed exactly
from the brackets, not from the IRS Tax Table's $50 bands.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Annotated, TypeAlias

import numpy as np
import numpy.typing as npt
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from rolediff.errors import RolediffError
from rolediff.pay.models import FilingStatus as FilingStatus

FILING_STATUSES: tuple[FilingStatus, ...] = ("single", "married_joint", "head_of_household")
FILING_ALIASES: dict[str, FilingStatus] = {
    "mfj": "married_joint",
    "married": "married_joint",
    "joint": "married_joint",
    "hoh": "head_of_household",
}
"""Everyday names of the filing statuses that every interface accepts."""

Amount: TypeAlias = npt.ArrayLike
"""Dollars per year: a scalar or anything numpy turns into an array."""


def check_status(status: str) -> FilingStatus:
    """The filing status (or its everyday name: "mfj", "hoh"), or an error naming the choices."""
    key = status.strip().lower().replace("-", "_").replace(" ", "_")
    if key in FILING_ALIASES:
        return FILING_ALIASES[key]
    for choice in FILING_STATUSES:
        if key == choice:
            return choice
    raise RolediffError(
        f"unknown filing status {status!r}; choose one of {', '.join(FILING_STATUSES)}."
    )


def check_year(year: int, covered: Collection[int], what: str) -> int:
    """The year itself, or a ValueError naming the years the data covers for ``what``."""
    if year not in covered:
        years = ", ".join(map(str, sorted(covered)))
        raise RolediffError(f"{what} covers tax years {years}; {year} is not one of them.")
    return year


def amounts(name: str, value: Amount) -> npt.NDArray[np.float64]:
    """A dollar input as float64, or a ValueError if any element is negative or not finite."""
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise RolediffError(f"{name} must be a finite number of dollars.")
    if (array < 0).any():
        raise RolediffError(f"{name} must not be negative.")
    return array


@dataclass(frozen=True, eq=False)
class CompiledBrackets:
    """A progressive schedule prepared once: lower bounds from 0, their rates, tax at each bound."""

    lower: npt.NDArray[np.float64]
    rate: npt.NDArray[np.float64]
    base: npt.NDArray[np.float64]

    def _bracket(
        self, income: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
        x = np.maximum(np.asarray(income, dtype=np.float64), 0.0)
        return x, np.searchsorted(self.lower, x, side="right") - 1

    def tax(self, income: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Tax on ``income``; income below the first threshold and negative income are untaxed."""
        x, i = self._bracket(income)
        tax: npt.NDArray[np.float64] = self.base[i] + self.rate[i] * (x - self.lower[i])
        return tax

    def marginal_rate(self, income: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The rate on the next dollar of ``income``."""
        _, i = self._bracket(income)
        return self.rate[i]


def compile_brackets(thresholds: npt.ArrayLike, rates: npt.ArrayLike) -> CompiledBrackets:
    """Prepare a schedule where ``rates[i]`` applies from ``thresholds[i]`` up to the next one."""
    lower = np.asarray(thresholds, dtype=np.float64)
    rate = np.asarray(rates, dtype=np.float64)
    if lower.ndim != 1 or lower.shape != rate.shape or lower.size == 0:
        raise ValueError("a bracket schedule needs as many thresholds as rates, at least one")
    if np.any(np.diff(lower) <= 0):
        raise ValueError("bracket thresholds must be strictly ascending")
    if lower[0] > 0:
        lower = np.concatenate(([0.0], lower))
        rate = np.concatenate(([0.0], rate))
    base = np.concatenate(([0.0], np.cumsum(np.diff(lower) * rate[:-1])))
    return CompiledBrackets(lower, rate, base)


def bracket_tax(
    income: npt.ArrayLike, thresholds: npt.ArrayLike, rates: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Tax on ``income`` under a progressive schedule: ``rates[i]`` applies from ``thresholds[i]``.

    Income below the first threshold and negative income are untaxed. Callers that apply one
    schedule many times can keep the result of :func:`compile_brackets` instead.
    """
    return _compiled(thresholds, rates).tax(income)


def _compiled(thresholds: npt.ArrayLike, rates: npt.ArrayLike) -> CompiledBrackets:
    """compile_brackets, remembered per schedule: the engine applies a few hundred schedules
    millions of times."""
    key = (
        tuple(np.asarray(thresholds, dtype=np.float64).tolist()),
        tuple(np.asarray(rates, dtype=np.float64).tolist()),
    )
    return _compile_cached(*key)


@lru_cache(maxsize=4096)
def _compile_cached(thresholds: tuple[float, ...], rates: tuple[float, ...]) -> CompiledBrackets:
    return compile_brackets(thresholds, rates)


def marginal_rate(
    income: npt.ArrayLike, thresholds: npt.ArrayLike, rates: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """The rate on the next dollar of ``income`` under the same schedule as :func:`bracket_tax`."""
    return _compiled(thresholds, rates).marginal_rate(income)


# --- data models -------------------------------------------------------------------------


class Model(BaseModel):
    """Base for tax data records: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Rate = Annotated[float, Field(ge=0, lt=1)]
Dollars = Annotated[float, Field(ge=0)]


class Reference(Model):
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")


class ByStatus(Model):
    """One dollar figure per filing status."""

    single: Dollars
    married_joint: Dollars
    head_of_household: Dollars

    def of(self, status: FilingStatus) -> float:
        return float(getattr(self, status))


def _ascending_from_zero(schedule: list[tuple[float, float]]) -> list[tuple[float, float]]:
    thresholds = [t for t, _ in schedule]
    if thresholds[0] != 0:
        raise ValueError("a bracket schedule starts at 0")
    if any(b <= a for a, b in pairwise(thresholds)):
        raise ValueError("bracket thresholds must be strictly ascending")
    return schedule


Schedule = Annotated[
    list[tuple[Dollars, Rate]], Field(min_length=1), AfterValidator(_ascending_from_zero)
]
"""``[[threshold, rate], ...]``: each rate applies from its threshold up to the next one."""


class BracketsByStatus(Model):
    """A bracket schedule per filing status."""

    single: Schedule
    married_joint: Schedule
    head_of_household: Schedule

    def of(self, status: FilingStatus) -> tuple[list[float], list[float]]:
        """Thresholds and rates, ready for :func:`bracket_tax`."""
        schedule: list[tuple[float, float]] = getattr(self, status)
        return [t for t, _ in schedule], [r for _, r in schedule]


class Dated(Model):
    """Where a year's figures come from, and whether they were checked against that source."""

    reference: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    verified: bool
    note: str | None = None


class FinalPhaseout(Model):
    """A last phase-out in a straight line: from the income at which the credit has fallen to
    ``from_credit`` down to nothing at income ``end`` (California's CalEITC, R&TC §17052)."""

    from_credit: Dollars
    end: Dollars


class EarnedIncomeCredit(Model):
    """A credit on earned income shaped like the federal EITC (26 U.S.C. 32(a)-(b)).

    ``phase_in_rate`` of earned income up to ``earned_income_amount`` (up to ``max_credit``
    where the law states the maximum, rounded, as the IRS does), less ``phaseout_rate`` of
    income above ``phaseout_start``, never below nothing; the whole scaled by ``scale``
    (California's adjustment factor). With ``final_phaseout`` the credit leaves the first
    phase-out line where it has fallen to that line's ``from_credit`` and falls straight to
    nothing at its ``end``. For a wage earner earned income and AGI are the same income, so the
    law's "greater of
    earned income and AGI" is that income.
    """

    phase_in_rate: Rate
    earned_income_amount: Dollars
    max_credit: Dollars | None = None
    phaseout_start: ByStatus
    phaseout_rate: Rate = Field(gt=0)
    scale: Annotated[float, Field(gt=0, le=1)] = 1.0
    final_phaseout: FinalPhaseout | None = None

    def value(
        self, status: FilingStatus, income: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """The credit at ``income`` (earned income, which for a wage earner is also AGI)."""
        top = self.phase_in_rate * self.earned_income_amount
        if self.max_credit is not None:
            top = self.max_credit
        start = self.phaseout_start.of(status)
        final = self.final_phaseout
        end = start + top / self.phaseout_rate if final is None else final.end
        if bool(np.all(income >= end)):  # most wage earners: skip the arithmetic
            return np.zeros(np.shape(income))
        phased_in = np.minimum(self.phase_in_rate * income, top)
        credit = np.maximum(phased_in - self.phaseout_rate * np.maximum(income - start, 0.0), 0.0)
        if final is not None:
            knee = start + (top - final.from_credit / self.scale) / self.phaseout_rate
            line = np.clip((final.end - income) / (final.end - knee), 0.0, 1.0)
            credit = np.where(income > knee, final.from_credit / self.scale * line, credit)
        out: npt.NDArray[np.float64] = self.scale * credit
        return out
