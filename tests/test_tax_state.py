"""State income tax on wages: golden cases as data, properties, and the data files themselves."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.pay.common import FILING_STATUSES
from rolediff.pay.state_income import (
    STATE_IDS,
    state_income_tax,
    state_income_tax_breakdown,
    state_tax_data,
)

CASES = sorted((Path(__file__).parent / "cases" / "tax" / "state").glob("*.toml"))
NO_WAGE_TAX = {"ak", "fl", "nv", "nh", "sd", "tn", "tx", "wa", "wy"}
STATE_YEARS = [(s, y) for s in STATE_IDS for y in sorted(state_tax_data(s).years)]
NO_CLIFFS = [(s, y) for s, y in STATE_YEARS if not state_tax_data(s).coverage.cliffs]


def _case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = _case(path)
    tax = state_income_tax(
        case["state"],
        case["year"],
        case["status"],
        case["wages"],
        case.get("deferrals", 0),
        case.get("section125", 0),
        case.get("federal_income_tax"),
    )
    assert float(tax) == pytest.approx(case["expected"], abs=0.01), case["note"]


def test_every_taxing_state_has_golden_cases_for_the_validation_years() -> None:
    covered = {(c["state"], c["year"]) for c in map(_case, CASES)}
    for state in STATE_IDS:
        for year in (2024, 2025):
            if year in state_tax_data(state).years:
                assert (state, year) in covered, (state, year)


# --- the data ----------------------------------------------------------------------------


def test_every_state_and_dc_has_a_file() -> None:
    assert len(STATE_IDS) == 51
    folder = Path(__file__).parents[1] / "src" / "rolediff" / "data" / "tax_state"
    assert {p.stem for p in folder.glob("*.toml")} == set(STATE_IDS)
    for state in STATE_IDS:
        assert state_tax_data(state).id == state


@pytest.mark.parametrize("state", STATE_IDS)
def test_state_file_is_complete(state: str) -> None:
    data = state_tax_data(state)
    assert data.wage_tax == (state not in NO_WAGE_TAX)
    assert {2024, 2025} <= set(data.years)
    for table in data.years.values():
        assert table.reference and table.url.startswith("http")
        if table.brackets is None:
            continue
        for status in FILING_STATUSES:
            thresholds, rates = table.brackets.of(status)
            assert thresholds[0] == 0
            assert all(b > a for a, b in pairwise(thresholds))
            assert all(0 <= r < 1 for r in rates)


def test_no_wage_tax_states_return_zero_by_rule() -> None:
    wages = np.linspace(0, 2_000_000, 101)
    for state in NO_WAGE_TAX:
        data = state_tax_data(state)
        assert not data.wage_tax and data.coverage.modelled
        for year in data.years:
            assert not state_income_tax(state, year, "single", wages).any()


def test_pennsylvania_taxes_deferrals_and_california_taxes_hsa() -> None:
    assert state_income_tax("pa", 2024, "single", 60000, deferrals=6000) == pytest.approx(1842)
    with_hsa = state_income_tax("ca", 2024, "single", 80000, section125=4000)
    assert with_hsa == state_income_tax("ca", 2024, "single", 80000)
    assert state_income_tax("nc", 2024, "single", 80000, section125=4000) < state_income_tax(
        "nc", 2024, "single", 80000
    )


def test_bad_input_names_the_choices() -> None:
    with pytest.raises(ValueError, match="covers tax years 2023, 2024, 2025, 2026"):
        state_income_tax("nc", 2019, "single", 1)
    with pytest.raises(ValueError, match="unknown state 'zz'"):
        state_income_tax("zz", 2024, "single", 1)
    with pytest.raises(ValueError, match="filing status"):
        state_income_tax("nc", 2024, "widow", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        state_income_tax("nc", 2024, "single", -1)


def test_breakdown_adds_up() -> None:
    b = state_income_tax_breakdown("ca", 2024, "married_joint", [50_000, 500_000], 10_000)
    assert np.allclose(b.taxable_income, np.maximum(b.state_agi - b.deductions, 0))
    assert np.allclose(b.tax, b.tax_before_credits - b.credits)


# --- properties --------------------------------------------------------------------------

wages = st.floats(min_value=0, max_value=3_000_000, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(STATE_YEARS),
    st.sampled_from(FILING_STATUSES),
    st.lists(wages, min_size=1, max_size=20),
    st.floats(min_value=0, max_value=23_000),
)
def test_tax_is_sane_and_vectorised_equals_scalar(
    state_year: tuple[str, int], status: Any, w: list[float], deferral: float
) -> None:
    state, year = state_year
    d = np.minimum(deferral, w)
    tax = state_income_tax(state, year, status, w, d)
    assert tax.shape == (len(w),)
    assert not np.isnan(tax).any()
    # below zero only by the refundable credits paid out
    b = state_income_tax_breakdown(state, year, status, w, d)
    assert np.allclose(tax, b.tax)
    assert (b.liability >= 0).all() and (tax >= -b.refundable - 1e-9).all()
    assert (tax <= np.asarray(w)).all()
    scalar = [float(state_income_tax(state, year, status, x, y)) for x, y in zip(w, d, strict=True)]
    assert np.allclose(tax, scalar)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NO_CLIFFS), st.sampled_from(FILING_STATUSES), wages)
def test_after_tax_pay_never_falls_where_no_cliff_is_listed(
    state_year: tuple[str, int], status: Any, start: float
) -> None:
    state, year = state_year
    w = start + np.linspace(0, 50_000, 2001)
    after = w - state_income_tax(state, year, status, w)
    assert (np.diff(after) >= -1e-6).all()


# --- mechanisms added for the validation against PolicyEngine-US --------------------------


def test_refundable_credits_are_paid_out_beyond_the_tax() -> None:
    # Maine's sales tax fairness credit (36 M.R.S. §5213-A): $210 for a couple in 2024, less $20
    # per $1,000 (or part) of income above $49,500; their tax at $30,000 is nil.
    b = state_income_tax_breakdown("me", 2024, "married_joint", [30_000, 50_000, 60_000])
    assert b.refundable.tolist() == [210, 190, 0]
    assert float(b.tax[0]) == -210
    assert np.allclose(b.tax, b.liability - b.refundable)
    # Hawaii's food/excise credit by AGI band (HRS §235-55.85): $110 single at $30,000-$39,999
    hi = state_income_tax_breakdown("hi", 2024, "single", [29_999, 30_000, 39_999, 40_000])
    assert hi.refundable.tolist() == [140, 110, 110, 0]


def test_hawaii_itemises_its_own_income_tax_below_the_limit() -> None:
    below = state_income_tax_breakdown("hi", 2024, "single", 75_000)
    # the deduction is the tax it leaves (fixed point), above the $4,400 standard deduction
    assert float(below.deductions) == pytest.approx(float(below.liability) + 1144, abs=1e-4)
    above = state_income_tax_breakdown("hi", 2024, "single", 100_000)
    assert float(above.deductions) == 4400 + 1144


def test_income_bands_from_or_above_their_start() -> None:
    # New York's household credit is $20 "over $25,000 but not over $28,000": at $28,000 exactly
    ny = state_income_tax_breakdown("ny", 2024, "single", [28_000, 28_001])
    assert ny.credits.tolist() == [20, 0]


def test_phase_out_by_share_per_step_and_over_a_width() -> None:
    # Rhode Island: 20% of the deduction and exemption per $7,050 (or part) above $246,450
    ri = state_income_tax_breakdown("ri", 2024, "single", [246_450, 246_451, 253_500, 290_000])
    assert ri.deductions.tolist() == pytest.approx([15_500, 12_400, 12_400, 0])
    # Maine: the standard deduction falls linearly over $75,000 above $97,150 (single, 2024)
    me = state_income_tax_breakdown("me", 2024, "single", [97_150, 134_650, 172_150])
    assert me.deductions.tolist() == pytest.approx([19_600, 12_300, 5_000])


def test_cliff_at_its_start_and_a_credit_on_taxable_income() -> None:
    # Colorado adds back the deduction above $12,000 at federal AGI of $300,000 or more
    co = state_income_tax_breakdown("co", 2024, "single", [299_999, 300_000])
    assert co.deductions.tolist() == [14_600, 12_000]
    # Ohio's $20 exemption credit while AGI less exemptions is below $30,000
    oh = state_income_tax_breakdown("oh", 2024, "single", [32_399, 32_400])
    assert oh.credits.tolist() == [20, 0]


def test_louisiana_exemption_comes_off_the_first_bracket() -> None:
    b = state_income_tax_breakdown("la", 2024, "single", 85_000)
    assert float(b.credits) == pytest.approx(4500 * 0.0185)
    assert float(b.tax) == pytest.approx(0.0185 * 12_500 + 0.035 * 37_500 + 0.0425 * 35_000 - 83.25)


def test_nebraska_tax_is_limited_to_federal_tax_when_given() -> None:
    free = state_income_tax("ne", 2025, "married_joint", 30_000)
    assert float(free) == pytest.approx(22.86)
    assert float(state_income_tax("ne", 2025, "married_joint", 30_000, federal_income_tax=0)) == 0


def test_federal_itemisers_itemise_in_georgia_and_missouri() -> None:
    from rolediff.pay.state_income import federal_and_state_income_tax

    # 2025, single, $400,000: both itemise federally (SALT above the standard deduction)
    ga = federal_and_state_income_tax("ga", 2025, "single", 400_000)
    alone = state_income_tax("ga", 2025, "single", 400_000)
    assert float(ga.state) < float(alone)  # Georgia's own tax is among the itemised deductions
    mo = federal_and_state_income_tax("mo", 2025, "single", 400_000)
    fica = state_income_tax_breakdown(
        "mo", 2025, "single", 400_000, federal_income_tax=float(mo.federal), itemizes_federally=True
    )
    assert float(fica.deductions) > 15_750  # FICA taxes (Form MO-A) beat the standard deduction
    assert float(mo.state) == pytest.approx(float(fica.tax))


def test_iowa_follows_federal_taxable_income_for_an_itemiser() -> None:
    from rolediff.pay.state_income import federal_and_state_income_tax

    # 2025, single, $500,000: Iowa's own 3.8% tax is the federal itemised deduction (above the
    # $15,750 standard deduction), so T = 3.8% x (500,000 - T) - 40 (Iowa Code §422.7).
    ia = federal_and_state_income_tax("ia", 2025, "single", 500_000)
    assert float(ia.state) == pytest.approx((0.038 * 500_000 - 40) / 1.038, abs=0.01)
    assert float(ia.state) < float(state_income_tax("ia", 2025, "single", 500_000))


def test_a_filer_elects_to_itemise_where_the_state_rewards_it() -> None:
    from rolediff.pay.state_income import federal_and_state_income_tax

    # Atlanta, single, 2025: $250 past $580,584 the SALT cap (40,000 less 30% of MAGI over
    # 500,000) falls below the $15,750 standard deduction. Itemising federally anyway
    # (26 U.S.C. 63(e)) keeps Georgia's itemised deduction and $300 itemiser credit, which are
    # worth more than the few dollars of federal tax it costs; a raise never lowers what is left.
    solved = federal_and_state_income_tax("ga", 2025, "single", [580_584, 580_834])
    total = solved.federal + solved.state
    assert total[1] - total[0] < 250
    assert solved.state[1] < state_income_tax("ga", 2025, "single", 580_834)


@pytest.mark.parametrize("state", ["ga", "ia", "va", "dc", "ok"])
@pytest.mark.parametrize("status", FILING_STATUSES)
def test_a_raise_never_costs_more_where_the_state_turns_on_the_federal_choice(
    state: str, status: str
) -> None:
    from rolediff.pay.state_income import federal_and_state_income_tax

    # Around the standard deduction itemising can lower the state tax enough to undo itself,
    # and rounds of the larger deduction swing between the two; solved as elections, a $50
    # raise never costs $50 of income tax (Missouri's listed cliffs aside).
    wages = np.arange(20_000.0, 700_000.0, 50.0)
    for year in sorted(state_tax_data(state).years):
        solved = federal_and_state_income_tax(state, year, status, wages)
        total = solved.federal + solved.state
        assert np.all(np.diff(total) < 50), (state, year)


def test_ohio_exemption_needs_modified_agi_below_the_threshold() -> None:
    # R.C. 5747.025: less than $750,000 (2025), $500,000 (2026 on); none at the threshold
    for year, threshold in ((2025, 750_000), (2026, 500_000)):
        oh = state_income_tax_breakdown("oh", year, "single", [threshold - 1, threshold])
        assert oh.deductions.tolist() == [1_900, 0]


def test_new_york_rounds_the_recapture_share_as_its_data_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = state_tax_data("ny")
    year = data.years[2026]
    rule = year.ny_supplemental_tax
    assert rule is not None and rule.share_decimals == 4  # the worksheets' rounding
    wages = rule.start_agi + rule.phase_in * 0.123456  # partway through the phase-in
    as_published = float(state_income_tax("ny", 2026, "single", wages))
    coarser = rule.model_copy(update={"share_decimals": 1})
    monkeypatch.setitem(data.years, 2026, year.model_copy(update={"ny_supplemental_tax": coarser}))
    assert float(state_income_tax("ny", 2026, "single", wages)) != pytest.approx(as_published)
