"""State employee payroll taxes: golden cases, the data itself, properties, errors and speed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import data
from rolediff.pay import payroll

CASES = Path(__file__).parent / "cases" / "tax" / "payroll"
YEARS = payroll.years()
STATES = sorted(payroll.payroll_states())


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES.glob("*.toml")):
        cases += tomllib.loads(path.read_text())["case"]
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["name"])
def test_state_payroll_golden(case: dict[str, Any]) -> None:
    taxes = payroll.state_payroll_taxes(
        case["state"], case["year"], case["wages"], section125=case.get("section125", 0)
    )
    assert set(taxes) == set(case["expected"]), case["note"]
    for program, expected in case["expected"].items():
        assert float(taxes[program]) == pytest.approx(expected, abs=0.005), case["note"]


def test_there_are_enough_golden_cases() -> None:
    cases = _cases()
    assert len(cases) >= 15
    assert {c["state"] for c in cases} >= set(STATES)


# --- the data ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_every_program_covers_every_year_once_it_starts(state: str) -> None:
    record = payroll.payroll_states()[state]
    assert record.unit == "USD"
    ids = [p.id for p in record.programs]
    assert len(ids) == len(set(ids))
    for program in record.programs:
        assert program.id.startswith(state.lower() + "-")
        assert program.references
        expected = {y for y in YEARS if y >= program.start_year}
        assert set(program.years) == expected, program.id
        for year, params in program.years.items():
            assert params.reference and params.url.startswith("http"), (program.id, year)
            assert 0 <= params.rate * params.employee_share < 0.02, (program.id, year)


def test_state_files_are_named_after_their_state() -> None:
    folder = data.ROOT / "tax_payroll"
    for path in folder.glob("*.toml"):
        assert path.stem.upper() in payroll.payroll_states()


def test_capped_programs_use_the_social_security_wage_base_where_they_say_so() -> None:
    fica = payroll.fica_schedule().years
    for record in payroll.payroll_states().values():
        for program in record.programs:
            for year, params in program.years.items():
                if "Social Security wage base" in (program.note or "") and params.wage_base:
                    assert params.wage_base == fica[year].social_security_wage_base, program.id


# --- properties ----------------------------------------------------------------------------

wages = st.floats(min_value=0, max_value=2_000_000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(STATES), st.sampled_from(YEARS), wages, st.floats(1, 100_000))
def test_non_negative_monotone_and_below_the_rate(
    state: str, year: int, wage: float, raise_: float
) -> None:
    low = payroll.state_payroll_taxes(state, year, wage)
    high = payroll.state_payroll_taxes(state, year, wage + raise_)
    for program, tax in low.items():
        assert 0 <= float(tax) <= float(high[program]) + 1e-9
        assert float(high[program]) - float(tax) <= 0.02 * raise_


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(STATES), st.sampled_from(YEARS), st.lists(wages, min_size=1, max_size=20))
def test_vectorised_equals_element_wise(state: str, year: int, values: list[float]) -> None:
    batch = payroll.state_payroll_taxes(state, year, values)
    for program, taxes in batch.items():
        one_by_one = [float(payroll.state_payroll_taxes(state, year, v)[program]) for v in values]
        np.testing.assert_allclose(taxes, one_by_one, rtol=0, atol=1e-9)


# --- bad input -----------------------------------------------------------------------------


def test_unknown_state_is_rejected() -> None:
    with pytest.raises(ValueError, match="postal code"):
        payroll.state_payroll_taxes("XX", 2025, 50_000)


def test_state_code_is_case_insensitive() -> None:
    assert set(payroll.state_payroll_taxes("ca", 2025, 50_000)) == {"ca-sdi"}


def test_uncovered_year_names_the_covered_years() -> None:
    with pytest.raises(ValueError, match="2023, 2024, 2025, 2026"):
        payroll.state_payroll_taxes("TX", 2030, 50_000)


def test_negative_wages_are_rejected() -> None:
    with pytest.raises(ValueError, match="wages"):
        payroll.state_payroll_taxes("CA", 2025, -5)
