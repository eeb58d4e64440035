"""The weekly pay periods that turn a weekly payroll-tax cap into a yearly one: from the data."""

from __future__ import annotations

import pytest

from rolediff import data
from rolediff.pay import payroll


def test_weekly_pay_periods_are_the_data_files() -> None:
    (row,) = data.read_csv("tax_payroll/pay_periods.csv")
    assert row["frequency"] == "weekly"
    assert payroll.weeks_per_year() == int(row["periods_per_year"]) == 52
    assert "Publication 15-T" in payroll.pay_periods()["weekly"].reference
    assert "pay_periods.csv" in {d.path: d.files for d in data.datasets()}["tax_payroll"]


def test_a_weekly_cap_is_the_weekly_amount_times_the_weekly_pay_periods() -> None:
    # New York DBL: 0.5% of wages, at most $0.60 a week; Hawaii TDI 2026: at most $7.50 a week.
    weeks = payroll.weeks_per_year()
    ny = payroll.state_payroll_taxes("NY", 2026, 100_000)["ny-sdi"]
    hi = payroll.state_payroll_taxes("HI", 2026, 100_000)["hi-tdi"]
    assert float(ny) == pytest.approx(0.60 * weeks)
    assert float(hi) == pytest.approx(7.50 * weeks)


def test_the_weekly_cap_follows_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    before = float(payroll.state_payroll_taxes("HI", 2026, 100_000)["hi-tdi"])
    weekly = payroll.pay_periods()["weekly"].model_copy(update={"periods_per_year": 53})
    monkeypatch.setattr(payroll, "pay_periods", lambda: {"weekly": weekly})
    after = float(payroll.state_payroll_taxes("HI", 2026, 100_000)["hi-tdi"])
    assert after == pytest.approx(before / 52 * 53)
    # Below the cap the rate decides, whatever the number of weeks.
    low = payroll.state_payroll_taxes("HI", 2026, 20_000)["hi-tdi"]
    assert float(low) == pytest.approx(0.005 * 20_000)


def test_no_weekly_row_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payroll, "pay_periods", lambda: {})
    with pytest.raises(data.DataError, match="no weekly row"):
        payroll.weeks_per_year()
