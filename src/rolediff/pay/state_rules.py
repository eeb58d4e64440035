"""Named special rules of state income taxes that the generic schedule cannot express.

Each rule's parameters live in the state's data file; only the arithmetic is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import AfterValidator, Field

from rolediff.pay.common import ByStatus, Dollars, FilingStatus, Model, bracket_tax

Array = npt.NDArray[np.float64]


def _bands(table: list[tuple[float, float]]) -> list[tuple[float, float]]:
    starts = [a for a, _ in table]
    if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
        raise ValueError("bands must start at 0 and ascend")
    return table


Bands = Annotated[
    list[tuple[Dollars, Annotated[float, Field(ge=0, le=1)]]],
    Field(min_length=1),
    AfterValidator(_bands),
]
"""``[[income_above, share], ...]``: each share applies above its start, up to the next start."""


class NySupplementalTax(Model):
    """New York's tax-benefit recapture (Tax Law §601(d-1)): above ``start_agi`` the benefit of
    the lower rates is taken back, phased in over ``phase_in`` dollars of AGI per bracket, until
    all taxable income is taxed at the rate of its top bracket.

    ``first_bracket`` is the index of the first bracket whose rate is recaptured, per status;
    ``share_decimals`` the decimals the worksheets round the phase-in share to.
    """

    start_agi: Dollars
    phase_in: Dollars = Field(gt=0)
    share_decimals: int = Field(ge=0, le=12)
    first_bracket: dict[FilingStatus, int]


def ny_supplemental_tax(
    rule: NySupplementalTax,
    status: FilingStatus,
    tax: Array,
    taxable: Array,
    agi: Array,
    thresholds: Sequence[float],
    rates: Sequence[float],
) -> Array:
    """Tax after recapture, for taxable income ``taxable`` and AGI ``agi``.

    For the bracket ``k`` holding the taxable income the tax is the schedule tax, plus the
    benefit already recaptured by the brackets below (``base``), plus the rest of the benefit of
    flat taxation at rate ``k`` in proportion to AGI's progress through its phase-in band
    (rounded as the worksheets round it: ``share_decimals``).
    """
    lower = np.asarray(thresholds, dtype=np.float64)
    rate = np.asarray(rates, dtype=np.float64)
    first = rule.first_bracket[status]
    k = np.maximum(np.searchsorted(lower, taxable, side="right") - 1, first)
    start = np.where(k == first, rule.start_agi, lower[k])
    prev = np.maximum(k - 1, 0)
    base = np.where(k == first, 0.0, rate[prev] * lower[k] - bracket_tax(lower[k], lower, rate))
    share = np.round(np.clip((agi - start) / rule.phase_in, 0.0, 1.0), rule.share_decimals)
    recaptured = base + (rate[k] * taxable - tax - base) * share
    return np.where(agi > rule.start_agi, tax + np.maximum(recaptured, 0.0), tax)


class StepAddition(Model):
    """Tax added above ``start``: ``amount`` per ``step`` of income (or part of one), to ``max``."""

    start: ByStatus
    amount: ByStatus
    step: ByStatus
    max: ByStatus


class CtTaxCalculation(Model):
    """Connecticut's Tax Calculation Schedule (Conn. Gen. Stat. §12-700(a), §12-703).

    ``additions`` take back the benefit of the lower rates as AGI rises (the phase-out add-back and
    the benefit recaptures); ``personal_credit`` is the personal tax credit, a share of the tax by
    AGI band, per status.
    """

    additions: tuple[StepAddition, ...]
    personal_credit: dict[FilingStatus, Bands]


def ct_tax_calculation(
    rule: CtTaxCalculation, status: FilingStatus, tax: Array, agi: Array
) -> tuple[Array, Array]:
    """Tax with the add-backs, and the personal tax credit on it."""
    for add in rule.additions:
        steps = np.ceil(np.maximum(agi - add.start.of(status), 0.0) / add.step.of(status))
        tax = tax + np.minimum(steps * add.amount.of(status), add.max.of(status))
    table = rule.personal_credit[status]
    starts = np.asarray([a for a, _ in table])
    shares = np.asarray([x for _, x in table])
    band = np.maximum(np.searchsorted(starts, agi, side="left") - 1, 0)
    return tax, shares[band] * tax
