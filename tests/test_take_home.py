"""The take-home chain: components add up, bad input is refused, rankings and matches hold."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import resolve_place
from rolediff.pay import federal, local, payroll
from rolediff.pay.coverage import coverage_manifest
from rolediff.pay.living import living_costs
from rolediff.pay.state_income import federal_and_state_income_tax, state_tax_data
from rolediff.pay.take_home import match_salary, rank_cities, take_home, take_home_many


def test_chain_adds_up_in_raleigh() -> None:
    t = take_home(133917, "Raleigh, NC", year=2025)
    assert t.metro_cbsa == "39580" and t.state == "NC" and t.salary_source == "given"
    income = federal_and_state_income_tax("NC", 2025, "single", [133917])
    assert t.federal_income_tax == pytest.approx(float(income.federal[0]), abs=0.01)
    assert t.state_income_tax == pytest.approx(float(income.state[0]), abs=0.01)
    assert t.social_security_tax == pytest.approx(
        float(payroll.social_security_tax(2025, [133917])[0]), abs=0.01
    )
    assert t.local_income_tax == 0 and t.state_payroll_taxes == 0
    total = t.federal_income_tax + t.social_security_tax + t.medicare_tax + t.state_income_tax
    assert t.total_taxes == pytest.approx(total, abs=0.05)
    assert t.after_tax_annual == pytest.approx(133917 - total, abs=0.05)
    costs = living_costs(resolve_place("Raleigh, NC"))
    assert t.rent_monthly == costs.rent_monthly
    assert t.take_home_monthly == pytest.approx(
        t.after_tax_monthly - costs.rent_monthly - costs.non_rent_monthly, abs=0.02
    )
    assert 0 < t.effective_tax_rate < t.marginal_tax_rate < 0.6


def test_local_and_payroll_taxes_are_included() -> None:
    nyc = take_home(150000, "NYC", year=2025)
    assert nyc.local_income_tax > 0 and set(nyc.local_taxes)
    assert nyc.state_payroll_taxes > 0
    place = resolve_place("NYC")
    expected = sum(
        float(v[0]) for v in local.local_income_taxes(place, 2025, "single", [150000]).values()
    )
    assert nyc.local_income_tax == pytest.approx(expected, abs=0.01)


def test_given_salary_wins_and_role_gives_an_estimate() -> None:
    estimated = take_home(place="Raleigh, NC", role="sre")
    assert estimated.salary_source == "estimate" and estimated.salary_estimate is not None
    assert estimated.gross_annual == pytest.approx(estimated.salary_estimate.annual, abs=0.01)
    given = take_home(100000, "Raleigh, NC", role="sre")
    assert given.salary_source == "given" and given.gross_annual == 100000


def test_overrides_and_pretax() -> None:
    base = take_home(120000, "Austin, TX", year=2025)
    mine = take_home(120000, "Austin, TX", year=2025, rent=1000, living=500, pretax=10000)
    assert mine.rent_monthly == 1000 and mine.living_costs_monthly == 500
    assert mine.federal_income_tax < base.federal_income_tax
    assert mine.social_security_tax == base.social_security_tax  # 401(k) deferrals keep FICA


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"salary": -5}, "positive"),
        ({"salary": 0}, "positive"),
        ({"salary": float("nan")}, "positive"),
        ({"salary": 1e5, "place": "Atlantis"}, "Unknown place"),
        ({"salary": 1e5, "year": 2019}, "not covered"),
        ({"salary": 1e5, "filing_status": "widowed"}, "single"),
        ({"salary": 1e5, "pretax": 2e5}, "exceed"),
        ({"salary": 1e5, "bedrooms": 7}, "bedrooms"),
        ({"salary": 1e5, "rent": -1}, "rent"),
        ({}, "salary"),
        ({"role": "sre", "percentile": 33}, "percentile"),
        ({"salary": 1e5, "place": "San Juan, PR"}, "Puerto Rico"),
    ],
)
def test_bad_input_is_a_value_error(kwargs: dict[str, object], message: str) -> None:
    kwargs.setdefault("place", "Raleigh, NC")
    with pytest.raises(ValueError, match=message):
        take_home(**kwargs)  # type: ignore[arg-type]


def _no_cliff_places() -> list[str]:
    cliffs = local.cliffs()
    out = []
    for label in [
        "Houston, TX",
        "Raleigh, NC",
        "Denver, CO",
        "New York, NY",
        "Boston, MA",
        "Philadelphia, PA",
        "Chicago, IL",
        "Seattle, WA",
        "Atlanta, GA",
        "Columbus, OH",
    ]:
        place = resolve_place(label)
        if state_tax_data(place.state).coverage.cliffs:
            continue
        if any(t.id in cliffs for t in local.local_tax_jurisdictions(place)):
            continue
        out.append(label)
    return out


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=15000, max_value=900000), st.sampled_from(["single", "married_joint"]))
def test_after_tax_never_exceeds_gross_and_never_falls(salary: float, status: str) -> None:
    for label in _no_cliff_places():
        result = take_home_many([salary, salary + 250.0], label, year=2025, filing_status=status)
        after = result["after_tax_monthly"] * 12
        assert np.all(after <= result["gross_annual"])
        assert after[1] >= after[0] - 1e-6, label


def test_every_cliff_is_listed_in_the_coverage() -> None:
    listed = [e for e in coverage_manifest() if e.cliffs]
    assert listed, "the manifest lists the cliffs the law has"


def test_rank_cities() -> None:
    rows = rank_cities(salary=150000, year=2025)
    kept = [r.take_home_monthly for r in rows]
    assert kept == sorted(kept, reverse=True) and len(rows) > 380
    assert [r.rank for r in rows[:3]] == [1, 2, 3]
    top = rank_cities(role="devops", top=5, state="TX")
    assert len(top) == 5 and all(r.state == "TX" for r in top)
    assert len({r.gross_annual for r in top}) > 1  # each metro gets its own estimate
    by_gross = rank_cities(salary=150000, sort="gross", top=3)
    assert len(by_gross) == 3


def test_rank_cities_bad_input() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        rank_cities()
    with pytest.raises(ValueError, match="state"):
        rank_cities(salary=1e5, state="ZZ")


def test_match_keeps_the_same_take_home() -> None:
    m = match_salary(120000, "Raleigh, NC", "New York, NY", year=2025)
    assert m.to_place.take_home_monthly == pytest.approx(m.from_place.take_home_monthly, abs=1.0)
    assert m.needed_salary > 120000


def test_federal_matches_hand_arithmetic() -> None:
    # 2025 single, $133,917: taxable 118,167 = 1,192.50 + 4,386 + 12,072.50 + 24% of 14,817.
    assert float(federal.federal_income_tax(2025, "single", 133917)) == pytest.approx(21207.08)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_cli_pay_cities_match_coverage(cli, fmt: str) -> None:  # type: ignore[no-untyped-def]
    for argv in (
        ["pay", "--city", "Raleigh, NC", "--salary", "120000"],
        ["pay", "--city", "Raleigh", "--role", "sre", "--filing", "mfj"],
        ["cities", "--role", "devops", "--top", "5"],
        ["match", "--salary", "120000", "--from", "Raleigh", "--to", "NYC"],
        ["data", "coverage", "--kind", "state income"],
    ):
        result = cli(*argv, "--format", fmt)
        assert result.code == 0, (argv, result.err)
        if fmt == "json":
            json.loads(result.out)


def test_cli_pay_json_fields(cli) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(cli("pay", "--city", "Raleigh", "--salary", "150000", "-f", "json").out)
    for key in (
        "gross_annual",
        "federal_income_tax",
        "social_security_tax",
        "medicare_tax",
        "state_income_tax",
        "local_income_tax",
        "state_payroll_taxes",
        "after_tax_annual",
        "after_tax_monthly",
        "rent_monthly",
        "living_costs_monthly",
        "take_home_monthly",
        "effective_tax_rate",
        "marginal_tax_rate",
        "year",
        "filing_status",
        "place",
        "state",
        "metro_cbsa",
        "salary_source",
        "sources",
    ):
        assert key in out


@pytest.mark.parametrize(
    "argv",
    [
        ["pay", "--city", "Raleigh", "--salary", "-1"],
        ["pay", "--city", "Raleigh", "--salary", "abc"],
        ["pay", "--city", "Raleigh"],
        ["pay", "--city", "Nowhere", "--salary", "1"],
        ["pay", "--city", "Raleigh", "--salary", "100000", "--year", "2030"],
        ["pay", "--city", "Raleigh", "--salary", "100000", "--filing", "widow"],
        ["cities", "--salary", "100000", "--sort", "rent"],
        ["cities", "--salary", "100000", "--top", "0"],
        ["data", "coverage", "--kind", "moon"],
    ],
)
def test_cli_pay_errors_exit_2(cli, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv)
    assert result.code == 2, result.out
    assert result.err.strip() and "Traceback" not in result.err
