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
    assert bad.code == 2 and "Invalid value for '--sort'" in bad.err
    assert "take_home, after_tax or gross" in bad.err


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


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_a_report_to_dash_goes_to_stdout_and_writes_no_file(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    md = cli("report", "devops", "sre", "-o", "-", "-f", "md")
    assert md.code == 0, md.err
    assert md.out.startswith("# ") and "DevOps" in md.out and "Wrote" not in md.out
    assert "](-" not in md.out  # no links to chart files that were never written
    html = cli("report", "devops", "sre", "--output", "-", "--format", "html")
    assert html.code == 0 and html.out.lstrip().lower().startswith("<!doctype html")
    assert list(tmp_path.iterdir()) == []  # no file named "-", no "--*.svg" charts
    unsure = cli("report", "devops", "sre", "-o", "-")
    assert unsure.code == 2 and not unsure.out
    assert unsure.err.startswith("Error: ") and "--format html or md" in unsure.err


@pytest.mark.parametrize("command", [["fit"], ["report", "devops", "sre", "-o", "r.md"]])
def test_a_resume_can_come_from_stdin(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "Linux administrator: Kubernetes, Terraform, Prometheus, on-call, Python.\n"
    (tmp_path / "cv.txt").write_text(text, encoding="utf-8")
    fmt = ["-f", "json"] if command == ["fit"] else []
    from_file = cli(*command, "--resume", "cv.txt", *fmt)
    assert from_file.code == 0, from_file.err
    written = (tmp_path / "r.md").read_text(encoding="utf-8") if fmt == [] else None
    _stdin(monkeypatch, text.encode())
    piped = cli(*command, "--resume", "-", *fmt)
    assert piped.code == 0, piped.err
    assert piped.out == from_file.out
    if written is not None:
        assert (tmp_path / "r.md").read_text(encoding="utf-8") == written
    _stdin(monkeypatch, b"")
    empty = cli(*command, "--resume", "-")
    assert empty.code == 2 and empty.err == "Error: stdin is empty.\n"


def test_a_chart_that_cannot_be_written_prints_no_table(cli) -> None:  # type: ignore[no-untyped-def]
    # /proc is a directory, so the name passes the early check, but no file can be made in it:
    # the command fails with nothing on stdout, not a full table and then status 2.
    result = cli("cities", "-s", "100k", "-n", "3", "--chart", "/proc/rolediff-test.svg")
    assert result.code == 2 and result.out == "", result.out
    assert result.err.startswith("Error: ") and result.err.count("\n") == 1


def test_market_report_charts_that_cannot_be_written_print_no_report(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    postings = tmp_path / "p.jsonl"
    postings.write_text(
        '{"title": "Site Reliability Engineer", "description": "Kubernetes, on-call"}\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "m.duckdb")
    assert cli("market", "ingest", str(postings), "--db", db, "--workers", "1").code == 0
    result = cli("market", "report", "--db", db, "--chart", "/proc/rolediff-test-charts")
    assert result.code == 2 and result.out == "", result.out


def test_options_that_change_nothing_say_so(cli) -> None:  # type: ignore[no-untyped-def]
    plain = cli("pay", "-c", "Raleigh", "-s", "100k", "-f", "json")
    pct = cli("pay", "-c", "Raleigh", "-s", "100k", "-p", "75", "-f", "json")
    assert pct.code == 0 and pct.out == plain.out
    assert "Note: --percentile was not used" in pct.err
    assert "--percentile" not in cli("pay", "-c", "Raleigh", "-r", "sre", "-p", "75").err
    rent = cli("pay", "-c", "Raleigh", "-s", "100k", "--rent", "1500", "--bedrooms", "3")
    assert rent.code == 0 and "Note: --bedrooms was not used" in rent.err
    assert "--bedrooms" not in cli("pay", "-c", "Raleigh", "-s", "1e5", "--bedrooms", "3").err
    ranked = cli("cities", "-s", "100k", "-p", "90", "-n", "1")
    assert ranked.code == 0 and "Note: --percentile was not used" in ranked.err
    assert cli("pay", "-c", "Raleigh", "-s", "100k").err == ""


def test_market_ingest_says_it_reads_files_not_stdin(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("market", "ingest", "-", "--db", str(tmp_path / "m.duckdb"))
    assert result.code == 2
    assert result.err.startswith("Error: ") and "stdin" in result.err, result.err
    assert not (tmp_path / "m.duckdb").exists()


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["cities", "-s", "1e5", "-n", "abc"], "'abc' is not a whole number"),
        (["pay", "-c", "Raleigh", "-s", "1e5", "-y", "20x5"], "'20x5' is not a whole number"),
        (["pay", "-c", "Raleigh", "-s", "1e5", "--bedrooms", "1.5"], "'1.5' is not a whole"),
        (["pay", "-c", "Raleigh", "-r", "sre", "-p", "fifty"], "'fifty' is not a whole number"),
        (["report", "devops", "sre", "-o", "r.md", "-y", "x"], "'x' is not a whole number"),
        (["serve", "-p", "abc"], "'abc' is not a whole number"),
        (["serve", "-p", "0"], "a TCP port is 1 to 65535; got 0"),
        (["serve", "-p", "70000"], "a TCP port is 1 to 65535; got 70000"),
        (["market", "ingest", "x.jsonl", "--workers", "0"], "must be 1 or more; got 0"),
        (["market", "collect", "-q", "sre", "--hours-old", "soon"], "'soon' is not a whole"),
    ],
)
def test_a_number_option_refuses_text_in_plain_words(cli, argv: list[str], wanted: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv)
    assert result.code == 2 and not result.out
    (error,) = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert wanted in error and "Input should" not in error, error


def test_save_dash_is_refused_not_a_file_named_dash(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cv.txt").write_text("Linux, Kubernetes\n", encoding="utf-8")
    result = cli("fit", "--resume", "cv.txt", "--save", "-")
    assert result.code == 2 and not result.out
    assert result.err.startswith("Error: ") and "--save" in result.err
    assert not (tmp_path / "-").exists()
