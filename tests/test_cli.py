"""The command line: every command, every format, and clear errors with exit status 2."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
import typer

from rolediff.cli import app
from rolediff.cli_common import Format
from rolediff.render import OutputFormat, Table, emit
from tests.conftest import run_process

FORMATS = ["table", "json", "csv", "markdown"]
COMMANDS = [
    ["roles"],
    ["role", "sre"],
    ["compare", "devops", "sre"],
    ["compare", "devsecops", "cloud", "--city", "Houston, TX"],
    ["where", "raleigh"],
    ["data", "sources"],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_every_command_in_every_format(cli, argv: list[str], fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv, "--format", fmt)
    assert result.code == 0, result.err
    assert result.out.strip()
    if fmt == "json":
        json.loads(result.out)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.out)))
        assert len(rows) >= 2 and len({len(r) for r in rows}) == 1
    elif fmt == "markdown":
        assert result.out.startswith("## ")


def test_compare_json_has_the_five_dimensions(cli) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(cli("compare", "devops", "sre", "--format", "json").out)
    for key in (
        "focus",
        "responsibilities",
        "skills",
        "background",
        "education",
        "prospects",
        "salaries",
    ):
        assert key in out
    assert len(out["skills"]["shared"]) == 9
    assert {s["id"] for s in out["skills"]["only_b"]} == {
        "version-control",
        "incident-response",
        "capacity-planning-load-testing",
        "security-hardening",
    }
    assert all(s["name"] for s in out["skills"]["shared"])


def test_compare_table_follows_the_article_order(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("compare", "devops", "sre").out
    heads = [
        "1. Focus",
        "2. Roles and responsibilities",
        "3. Skills",
        "4. Career prospects",
        "5. Salaries",
    ]
    positions = [out.index(h) for h in heads]
    assert positions == sorted(positions)
    assert "Boot.dev blog" in out and "2023-01-30" in out


def test_where_json_gives_the_cbsa(cli) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(cli("where", "raleigh", "--format", "json").out)
    assert out["cbsa_code"] == "39580"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["compare", "devops", "nosuchrole"], "Did you mean"),
        (["compare", "devops", "srr"], "'sre'"),
        (["role", "qa"], "Unknown role"),
        (["where", "Portland"], "Portland, OR"),
        (["where", "Atlantis"], "Unknown place"),
        (["compare", "devops", "sre", "--city", "Nowhere"], "Unknown place"),
        (["compare", "devops", "devops"], "two different roles"),
        (["compare", "devops", "sre", "--format", "yaml"], "yaml"),
        (["compare", "devops"], "Missing argument"),
        (["nosuchcommand"], "No such command"),
        (["cities", "--salary", "90000", "--chart", "/nonexistent-dir/c.svg"], "No such directory"),
        (["report", "devops", "sre", "-o", "/nonexistent-dir/r.html"], "No such directory"),
        (["fit", "--skills", "linux", "--from", "sre", "--to", "sre"], "same role"),
        (["fit", "--skills", ",,,"], "No skills given"),
        (["fit", "-s", "linux", "--from", "devops", "--to", "sre", "-t", "cloud"], "differ"),
        (["report", "devops", "sre", "-o", "/tmp/r.html", "-t", "nope"], "Unknown role"),
        (["report", "devops", "sre", "-o", "/tmp/r.html", "-t", "sre"], "give skills"),
        (["report", "devops", "sre", "-o", "/tmp/r.html", "-f", "md"], "make them agree"),
        (["posting", "/"], "is a directory"),
        (["fit", "--resume", "/"], "is a directory"),
        (["fit", "--profile", "/"], "is a directory"),
    ],
)
def test_user_errors_exit_2_with_a_message(cli, argv: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv)
    assert result.code == 2
    assert needle in result.err
    assert "Traceback" not in result.err + result.out


def test_error_in_a_real_process_has_no_traceback() -> None:
    proc = run_process(["compare", "devops", "nosuchrole"])
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Did you mean" in proc.stderr and "Traceback" not in proc.stderr


def test_no_colour_when_piped_or_no_color() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = run_process(["compare", "devops", "sre"], env=env)
    assert proc.returncode == 0
    assert "\x1b[" not in proc.stdout
    plain = run_process(["roles"])
    assert "\x1b[" not in plain.stdout


def _commands(group, path=()):  # type: ignore[no-untyped-def]
    import typer.main

    command = typer.main.get_command(group)
    stack = [(path, command)]
    while stack:
        where, cmd = stack.pop()
        yield where, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append(((*where, name), sub))


def test_every_command_and_parameter_has_help() -> None:
    for path, command in _commands(app):
        assert (command.help or "").strip(), f"rolediff {' '.join(path)} has no help text"
        for param in command.params:
            if param.name in {"help"}:
                continue
            assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name} has no help"


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    from rolediff import __version__

    result = cli("--version")
    assert result.code == 0 and __version__ in result.out


def test_table_cells_are_text_not_console_markup() -> None:
    from rolediff.render import OutputFormat, Table, emit

    out = io.StringIO()
    cells = ["Ops [/remote] lead", "[bold]x", "DevOps [remote] role"]
    emit({}, [Table("Postings [/x]", ["title [i]"], [[c] for c in cells])], OutputFormat.table, out)
    text = out.getvalue()
    assert all(c in text for c in [*cells, "Postings [/x]", "title [i]"]), text


def test_piped_tables_keep_short_cells_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolediff.render import PIPED_MAX_WIDTH, OutputFormat, Table, emit

    monkeypatch.delenv("COLUMNS", raising=False)
    rows = [
        [f"Metro number {i}, ST", f"${i * 1000 + 133_989:,}", "$31,474", "$8,543"] for i in range(3)
    ]
    out = io.StringIO()
    emit(
        {},
        [Table("Ranked", ["city", "gross", "taxes", "after tax / mo"], rows)],
        OutputFormat.table,
        out,
    )
    lines = out.getvalue().splitlines()
    assert any("$133,989" in line and "Metro number 0, ST" in line for line in lines)
    prose = [["word " * 200]]
    out = io.StringIO()
    emit({}, [Table("Long", ["text"], prose)], OutputFormat.table, out)
    assert max(map(len, out.getvalue().splitlines())) <= PIPED_MAX_WIDTH


LONG_URL = "https://example.org/" + "/".join(f"section-{i}" for i in range(20)) + "/page.html"
LONG_NOTE = (
    "Source: a note longer than any terminal, folded nowhere when piped so that it can be "
    f"copied or grepped whole, ending with its link {LONG_URL}"
)


note_app = typer.Typer(add_completion=False)


@note_app.command()
def show_a_long_note(fmt: Format = OutputFormat.table) -> None:
    """One table with a long note and a long URL, printed as every command prints."""
    table = Table("Links", ["name", "url"], [["guide", LONG_URL]], notes=[LONG_NOTE])
    emit({"url": LONG_URL, "note": LONG_NOTE}, [table], fmt)


def _piped(target, *argv: str) -> str:  # type: ignore[no-untyped-def]
    """What a command writes to a pipe: typer's CliRunner is no terminal."""
    from typer.testing import CliRunner

    runner = CliRunner(env={"COLUMNS": None, "LINES": None, "FORCE_COLOR": None})
    result = runner.invoke(target, list(argv))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_piped_output_keeps_long_notes_and_urls_on_one_line(fmt: str) -> None:
    out = _piped(note_app, "--format", fmt)
    lines = out.splitlines()
    if fmt == "json":
        assert json.loads(out) == {"url": LONG_URL, "note": LONG_NOTE}
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out))) == [["name", "url"], ["guide", LONG_URL]]
    elif fmt == "markdown":
        assert f"> {LONG_NOTE}" in lines and f"| guide | {LONG_URL} |" in lines
    else:
        assert f"  {LONG_NOTE}" in lines  # whole, on its own line
        assert any(LONG_URL in line for line in lines[:-1])  # the table's cell, unfolded too
        assert all(line == line.rstrip() for line in lines if "│" not in line)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_piped_command_prints_its_cited_sources_whole(fmt: str) -> None:
    from rolediff.data import sources
    from rolediff.roles import get_role
    from rolediff.views import role_tables

    profile = get_role("sre")
    cited = {s: sources()[s] for s in profile.sources}
    notes = [note for table in role_tables(profile, cited) for note in table.notes]
    assert any(len(note) > 160 and "https://" in note for note in notes)  # longer than a row
    out = _piped(app, "role", "sre", "--format", fmt)
    lines = out.splitlines()
    if fmt == "table":
        assert all(f"  {note}" in lines for note in notes)
    elif fmt == "markdown":
        assert all(f"> {note}" in lines for note in notes)
    elif fmt == "json":
        assert json.loads(out) == profile.model_dump(mode="json")
    else:
        rows = list(csv.reader(io.StringIO(out)))
        assert len({len(row) for row in rows}) == 1 and len(rows) > 2


def test_a_path_that_cannot_be_written_is_a_user_error(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("fit", "--skills", "linux", "--resume", "/nonexistent.txt")
    assert result.code == 2 and "No such file" in result.err
    pdf = tmp_path / "cv.pdf"
    pdf.write_text("%PDF-1.4\nnot really\n")
    result = cli("posting", str(pdf))
    assert result.code == 2 and "is a PDF" in result.err
    result = cli("fit", "--resume", str(pdf))
    assert result.code == 2 and "not a readable PDF" in result.err
    assert result.err.count("\n") == 1, result.err  # no library warnings before the message
    result = cli("market", "report", "--role", "sre", "--vs", "sre")
    assert result.code == 2 and "same role" in result.err
    resume = tmp_path / "cv.txt"
    resume.write_text("Linux, Kubernetes, Terraform")
    result = cli("fit", "--resume", str(resume), "--save", str(blocker / "x.txt"))
    assert result.code == 2 and "Traceback" not in result.err, result.err
    folder = tmp_path / "c.svg"
    folder.mkdir()
    result = cli("cities", "--salary", "90000", "--chart", str(folder))
    assert result.code == 2 and "is a directory" in result.err


def test_match_to_the_same_place_needs_the_same_salary(cli) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(
        cli("match", "--salary", "120000", "--from", "Raleigh", "--to", "Raleigh", "-f", "json").out
    )
    assert out["needed_salary"] == 120000 and out["difference"] == 0
    table = cli("match", "--salary", "120000", "--from", "Raleigh", "--to", "Raleigh").out
    assert "needs the same salary" in table


def test_pay_says_when_the_role_is_not_used(cli) -> None:  # type: ignore[no-untyped-def]
    both = cli("pay", "--city", "Raleigh, NC", "--salary", "120000", "--role", "sre", "-f", "json")
    alone = cli("pay", "--city", "Raleigh, NC", "--salary", "120000", "-f", "json")
    assert both.code == alone.code == 0 and both.out == alone.out
    assert "--role was not used" in both.err and "--role" not in alone.err


def test_fit_saves_the_resume_text_only_when_it_answers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    resume = tmp_path / "cv.txt"
    resume.write_text("Linux and Kubernetes engineer\n", encoding="utf-8")
    kept = tmp_path / "kept.txt"
    failed = cli("fit", "--resume", str(resume), "--save", str(kept), "-t", "nope")
    assert failed.code == 2 and not kept.exists()
    assert cli("fit", "--resume", str(resume), "--save", str(kept)).code == 0
    assert kept.read_text(encoding="utf-8") == "Linux and Kubernetes engineer\n"


def test_csv_and_markdown_carry_data_as_text_not_as_code() -> None:
    """A posting titled "=HYPERLINK(...)" opens in a spreadsheet as text; "<b>" in Markdown
    output is shown, not rendered; amounts are plain numbers, signed numbers stay numbers."""
    from rolediff.render import OutputFormat, Table, emit

    table = Table(
        "Posting <b>x</b>",
        ["title", "taxes", "note"],
        [
            ['=HYPERLINK("http://x")', "-$1,200", "@SUM(A1)"],
            ["-cmd", "+5%", "a | <i>b</i>"],
            ["$120k-$150k", "$13,447.67", "1,493"],
        ],
        notes=["<script>alert(1)</script>"],
    )
    out = io.StringIO()
    emit({}, [table], OutputFormat.csv, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-1200", "'@SUM(A1)"]
    assert rows[2] == ["'-cmd", "+5%", "a | <i>b</i>"]
    assert rows[3] == ["$120k-$150k", "13447.67", "1493"]
    out = io.StringIO()
    emit({}, [table], OutputFormat.markdown, out)
    text = out.getvalue()
    assert "<" not in text.replace("<br>", "") and "&lt;b&gt;x&lt;/b&gt;" in text
    assert "a \\| &lt;i&gt;b&lt;/i&gt;" in text


def test_cities_title_says_what_it_ranks_by_and_salaries_have_a_ceiling(cli) -> None:  # type: ignore[no-untyped-def]
    ranked = cli("cities", "--role", "sre", "--sort", "gross", "--top", "3", "-f", "markdown")
    assert ranked.code == 0 and "## Metros ranked by gross pay" in ranked.out
    absurd = cli("pay", "--city", "Raleigh, NC", "--salary", "1e308")
    assert absurd.code == 2 and "at most $1,000,000,000" in absurd.err


def test_amounts_that_round_to_zero_show_no_minus_sign(cli) -> None:  # type: ignore[no-untyped-def]
    """A $1 salary's tax is a fraction of a cent's credit: "$0", not "-$0"."""
    from rolediff.views import dollars, money

    assert (dollars(-0.3), money(-0.004)) == ("$0", "$0")
    assert (dollars(-0.6), money(-1200.5), money(-0.01)) == ("-$1", "-$1,200.50", "-$0.01")
    ranked = cli("cities", "--salary", "1", "--top", "3", "-f", "csv")
    assert ranked.code == 0 and "-0," not in ranked.out
    assert "-$0 " not in cli("cities", "--salary", "1", "--top", "3").out


def test_a_file_error_without_a_path_still_reads_as_a_sentence(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An OSError that names no file ("File too large" from a size limit) once printed
    "cannot use: File too large."."""
    import errno

    import rolediff.geo

    def too_large(place: str) -> None:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr(rolediff.geo, "resolve_place", too_large)
    result = cli("where", "Raleigh, NC")
    assert result.code == 2
    assert result.err.strip() == "Error: cannot read or write a file: File too large."


def test_posting_table_shows_pay_as_stated_and_a_bare_work_mode(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Hourly pay showed only as its yearly sum, a minimum alone as the exact pay, and a posting
    that is only "Remote" as "— (remote)"."""
    path = tmp_path / "jobs.jsonl"
    text = "Own SLOs, on-call and incident response for Kubernetes services."
    records = [
        {"description": text, "salary": "$60.50-$80 an hour", "location": "Remote"},
        {"description": text, "salary": "from £120,000 a year", "location": "Austin, TX"},
        {"description": text, "salary": "$81K-$167K (Glassdoor est.)", "location": "Remote"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    rows = list(csv.reader(io.StringIO(cli("posting", str(path), "-f", "csv").out)))
    assert [row[5:7] for row in rows[1:]] == [
        ["USD 60.50 - 80 an hour (125,840 - 166,400 a year; field)", "remote"],
        ["GBP from 120,000 a year (field)", "Austin, TX"],
        ["USD 81,000 - 167,000 a year (job board's estimate)", "remote"],
    ]


@pytest.mark.parametrize("salary", ["120000", "87654.32", "250000"])
def test_the_pay_statement_adds_up_in_both_columns(cli, salary: str) -> None:  # type: ignore[no-untyped-def]
    """Take-home a year was the month times 12, a few cents off the rows above it."""
    out = cli("pay", "-c", "Raleigh, NC", "-s", salary, "-f", "csv").out
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out))}
    for column in (0, 1):
        after, rent = float(rows["After tax"][column]), float(rows["Rent"][column])
        living = float(rows["Living costs (food, transport, health, other)"][column])
        kept = float(rows["Take-home after rent and living costs"][column])
        assert kept == pytest.approx(after + rent + living, abs=0.005)


def test_a_rate_a_hair_below_zero_shows_as_zero(cli) -> None:  # type: ignore[no-untyped-def]
    """A $1 salary's marginal rate (a refundable credit's phase-in) printed "-0.0%"."""
    out = cli("pay", "-c", "Raleigh, NC", "-s", "1").out
    assert "marginal" in out and "-0.0%" not in out


def test_the_cities_chart_file_names_the_role(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = tmp_path / "cities.svg"
    assert cli("cities", "--role", "devsecops", "--top", "3", "--chart", str(chart)).code == 0
    assert "estimated DevSecOps salary" in chart.read_text(encoding="utf-8")


def test_match_names_what_either_place_leaves_out(cli) -> None:  # type: ignore[no-untyped-def]
    """pay and cities warn that a Kentucky city's local tax is not charged; match to it printed
    a lower needed salary with no word of it (and no tax year)."""
    out = cli("match", "-s", "100000", "--from", "Raleigh, NC", "--to", "Owensboro, KY").out
    assert "Owensboro, KY: Not included: Kentucky cities and counties levy" in out
    assert "Tax year 2026, single filer." in out
    for fmt in ("markdown", "csv"):
        assert (
            cli("match", "-s", "1e5", "--from", "Raleigh", "--to", "Raleigh", "-f", fmt).code == 0
        )


def test_compare_take_home_says_which_salary_and_what_it_leaves_out(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("compare", "devops", "sre", "--city", "Owensboro, KY").out
    take_home = out[out.index("5. Take-home in Owensboro, KY") : out.index("5. Best metros")]
    assert "50th percentile (the median) of each role's salaries in Owensboro, KY" in take_home
    assert "Not included: Kentucky cities and counties levy" in take_home


def test_pay_says_which_percentile_of_whose_salary(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("pay", "-c", "Raleigh, NC", "-r", "sre", "-p", "90").out
    assert "Salary: 90th percentile of SRE salaries in Raleigh, NC; estimate:" in out


def test_cities_names_its_own_option_for_an_unknown_sort(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cities", "--salary", "100000", "--sort", "cheapest")
    assert result.code == 2
    assert "--sort" in result.err and "take_home, after_tax or gross" in result.err
    assert "'cheapest'" in result.err
    # Spellings the library reads still work.
    assert cli("cities", "--salary", "100000", "--sort", "After-Tax", "--top", "1").code == 0


@pytest.mark.parametrize("top", ["0", "-3"])
def test_cities_names_its_own_option_when_top_is_too_small(cli, top: str) -> None:  # type: ignore[no-untyped-def]
    # The library's message speaks of the API's `top`; the CLI user typed --top.
    result = cli("cities", "--salary", "100000", "--top", top)
    assert result.code == 2
    assert "--top" in result.err and "1 or more" in result.err
    assert "Traceback" not in result.err


def test_cities_csv_keeps_place_names_and_flags_the_local_tax_in_a_column(cli) -> None:  # type: ignore[no-untyped-def]
    """CSV drops notes, so the "*" after a name ("Owensboro, KY *") was left unexplained and the
    city no longer matched the JSON's place."""
    argv = ("cities", "-r", "sre", "--state", "KY")
    rows = list(csv.DictReader(io.StringIO(cli(*argv, "-f", "csv").out)))
    data = json.loads(cli(*argv, "-f", "json").out)
    assert [r["city"] for r in rows] == [d["place"] for d in data]
    flags = [r["local tax not charged"] == "yes" for r in rows]
    assert flags == [d["local_tax_not_modelled"] for d in data] and any(flags)
    table = cli(*argv, "-p", "75").out
    assert "Owensboro, KY *" in table and "* The city levies a local tax" in table
    assert "Gross: each metro's estimated SRE salary, 75th percentile;" in table
    assert "Gross:" not in cli("cities", "-s", "1e5", "-n", "2").out


def test_posting_table_tells_a_hybrid_of_roles_from_hybrid_work(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A column headed "hybrid" said "no" beside a place "Denver, CO (hybrid)"."""
    path = tmp_path / "job.txt"
    path.write_text("Own CI/CD and Terraform on AWS; on-call and SLOs. Hybrid.", encoding="utf-8")
    rows = list(csv.reader(io.StringIO(cli("posting", str(path), "-f", "csv").out)))
    assert rows[0][3] == "hybrid of roles"


def test_posting_tables_give_a_hybrids_other_role_its_own_reasons(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The core SRE skills that make a DevOps posting a hybrid were listed under "Why devops"
    with a pull of +0.000."""
    path = tmp_path / "job.txt"
    path.write_text(
        "We are hiring a DevOps Engineer to build CI/CD pipelines with Jenkins and Terraform. "
        "Join our on-call rotation, define SLOs and error budgets, write blameless postmortems.",
        "utf-8",
    )
    out = cli("posting", str(path), "-f", "markdown").out
    why, also = out.split("## Why devops")[1].split("## Also sre")
    assert "SLO" not in why and "+0.000" not in out
    assert "| skill | SLO | core sre skill |" in also
    assert "the devops profile does not" in also


def test_posting_tables_top_skills_are_tools_before_soft_skills(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The summary named "Collaboration, Problem-solving, Cloud platforms" before the tools."""
    path = tmp_path / "job.txt"
    path.write_text(
        "Collaboration and communication matter here, and problem-solving. Experience with "
        "cloud platforms: we run Kubernetes with Terraform on AWS.",
        "utf-8",
    )
    (row,) = csv.DictReader(io.StringIO(cli("posting", str(path), "-f", "csv").out))
    top = row["top skills"].split(", ")
    assert top[:3] == ["Kubernetes", "Terraform", "AWS"]
    assert "Collaboration" in top  # still there, after the tools
    skills = json.loads(cli("posting", str(path), "-f", "json").out)["skills"]
    assert skills[0]["name"] == "Collaboration"  # the JSON keeps the posting's order


def test_posting_table_shows_the_employment_terms(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "job.txt"
    path.write_text("Own CI/CD and Terraform on AWS.\n\nThis is a full-time position.", "utf-8")
    (row,) = csv.DictReader(io.StringIO(cli("posting", str(path), "-f", "csv").out))
    assert row["employment"] == "full-time"
    assert json.loads(cli("posting", str(path), "-f", "json").out)["employment_type"] == "full_time"


@pytest.mark.parametrize(
    "argv",
    [
        ["roles", "-f", "xml"],
        ["report", "devops", "sre", "-o", "r.md", "-f", "pdf"],
        ["market", "run", "-i", "x", "-o", "y", "--engine", "flink"],
    ],
)
def test_a_value_not_among_the_choices_is_refused_in_plain_words(cli, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Typer worded it "Value error, 'xml' is not one of ...", its validator's prefix."""
    result = cli(*argv)
    assert result.code == 2 and not result.out
    (error,) = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert "is not one of" in error and "Value error" not in error


def test_md_is_markdown_for_every_format_option(cli) -> None:  # type: ignore[no-untyped-def]
    """`report -f md` worked and `roles -f md` was refused."""
    assert cli("roles", "-f", "MD").out == cli("roles", "-f", "markdown").out
    assert cli("roles", "-f", "Json").code == 0


def test_vs_without_role_names_the_options(cli) -> None:  # type: ignore[no-untyped-def]
    """The library said "vs needs a role to set apart from it (role)."."""
    for argv in (["market", "report"], ["market", "run", "-i", "x", "-o", "y"]):
        result = cli(*argv, "--vs", "devops")
        assert result.code == 2
        assert result.err.startswith("Error: --vs needs a role to set apart from 'devops':")
        assert "give --role too" in result.err


def test_the_same_option_reads_the_same_in_every_command(cli) -> None:  # type: ignore[no-untyped-def]
    """fit showed --resume <str> where report showed --resume FILE; report had --year but not
    the -y that pay, cities and match have."""
    fit, report = cli("fit", "-h").out, cli("report", "-h").out
    assert "--resume FILE" in fit and "--resume FILE" in report
    assert "--profile FILE" in fit and "--save FILE" in fit
    for command in ("pay", "cities", "match", "report"):
        assert "-y, --year <int>" in cli(command, "-h").out, command


def test_match_of_a_shortfall_says_it_keeps_the_shortfall(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("match", "-s", "30000", "--from", "New York, NY", "--to", "Raleigh, NC").out
    assert "exceed after-tax pay by $" in out and "keeps that shortfall" in out
    comfortable = cli("match", "-s", "200000", "--from", "New York, NY", "--to", "Raleigh, NC")
    assert "shortfall" not in comfortable.out


def test_a_folded_table_wraps_between_words_and_cuts_none_that_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rich narrowed the widest columns to any width, cutting words ("Collaboratio" over "n");
    a column now keeps its longest word whole when every column's longest word fits."""
    rows = [
        ["jp-3a2765eef264", "Senior Manager, Site Reliability", "sre (100%)",
         "Collaboration, Communication, Google Cloud, Ansible, Terraform", "Charlottesville, VA"],
        ["jp-95e078d700aa", "Senior User Researcher", "other (100%)", "Kubernetes", "Remote"],
    ]  # fmt: skip
    table = Table("Postings", ["posting", "title", "role", "top skills", "place"], rows)
    words = {w for row in rows for cell in row for w in cell.split()}
    for width in (80, 100):  # the longest words take 78 columns with the borders
        monkeypatch.setenv("COLUMNS", str(width))
        out = io.StringIO()
        emit({}, [table], OutputFormat.table, out)
        lines = out.getvalue().splitlines()
        assert max(map(len, lines)) <= width
        shown = {w for line in lines for cell in line.split("│") for w in cell.split()}
        assert words <= shown, sorted(words - shown)
    monkeypatch.setenv("COLUMNS", "60")  # they cannot: the longest are cut, the short kept
    out = io.StringIO()
    emit({}, [table], OutputFormat.table, out)
    lines = out.getvalue().splitlines()
    shown = {w for line in lines for cell in line.split("│") for w in cell.split()}
    assert max(map(len, lines)) <= 60 and {"sre", "(100%)", "Remote"} <= shown


def test_a_narrow_table_never_splits_an_amount(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS=40: the text column folds, but "-$18,745.20" is never printed as "-$18,745.2"
    and "0" on the next line, which would read as another amount."""
    monkeypatch.setenv("COLUMNS", "40")
    rows = [
        ["Living costs (food, transport, health, other)", "-$18,745.20", "-$1,562.10"],
        ["Take-home after rent and living costs", "$37,801.53", "$3,150.13"],
    ]
    for columns in (["item", "annual", "monthly"], ["item", "annual", "monthly", "x", "y", "z"]):
        table = Table(
            "Take-home pay", columns, [r + ["$1,000,000.00"] * (len(columns) - 3) for r in rows]
        )
        out = io.StringIO()
        emit({}, [table], OutputFormat.table, out)
        text = out.getvalue()
        for row in table.rows:
            for amount in row[1:]:
                assert amount in text, (amount, text)
