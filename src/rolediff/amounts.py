"""Amounts of dollars as people type them, read the same way by every interface: the CLI's dollar
options and the dashboard's forms (``120000``, ``120,000``, ``$120,000``, ``$120k``)."""

from __future__ import annotations

import re

from rolediff.errors import RolediffError

_AMOUNT = re.compile(
    r"(?P<sign>[-+]?)\$?(?P<number>(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?)(?P<k>k?)",
    re.IGNORECASE,
)


class AmountError(RolediffError):
    """Text that is no amount of dollars."""


def parse_dollars(value: str | float) -> float:
    """An amount of dollars as people type it: 120000, 1e5, 120,000, $120,000 or $120k (a number
    passes as it is); :class:`AmountError` for anything else. Range checks are the caller's: a
    negative, infinite or huge amount is read as written."""
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    amount = _AMOUNT.fullmatch(text)
    if amount is None or not any(c.isdigit() for c in amount["number"]):
        raise AmountError(
            f"{text!r} is not an amount of dollars; write it as 120000, 120,000 or $120k."
        )
    number = float(amount["number"].replace(",", "")) * (1000 if amount["k"] else 1)
    return -number if amount["sign"] == "-" else number
