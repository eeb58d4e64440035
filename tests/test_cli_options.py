"""Options of pay, cities, match, data coverage and the global ones, as a demanding user types
them: every refusal one line with status 2, and the same question the same answer everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.mark.parametrize("salary", ["120,000", "$120,000", "$120k", "120K", " 120000 ", "1.2e5"])
def test_a_salary_is_read_as_people_write_it(cli, salary: str) -> None:  # type: ignore[no-untyped-def]
    plain = cli("pay", "--city", "Raleigh, NC", "--salary", "120000", "-f", "json")
    typed = cli("pay", "--city", "Raleigh, NC", "--salary", salary, "-f", "json")
    assert typed.code == plain.code == 0, typed.err
    assert typed.out == plain.out


def test_every_dollar_option_reads_commas_dollar_signs_and_k(cli) -> None:  # type: ignore[no-untyped-def]
    typed = cli(
        "pay", "-c", "Raleigh", "-s", "$100k", "--pretax", "$20,000", "--hsa", "4k",
        "--rent", "$1,500", "--living", "1,000", "-f", "json",
    )  # fmt: skip
    assert typed.code == 0, typed.err
    out = json.loads(typed.out)
    assert out["gross_annual"] == 100_000 and out["pretax_contributions"] == 24_000
    assert out["rent_monthly"] == 1_500 and out["living_costs_monthly"] == 1_000
    match = cli("match", "-s", "$120k", "--from", "Raleigh", "--to", "NYC", "-f", "json")
    assert match.code == 0 and json.loads(match.out)["salary"] == 120_000
    cities = cli("cities", "-s", "120,000", "-n", "1", "-f", "json")
    assert cities.code == 0 and json.loads(cities.out)[0]["gross_annual"] == 120_000


@pytest.mark.parametrize("salary", ["abc", "$", "1,2", "12,0000", "120x"])
def test_a_salary_that_is_no_amount_is_refused_in_one_line(cli, salary: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("pay", "--city", "Raleigh", "--salary", salary)
    assert result.code == 2 and not result.out
    (error,) = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert "is not an amount of dollars" in error and "$120k" in error


@pytest.mark.parametrize("salary", ["0", "-5", "nan", "inf", "1e15"])
def test_a_salary_out_of_range_is_refused(cli, salary: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("pay", "--city", "Raleigh", "--salary", salary)
    assert result.code == 2 and result.err.startswith("Error: Salary must be")


def test_h_is_help_on_every_command(cli) -> None:  # type: ignore[no-untyped-def]
    for argv in (
        [], ["pay"], ["cities"], ["match"], ["where"], ["roles"], ["role"], ["serve"],
        ["data"], ["data", "sources"], ["data", "coverage"], ["market", "report"],
    ):  # fmt: skip
        result = cli(*argv, "-h")
        assert result.code == 0, (argv, result.err)
        assert result.out.startswith("Usage: rolediff") and "-h, --help" in result.out


def test_cities_takes_a_salary_and_a_role_as_pay_does(cli) -> None:  # type: ignore[no-untyped-def]
    both = cli("cities", "-s", "120000", "--role", "sre", "-n", "3", "-f", "json")
    alone = cli("cities", "-s", "120000", "-n", "3", "-f", "json")
    assert both.code == alone.code == 0, both.err
    assert both.out == alone.out and "--role was not used" in both.err
    pay = json.loads(cli("pay", "-c", "Raleigh, NC", "-s", "120000", "-r", "sre", "-f", "json").out)
    raleigh = json.loads(
        cli("cities", "-s", "120000", "-r", "sre", "--state", "NC", "-f", "json").out
    )
    (row,) = [r for r in raleigh if r["place"] == "Raleigh, NC"]
    assert row["take_home_monthly"] == pay["take_home_monthly"]  # the same cents


@pytest.mark.parametrize("sort", ["Take-Home", "TAKE_HOME", "after-tax", "Gross"])
def test_sort_is_read_in_any_case_and_with_hyphens(cli, sort: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("cities", "-s", "120000", "-n", "2", "--sort", sort)
    assert result.code == 0, result.err
    bad = cli("cities", "-s", "120000", "--sort", "rent")
    assert bad.code == 2 and bad.err.startswith("Error: sort must be take_home, after_tax or")


def test_state_takes_a_name_as_well_as_a_code(cli) -> None:  # type: ignore[no-untyped-def]
    code = cli("cities", "-s", "120000", "--state", "nc", "-f", "json")
    name = cli("cities", "-s", "120000", "--state", "North  Carolina", "-f", "json")
    assert code.code == name.code == 0, name.err
    assert code.out == name.out and json.loads(name.out)
    assert cli("cities", "-s", "1e5", "--state", "Atlantis").code == 2


def test_coverage_kind_in_any_case(cli) -> None:  # type: ignore[no-untyped-def]
    exact = cli("data", "coverage", "--kind", "state income", "-f", "json")
    for kind in ("State Income", "state_income", "STATE  INCOME"):
        typed = cli("data", "coverage", "--kind", kind, "-f", "json")
        assert typed.code == 0 and typed.out == exact.out, kind
    assert cli("data", "coverage", "--kind", "vat").code == 2


@pytest.mark.parametrize("option", ["--rent", "--living"])
def test_a_monthly_cost_is_bounded_as_the_api_bounds_it(cli, option: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("pay", "-c", "Raleigh", "-s", "1e5", option, "1e12")
    assert result.code == 2 and not result.out
    name = option.removeprefix("--")
    assert (
        result.err == f"Error: {name} must be at most $10,000,000 a month; got 1,000,000,000,000.\n"
    )


def test_help_lists_the_percentiles_and_bedrooms_the_data_has() -> None:
    """The CLI's help names them without loading the data (a fast --help); the dashboard and the
    API read them from it. This keeps the help true to the data."""
    from rolediff import cli
    from rolediff.pay.estimate import percentiles
    from rolediff.pay.living import bedroom_counts

    source = Path(cli.__file__).read_text(encoding="utf-8")
    assert f"Salary percentile for --role: {', '.join(map(str, percentiles()))}." in source
    counts = bedroom_counts()
    assert counts == tuple(range(counts[0], counts[-1] + 1))
    assert f"Bedrooms for the HUD rent, {counts[0]}-{counts[-1]}." in source
