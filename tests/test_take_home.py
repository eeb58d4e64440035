"""The take-home chain: components add up, bad input is refused, rankings and matches hold."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import resolve_place
from rolediff.errors import RolediffError
from rolediff.geo import Place
from rolediff.pay import federal, local, payroll
from rolediff.pay.common import FilingStatus
from rolediff.pay.coverage import coverage_manifest
from rolediff.pay.estimate import estimate_salary_all
from rolediff.pay.living import living_costs, living_costs_all, metro_places
from rolediff.pay.models import TakeHome
from rolediff.pay.state_income import federal_and_state_income_tax, state_tax_data
from rolediff.pay.take_home import (
    MARGINAL_STEP,
    Taxes,
    covered_years,
    match_salary,
    rank_cities,
    take_home,
    take_home_many,
    taxes,
)


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


def test_cli_pay_names_each_local_tax_and_payroll_program(cli) -> None:  # type: ignore[no-untyped-def]
    table = cli("pay", "--city", "New York, NY", "--salary", "120000", "-f", "csv").out
    assert "Local: New York City resident personal income tax" in table
    assert "Payroll: Paid Family Leave employee contribution (NY)" in table
    # the JSON keeps the stable ids
    out = json.loads(cli("pay", "--city", "Lexington, KY", "--salary", "120000", "-f", "json").out)
    assert out["place"] == "Lexington, KY"
    assert out["local_taxes"] == {"ky-lexington": 2700.0, "ky-fayette-schools": 600.0}


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


# --- the batched fast paths equal the chain computed one place at a time -----------------


def _reference_taxes(place: Place, year: int, status: FilingStatus, wages: list[float]) -> Taxes:
    """The chain written out plainly, one place at a time, every engine called on every input."""
    w = np.asarray(wages, dtype=float)
    local_taxes = local.local_income_taxes(place, year, status, w)
    local_total = sum(local_taxes.values(), np.zeros(w.shape))
    income = federal_and_state_income_tax(place.state, year, status, w, 0, 0, local_total)
    return Taxes(
        federal=income.federal,
        social_security=payroll.social_security_tax(year, w),
        medicare=payroll.medicare_tax(year, status, w),
        state=income.state,
        local=local_taxes,
        payroll=payroll.state_payroll_taxes(place.state, year, w),
    )


LOCAL_TAX_PLACES = [
    "New York, NY",
    "Philadelphia, PA",
    "Pittsburgh, PA",
    "Columbus, OH",
    "Detroit, MI",
    "Baltimore, MD",
    "Indianapolis, IN",
    "Louisville, KY",
    "Kansas City, MO",
    "Portland, OR",
    "Denver, CO",
    "Wilmington, DE",
    "Birmingham, AL",
    "Raleigh, NC",
    "San Francisco, CA",
    "Seattle, WA",
]


@pytest.mark.parametrize(
    ("year", "status"),
    [(2023, "single"), (2024, "married_joint"), (2025, "head_of_household"), (2026, "single")],
)
def test_taxes_equal_the_plain_chain(year: int, status: FilingStatus) -> None:
    wages = [30000.0, 95000.0, 260000.0, 1_200_000.0]
    for label in LOCAL_TAX_PLACES:
        place = resolve_place(label)
        if year not in covered_years(place):
            continue
        fast, plain = (
            taxes(place, year, status, wages),
            _reference_taxes(place, year, status, wages),
        )
        for part in ("federal", "social_security", "medicare", "state"):
            np.testing.assert_allclose(getattr(fast, part), getattr(plain, part), atol=1e-6)
        assert fast.local.keys() == plain.local.keys(), label
        assert fast.payroll.keys() == plain.payroll.keys(), label
        for key, value in (*plain.local.items(), *plain.payroll.items()):
            np.testing.assert_allclose({**fast.local, **fast.payroll}[key], value, atol=1e-6)
        np.testing.assert_allclose(fast.total, plain.total, atol=1e-6)
    scalar = taxes(resolve_place("NYC"), year, status, 150000.0)
    assert scalar.total.shape == ()


@pytest.mark.parametrize(
    ("salary", "label", "year", "status", "pretax", "hsa"),
    [
        (52000.0, "Philadelphia, PA", 2023, "single", 0.0, 0.0),
        (150000.0, "New York, NY", 2025, "married_joint", 23000.0, 4300.0),
        (410000.0, "Columbus, OH", 2024, "head_of_household", 0.0, 0.0),
        (133917.0, "Raleigh, NC", 2026, "single", 5000.0, 0.0),
        (700000.0, "San Francisco, CA", 2025, "single", 0.0, 1000.0),
    ],
)
def test_take_home_equals_the_plain_chain(
    salary: float, label: str, year: int, status: FilingStatus, pretax: float, hsa: float
) -> None:
    t = take_home(salary, label, year=year, filing_status=status, pretax=pretax, hsa=hsa)
    place = resolve_place(label)
    w = np.array([salary, salary + MARGINAL_STEP])
    local_taxes = local.local_income_taxes(place, year, status, w, pretax, hsa)
    local_total = sum(local_taxes.values(), np.zeros(2))
    income = federal_and_state_income_tax(place.state, year, status, w, pretax, hsa, local_total)
    state_payroll = payroll.state_payroll_taxes(place.state, year, w, hsa)
    total = (
        income.federal
        + payroll.social_security_tax(year, w, hsa)
        + payroll.medicare_tax(year, status, w, hsa)
        + income.state
        + local_total
        + sum(state_payroll.values(), np.zeros(2))
    )
    costs = living_costs(place)
    after = salary - total[0] - pretax - hsa
    assert t.federal_income_tax == round(float(income.federal[0]), 2)
    assert t.state_income_tax == round(float(income.state[0]), 2)
    assert t.local_taxes == {k: round(float(v[0]), 2) for k, v in local_taxes.items()}
    assert t.payroll_taxes == {k: round(float(v[0]), 2) for k, v in state_payroll.items()}
    assert t.total_taxes == pytest.approx(round(float(total[0]), 2), abs=0.01)
    assert t.take_home_monthly == pytest.approx(
        after / 12 - costs.rent_monthly - costs.non_rent_monthly, abs=0.01
    )
    assert t.marginal_tax_rate == pytest.approx((total[1] - total[0]) / MARGINAL_STEP, abs=1e-4)
    assert t.living == costs
    assert TakeHome.model_validate(t.model_dump()) == t


@pytest.mark.parametrize(
    ("salary", "role", "percentile", "year", "status"),
    [
        (45000.0, None, 50, 2024, "single"),
        (150000.0, None, 50, 2025, "married_joint"),
        (600000.0, None, 50, None, "head_of_household"),  # the latest year all states cover
        (None, "devops", 50, 2025, "single"),
        (None, "sre", 90, 2024, "married_joint"),
    ],
)
def test_rank_cities_equals_the_plain_chain_per_metro(
    salary: float | None,
    role: str | None,
    percentile: int,
    year: int | None,
    status: FilingStatus,
) -> None:
    rows = {r.metro_cbsa: r for r in rank_cities(salary, role, percentile, year, status)}
    places = [p for p in metro_places() if p.state != "PR"]
    assert len(rows) == len(places)
    costs = living_costs_all(1)
    row_of = {code: i for i, code in enumerate(costs.cbsa_code)}
    table = estimate_salary_all(role) if role else None
    shared = max(set.intersection(*(set(covered_years(p)) for p in places)))
    for place in places:
        gross = (
            float(table.annual(percentile)[table.cbsa_code.index(place.cbsa_code)])
            if table
            else float(salary or 0)
        )
        tax_year = shared if year is None else year
        total = float(_reference_taxes(place, tax_year, status, [gross]).total[0])
        i = row_of[place.cbsa_code]
        kept = (gross - total) / 12 - costs.rent_monthly[i] - costs.non_rent_monthly[i]
        row = rows[place.cbsa_code]
        assert row.gross_annual == round(gross, 2), place.label
        # the sum of the taxes each rounded to the cent (at most eight of them here)
        assert row.total_taxes == pytest.approx(total, abs=0.04), place.label
        # the rounded after-tax pay less the rounded rent and living costs
        assert row.take_home_monthly == pytest.approx(kept, abs=0.02), place.label
        assert row.effective_tax_rate == pytest.approx(total / gross, abs=1e-4), place.label


def test_taxes_names_the_years_covered_for_the_place() -> None:
    for label in ("New York, NY", "Raleigh, NC"):
        with pytest.raises(ValueError, match=f"Tax year 1999 is not covered for {label}"):
            taxes(resolve_place(label), 1999, "single", [100000.0])


def test_rank_cities_by_one_salarys_gross_holds_every_metro_once_by_take_home() -> None:
    rows = rank_cities(salary=150000, sort="gross")
    codes = [p.cbsa_code for p in metro_places() if p.state != "PR"]
    assert sorted(r.metro_cbsa for r in rows) == sorted(codes)
    kept = [r.take_home_monthly for r in rows]
    assert kept == sorted(kept, reverse=True)  # every gross ties: take-home decides


def test_a_ranking_uses_one_tax_year_for_every_metro() -> None:
    with pytest.raises(ValueError, match="not covered; choose one of 2023, 2024"):
        rank_cities(salary=100000, year=1999)
    texas = rank_cities(salary=100000, year=2026, state="TX")
    assert texas and all(r.state == "TX" for r in texas)


def test_cli_cities_chart(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "cities.svg"
    result = cli("cities", "--role", "devops", "--top", "5", "--chart", str(out))
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert cli("cities", "--salary", "100000", "--chart", str(tmp_path / "x.pdf")).code == 2


def test_rates_stay_finite_when_pay_rounds_to_nothing() -> None:
    """A salary of a fraction of a cent (found by schemathesis) leaves nothing to divide by."""
    import math

    from rolediff.pay.take_home import rank_cities

    for row in rank_cities(salary=5e-324):
        assert math.isfinite(row.effective_tax_rate)
    assert math.isfinite(take_home(5e-324, "Boise, ID").effective_tax_rate)


def test_a_local_tax_known_but_not_modelled_is_named_not_hidden() -> None:
    assert take_home(150_000, "Raleigh, NC").not_modelled == []
    gap = take_home(150_000, "Bowling Green, KY").not_modelled
    assert len(gap) == 1 and "occupational license" in gap[0]
    rows = {r.place: r for r in rank_cities(150_000, state="KY")}
    assert rows["Bowling Green, KY"].local_tax_not_modelled
    assert not rows["Louisville, KY"].local_tax_not_modelled
    # a modelled city's other taxes its residents owe: Fremont's school district income tax
    fremont = take_home(80_000, "Fremont, OH")
    assert fremont.local_taxes == {"oh-fremont": 1200.0}
    assert any("Fremont City Schools" in note for note in fremont.not_modelled)


@pytest.mark.parametrize("salary", [45_000, 150_000, 333_333.33])
@pytest.mark.parametrize("city", ["Raleigh, NC", "New York, NY", "Portland, OR", "Lexington, KY"])
def test_the_statement_adds_up_to_the_cent(city: str, salary: float) -> None:
    t = take_home(salary, city)
    parts = [t.federal_income_tax, t.social_security_tax, t.medicare_tax, t.state_income_tax]
    assert round(sum(t.local_taxes.values()), 2) == t.local_income_tax
    assert round(sum(t.payroll_taxes.values()), 2) == t.state_payroll_taxes
    assert round(sum(parts) + t.local_income_tax + t.state_payroll_taxes, 2) == t.total_taxes
    assert round(t.gross_annual - t.total_taxes, 2) == t.after_tax_annual
    monthly = t.after_tax_monthly - t.rent_monthly - t.living_costs_monthly
    assert round(monthly, 2) == t.take_home_monthly
    for row in rank_cities(salary, state=t.state, top=3):
        kept = row.after_tax_monthly - row.rent_monthly - row.living_costs_monthly
        assert round(kept, 2) == row.take_home_monthly


@pytest.mark.parametrize(("salary", "role"), [(100000.0, None), (57321.37, None), (None, "sre")])
def test_a_ranked_city_shows_the_cents_of_its_own_statement(
    salary: float | None, role: str | None
) -> None:
    """`cities` and `pay` answer the same question to the cent (they once differed in 28 metros
    at $100,000: one rounded the total, the other summed the rounded taxes)."""
    for row in rank_cities(salary, role, 75):
        alone = take_home(salary, row.place, role=role, percentile=75)
        shown = (row.gross_annual, row.total_taxes, row.after_tax_monthly, row.take_home_monthly)
        assert shown == (
            alone.gross_annual,
            alone.total_taxes,
            alone.after_tax_monthly,
            alone.take_home_monthly,
        ), row.place
        assert row.effective_tax_rate == alone.effective_tax_rate, row.place


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e9, 1e9, allow_nan=False),
            st.integers(-(10**11), 10**11).map(lambda n: n / 1000),  # half cents and near them
        ),
        min_size=1,
        max_size=50,
    )
)
def test_vector_cents_round_as_python_does(values: list[float]) -> None:
    from rolediff.pay.take_home import _cents

    assert _cents(np.array(values)).tolist() == [round(v, 2) for v in values]


def test_no_match_when_even_a_dollar_leaves_more_there() -> None:
    """A salary whose take-home is below what $1 leaves in the other place has no match (the
    search once stopped at its $1 floor and called that the answer)."""
    with pytest.raises(RolediffError, match=r"No salary in Raleigh, NC matches.*-\$3,"):
        match_salary(15000, "New York, NY", "Raleigh, NC", year=2025)
    assert match_salary(1, "Raleigh, NC", "Raleigh, NC", year=2025).needed_salary == 1.0


def test_no_match_above_the_largest_salary_names_the_limit_not_an_internal_guess() -> None:
    """A match that would need more than the largest salary taken says so; it once reported the
    search's own candidate ("got 1.32083e+09") as if the user had typed it."""
    with pytest.raises(RolediffError) as raised:
        match_salary(999_000_000, "Kingsport, TN", "New York, NY", year=2025)
    message = str(raised.value)
    assert "No salary in New York, NY matches" in message
    assert "$1,000,000,000" in message and "got" not in message
    near = match_salary(600_000_000, "Kingsport, TN", "New York, NY", year=2025)
    assert near.to_place.take_home_monthly == pytest.approx(
        near.from_place.take_home_monthly, abs=0.02
    )


@pytest.mark.parametrize("city", ["San Francisco, CA", "New York, NY", "Austin, TX", "Detroit, MI"])
def test_a_statement_names_the_taxes_whose_year_is_not_yet_verified(city: str) -> None:
    """As `rolediff data coverage` lists them: a projected year is said, not hidden."""
    from rolediff.pay.coverage import coverage_manifest
    from rolediff.pay.state_income import state_tax_data

    result = take_home(150000, city)
    own_state = state_tax_data(result.state).name
    for entry in coverage_manifest():
        if entry.kind not in ("federal", "state income") or result.year not in entry.years:
            continue
        charged = entry.kind == "federal" or entry.jurisdiction == own_state
        name = "federal" if entry.kind == "federal" else entry.jurisdiction
        said = f"{name} income tax {result.year}" in result.unverified
        assert said == (charged and result.year not in entry.verified_years), entry.jurisdiction


def test_ranking_puerto_rico_says_why_it_is_left_out() -> None:
    """Puerto Rico has metros; ranking them is refused because its tax is not modelled, not
    because the state code is unknown (the message once said no metro was there)."""
    with pytest.raises(RolediffError, match=r"Puerto Rico.*does not model its income tax"):
        rank_cities(salary=100000, state="pr")
    with pytest.raises(RolediffError, match="No metro has its principal city in state 'ZZ'"):
        rank_cities(salary=100000, state="ZZ")


def test_a_refund_of_a_fraction_of_a_cent_is_zero_not_minus_zero() -> None:
    # The earned income credit on a salary of a cent refunds 0.08 cents: rounded, no "-0".
    t = take_home(0.01, "Raleigh, NC")
    assert math.copysign(1, t.federal_income_tax) == 1 and t.federal_income_tax == 0


def test_sources_are_those_of_the_costs_used() -> None:
    rent_url = "https://www.huduser.gov/portal/datasets/fmr.html"
    hud_only = take_home(100_000, "Raleigh, NC", living=1_000).sources
    assert rent_url in hud_only and not any("bls.gov/cex" in s or "bea.gov" in s for s in hud_only)
    no_hud = take_home(100_000, "Raleigh, NC", rent=1_000).sources
    assert rent_url not in no_hud and any("bea.gov" in s for s in no_hud)
    neither = take_home(100_000, "Raleigh, NC", rent=1_000, living=1_000).sources
    assert not any(s.startswith("https://") for s in neither)


def test_ranked_by_gross_one_salary_ties_go_to_the_higher_take_home() -> None:
    rows = rank_cities(salary=100_000, sort="gross", top=40)
    assert {r.gross_annual for r in rows} == {100_000}
    kept = [r.take_home_monthly for r in rows]
    assert kept == sorted(kept, reverse=True)


@pytest.mark.parametrize(
    ("salary", "said"),
    [
        (-5.0, "Salary must be a positive number of dollars a year; got -5."),
        (0.0, "Salary must be a positive number of dollars a year; got 0."),
        (-1500.5, "Salary must be a positive number of dollars a year; got -1,500.50."),
        (float("nan"), "Salary must be a positive number of dollars a year; got nan."),
        (3e9, "Salary must be at most $1,000,000,000 a year; got 3,000,000,000."),
    ],
)
def test_a_salary_refused_is_quoted_as_people_write_it(salary: float, said: str) -> None:
    """The message had quoted the float ("got -5.0", "got 3e+09")."""
    with pytest.raises(RolediffError) as caught:
        take_home(salary, "Raleigh, NC")
    assert str(caught.value) == said
