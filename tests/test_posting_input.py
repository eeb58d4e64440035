"""`rolediff posting` input: stdin, encodings, nesting, CSV sniffing, field types, record numbers,
ids, output shape and the -t/-l defaults."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import cli_common
from rolediff.postings.read import Given, Malformed, RawPosting, read_postings, sniff, strip_html

SRE = "Own SLOs, on-call and incident response for Kubernetes services."
DEVOPS = "Build CI/CD pipelines with Jenkins and Terraform."
DEEP = "[" * 100_000 + "]" * 100_000
JOBSPY_CSV = (
    "title,company,location,description,min_amount,max_amount,interval,currency,site,job_url\n"
    f'SRE,Acme,"Austin, TX","{SRE}",140000,175000,yearly,USD,indeed,https://example.com/1\n'
    f"DevOps Engineer,Beta,Remote,{DEVOPS},,,,,,\n"
)


def jsonl(*records: Any) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """stdin("text" or b"bytes") gives the CLI that input on stdin."""

    def feed(data: str | bytes) -> None:
        raw = data.encode() if isinstance(data, str) else data
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))

    return feed


def analyses(cli: Any, *argv: str) -> Any:
    result = cli("posting", *argv, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_stdin_is_checked_like_a_file(cli, stdin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stdin(b"SRE on-call\nfor SLOs \xff\n")
    result = cli("posting", "-")
    assert result.code == 2
    assert result.err == "Error: stdin is not UTF-8 text (line 2, byte 21).\n"
    stdin(b"%PDF-1.4\n")
    assert "stdin is a PDF" in cli("posting", "-").err
    monkeypatch.setattr(cli_common, "MAX_INPUT_BYTES", 10)
    stdin(SRE)
    result = cli("posting", "-")
    assert result.code == 2 and "stdin is larger than" in result.err


def test_a_text_file_that_is_not_utf8_is_refused_saying_where(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "job.txt"
    path.write_bytes(b"\xef\xbb\xbfSRE\non-call \xe9t\xe9\n")
    result = cli("posting", str(path))
    assert result.code == 2
    assert result.err == f"Error: {path} is not UTF-8 text (line 2, byte 15).\n"


def test_json_nested_too_deep_is_an_error_or_a_malformed_line(cli, tmp_path, stdin) -> None:  # type: ignore[no-untyped-def]
    document = tmp_path / "deep.json"
    document.write_text(DEEP)
    result = cli("posting", str(document))
    assert result.code == 2 and result.err == "Error: Input is JSON nested too deeply to read.\n"
    lines = '{"description": ' + DEEP + "}\n" + jsonl({"description": SRE})
    stdin(lines)  # sniffed as JSONL although its first line is too deep to parse
    result = cli("posting", "-", "--format", "json")
    assert result.code == 0, result.err
    assert result.err == "line 1: skipped: JSON nested too deeply\n"
    assert [a["id"] for a in json.loads(result.out)] == ["line 2"]


def test_json_with_a_number_too_long_to_read_is_an_error_or_a_malformed_line(  # type: ignore[no-untyped-def]
    cli, tmp_path, stdin
) -> None:
    huge = "1" * 5_000  # over Python's 4,300-digit limit for reading an integer
    document = tmp_path / "huge.json"
    document.write_text('{"description": "SRE on-call", "x": ' + huge + "}")
    result = cli("posting", str(document))
    assert result.code == 2
    assert result.err == "Error: Input holds a number too long to read (over 4,300 digits).\n"
    stdin('{"description": "SRE", "x": ' + huge + "}\n" + jsonl({"description": SRE}))
    result = cli("posting", "-", "--format", "json")
    assert result.code == 0, result.err
    assert result.err == "line 1: skipped: a number too long to read (over 4,300 digits)\n"
    assert [a["id"] for a in json.loads(result.out)] == ["line 2"]


def test_market_ingest_skips_a_line_nested_too_deep(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.jsonl"
    path.write_text(jsonl({"description": SRE}) + DEEP + "\n" + jsonl({"description": DEVOPS}))
    result = cli("market", "ingest", str(path), "--db", str(tmp_path / "m.duckdb"), "-f", "json")
    assert result.code == 0, result.err
    assert "JSON nested too deeply" in result.out + result.err


def test_csv_is_recognised_by_its_header(cli, tmp_path, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(JOBSPY_CSV)
    out = analyses(cli, "-")
    assert [(a["id"], a["title"], a["role"]) for a in out] == [
        ("line 2", "SRE", "sre"),
        ("line 3", "DevOps Engineer", "devops"),
    ]
    renamed = tmp_path / "jobs.txt"
    renamed.write_text(JOBSPY_CSV)
    assert len(analyses(cli, str(renamed))) == 2
    assert isinstance(analyses(cli, str(renamed), "--input-format", "text"), dict)
    assert sniff("description,label\nRun Kubernetes,sre\n") == "csv"
    prose = f"Description, responsibilities and pay\n{SRE}\n"
    assert sniff(prose) == "text" and sniff(prose, "job.txt") == "text"
    assert sniff("Title, Description\nSRE\n") == "csv"
    assert sniff("title,description\rSRE,on-call\r") == "csv"  # old Mac line ends


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"description": {"text": SRE}}, "description is not text"),
        ({"description": [SRE]}, "description is not text"),
        ({"description": 42}, "description is not text"),
        ({"description": True}, "description is not text"),
        ({"description": SRE, "title": 7}, "title is not text"),
        ({"description": SRE, "location": ["Austin"]}, "location is not text"),
        ({"description": SRE, "salary": {"min": 1}}, "salary is not text"),
    ],
)
def test_a_field_that_is_not_text_is_a_malformed_record(cli, tmp_path, record, reason) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "jobs.jsonl"
    path.write_text(jsonl(record, {"description": DEVOPS}))
    result = cli("posting", str(path), "--format", "json")
    assert result.code == 0 and result.err == f"line 1: skipped: {reason}\n"
    assert [a["id"] for a in json.loads(result.out)] == ["line 2"]
    strict = cli("posting", str(path), "--strict")
    assert strict.code == 2 and "nothing analysed (strict)" in strict.err


def test_numbers_are_fine_for_salaries_and_ids() -> None:
    records = list(
        read_postings(
            jsonl(
                {"description": SRE, "salary": 150000, "id": 7},
                {"description": SRE, "min_amount": 140000, "max_amount": 175000.5},
            ),
            "jsonl",
        )
    )
    assert [(r.id, r.salary_text) for r in records if isinstance(r, RawPosting)] == [
        ("7", "150000"),
        (None, "USD 140000-175000.5"),
    ]


def test_fields_given_for_a_batch_fill_only_the_records_without_them() -> None:
    own = {"description": SRE, "salary": "$150,000", "job_type": "fulltime", "job_level": ""}
    given = Given(salary_text="$90/hr", job_type="contract", job_level="Entry level")
    records = read_postings(jsonl(own, {"description": DEVOPS}), "jsonl", given)
    assert [
        (r.salary_text, r.job_type, r.job_level) for r in records if isinstance(r, RawPosting)
    ] == [
        ("$150,000", "fulltime", "Entry level"),  # an empty field counts as none
        ("$90/hr", "contract", "Entry level"),
    ]


def test_json_escaping_half_a_surrogate_pair_is_a_malformed_record(cli, tmp_path, stdin) -> None:  # type: ignore[no-untyped-def]
    """ "\\ud800" is valid JSON but no character: its location, repeated in the JSON output,
    had ended the run with a traceback (UnicodeEncodeError)."""
    good = jsonl({"description": SRE})
    path = tmp_path / "jobs.jsonl"
    path.write_text(good + '{"description": "Run SRE.", "location": "Austin\\ud800, TX"}\n' + good)
    result = cli("posting", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert result.err.endswith(
        "line 2: skipped: location holds \\ud800, half of a surrogate pair, which is no character\n"
    )
    assert [a["id"] for a in json.loads(result.out)] == ["line 1", "line 3"]
    stdin('{"description": "Run SRE \\ud83d\\ude00 on-call."}')  # a pair is one character
    assert cli("posting", "-", "-f", "json").code == 0
    stdin('{"description": "Run SRE.", "emails": "x\\ud800"}')  # a field rolediff does not read
    assert cli("posting", "-", "-f", "json").code == 0
    # A command line's byte that is not UTF-8 (Python keeps 0xff as "\udcff") is refused too.
    text = tmp_path / "job.txt"
    text.write_text(SRE, encoding="utf-8")
    result = cli("posting", str(text), "--title", "SR\udcffE", "-f", "json")
    assert result.code == 2 and not result.out
    assert result.err == "Error: The posting's title holds a byte that is not UTF-8 (0xff).\n"


def test_a_line_that_is_not_utf8_is_one_malformed_record(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = tmp_path / "jobs.jsonl"
    good = jsonl({"description": SRE}).encode()
    lines.write_bytes(good + b'{"description": "caf\xe9"}\n' + good)
    table = tmp_path / "jobs.csv"
    table.write_bytes(
        b'title,description\nSRE,"' + SRE.encode() + b'"\nX,"two\nlines \xff"\nY,' + DEVOPS.encode()
    )
    for path, ids in ((lines, ["line 1", "line 3"]), (table, ["line 2", "line 5"])):
        result = cli("posting", str(path), "--format", "json")
        assert result.code == 0, result.err
        assert result.err.endswith(": skipped: not UTF-8 text\n")
        assert [a["id"] for a in json.loads(result.out)] == ids
        assert cli("posting", str(path), "--strict").code == 2
    assert "line 3: skipped" in cli("posting", str(table)).err


def test_records_are_numbered_by_index_in_an_array_and_by_line_in_csv(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    array = tmp_path / "jobs.json"
    array.write_text(json.dumps([{"description": SRE}, 3, {"title": "x"}, {"description": DEVOPS}]))
    result = cli("posting", str(array), "--format", "json")
    assert result.err == (
        "record 2: skipped: expected a JSON object\n"
        "record 3: skipped: no description (expected a 'description' field)\n"
    )
    assert [a["id"] for a in json.loads(result.out)] == ["record 1", "record 4"]
    table = tmp_path / "jobs.csv"
    table.write_text(f'title,description\n\nA,"{SRE}\nmore"\nB,"two\nlines",extra\nC,{DEVOPS}\n')
    result = cli("posting", str(table), "--format", "json")
    assert result.err == "line 5: skipped: more fields than the header has\n"
    assert [a["id"] for a in json.loads(result.out)] == ["line 3", "line 7"]


def test_an_id_given_is_kept_and_a_missing_one_says_where_the_record_is(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "jobs.jsonl"
    path.write_text(
        jsonl({"description": SRE, "id": "a1"}, {"title": "x"}, {"description": DEVOPS}, "x")
        + jsonl({"description": SRE})
    )
    result = cli("posting", str(path), "--format", "csv")
    assert [row.split(",")[0] for row in result.out.splitlines()[1:]] == ["a1", "line 3", "line 5"]
    single = tmp_path / "job.txt"
    single.write_text(SRE)
    assert analyses(cli, str(single))["id"] is None


def test_json_output_shape_follows_the_input_kind(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inputs = {
        "one.json": json.dumps([{"description": SRE}]),
        "one.jsonl": jsonl({"description": SRE}),
        "one.csv": f'description\n"{SRE}"\n',
        "none.json": json.dumps([{"description": SRE}, {"title": "no description"}]),
    }
    for name, text in inputs.items():
        (tmp_path / name).write_text(text)
        assert isinstance(analyses(cli, str(tmp_path / name)), list), name
    (tmp_path / "object.json").write_text(json.dumps({"description": SRE}))
    (tmp_path / "job.txt").write_text(SRE)
    for name in ("object.json", "job.txt"):
        assert isinstance(analyses(cli, str(tmp_path / name)), dict), name


def test_title_and_location_are_defaults_for_records_without_them(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "jobs.jsonl"
    path.write_text(jsonl({"description": SRE, "title": "SRE", "location": "Denver, CO"}))
    path.write_text(path.read_text() + jsonl({"description": SRE}))
    out = analyses(cli, str(path), "-t", "Platform Engineer", "-l", "Austin, TX")
    assert [(a["title"], a["location"]["text"]) for a in out] == [
        ("SRE", "Denver, CO"),
        ("Platform Engineer", "Austin, TX"),
    ]


def test_jsonl_lines_are_split_on_newlines_only() -> None:
    line = json.dumps({"description": f"{SRE}\u2028{DEVOPS}\x85"}, ensure_ascii=False)
    records = list(read_postings(line + "\n", "jsonl"))
    assert [type(r) for r in records] == [RawPosting]


def test_a_csv_description_longer_than_the_csv_modules_default_limit_is_read() -> None:
    long = "On-call for SLOs. " * 10_000
    records = list(read_postings(f"description\n{long}\n{DEVOPS}\n", "csv"))
    assert [type(r) for r in records] == [RawPosting, RawPosting]
    assert not any(isinstance(r, Malformed) for r in records)


def test_semicolon_and_tab_separated_tables_are_csv(cli, tmp_path, stdin) -> None:  # type: ignore[no-untyped-def]
    """A spreadsheet's export in a European locale (";") or a TSV was one text posting, or
    refused for want of a description column."""
    rows = [["SRE", SRE, "Austin, TX"], ["DevOps Engineer", DEVOPS, "Remote"]]
    expected = [("line 2", "SRE", "Austin, TX"), ("line 3", "DevOps Engineer", "Remote")]
    for delimiter, name, header in (
        (";", "-", ["title", "description", "location"]),
        ("\t", "jobs.txt", ["title", "description", "location"]),
        ("\t", "jobs.tsv", ["Job Title", "Job Description", "Location"]),
    ):
        text = "".join(delimiter.join(row) + "\n" for row in [header, *rows])
        stdin(text)
        (tmp_path / name).write_text(text)
        out = analyses(cli, str(tmp_path / name) if name != "-" else "-")
        assert [(a["id"], a["title"], a["location"]["text"]) for a in out] == expected, name


def test_a_quote_never_closed_is_reported_not_read_to_the_end(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The rows after an unclosed quote were silently read as one description."""
    path = tmp_path / "jobs.csv"
    path.write_text(f'title,description\nA,{DEVOPS}\nB,"{DEVOPS}\nC,{DEVOPS}\nD,{DEVOPS}\n')
    result = cli("posting", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert result.err == "line 3: skipped: a quote is never closed (lines 3-5 not read)\n"
    assert [a["id"] for a in json.loads(result.out)] == ["line 2"]
    assert cli("posting", str(path), "--strict").code == 2
    closed = f'title,description\nA,"{SRE}\nmore"\nB,say "{DEVOPS}"\n'  # quotes read as ever
    assert [type(r) for r in read_postings(closed, "csv")] == [RawPosting, RawPosting]


def test_a_file_with_no_good_record_says_what_is_wrong(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """It said "No posting to analyse" without the reasons the records were skipped."""
    one = tmp_path / "job.json"
    one.write_text(json.dumps({"title": "SRE"}))
    result = cli("posting", str(one))
    assert result.code == 2
    assert result.err == "Error: Record 1: no description (expected a 'description' field);" + (
        " nothing analysed.\n"
    )
    lines = tmp_path / "jobs.jsonl"
    lines.write_text("not json\n" + jsonl({"title": "SRE"}))
    result = cli("posting", str(lines))
    assert result.code == 2 and result.err.startswith(
        "Error: 2 malformed records, the first on line 1: invalid JSON"
    )


def test_json_lines_in_a_json_file_are_read_as_jsonl(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "jobs.json"
    path.write_text(jsonl({"description": SRE, "id": "a"}, {"description": DEVOPS}))
    assert [a["id"] for a in analyses(cli, str(path))] == ["a", "line 2"]
    path.write_text(json.dumps({"description": SRE}, indent=2))
    assert isinstance(analyses(cli, str(path)), dict)


def test_jobspy_pay_with_one_end_keeps_it_open() -> None:
    """A minimum alone ("from") was read as the exact pay, a maximum alone too ("up to")."""
    header = "title,description,min_amount,max_amount,interval,currency,is_remote\n"
    text = header + f"A,{DEVOPS},120000.0,,yearly,GBP,False\nB,{DEVOPS},,90,hourly,,True\n"
    records = list(read_postings(text, "csv"))
    assert [(r.salary_text, r.location) for r in records if isinstance(r, RawPosting)] == [
        ("from GBP 120000.0 per year", None),
        ("up to USD 90 per hour", "Remote"),
    ]


def test_html_cells_and_sections_stay_apart() -> None:
    """Table cells and sections ran together ("KubernetesTerraform"): their skills were lost."""
    page = "<table><tr><th>Tools</th><td>Kubernetes</td><td>Terraform</td></tr></table>"
    fragment = json.dumps({"description": "<section>On-call</section><section>SLOs</section>"})
    (record,) = read_postings(fragment, "json")
    assert isinstance(record, RawPosting)
    assert (strip_html(page).split(), record.description.split()) == (
        ["Tools", "Kubernetes", "Terraform"],
        ["On-call", "SLOs"],
    )


def test_blank_lines_before_a_csv_header_are_skipped(cli, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(f"\n\ntitle;description\nA;{DEVOPS}\n")
    assert [a["id"] for a in analyses(cli, "-")] == ["line 4"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Senior Site Reliability Engineer\n\nWe run on-call for our platform.",
            "Senior Site Reliability Engineer",
        ),
        ("# DevOps Engineer (Remote)\n\nBuild CI/CD pipelines.", "DevOps Engineer (Remote)"),
        (
            "**Platform Engineer, Developer Experience**\nOwn our IDP.",
            "Platform Engineer, Developer Experience",
        ),
        ("<h1>Cloud Architect</h1><p>Design landing zones on AWS.</p>", "Cloud Architect"),
        ("**Job title:** DevSecOps Engineer\nShift security left.", "DevSecOps Engineer"),
        ("Position Title: Principal Data Scientist\nModels.", "Principal Data Scientist"),
        # Not a title: a sentence, a heading that names no job, a line too long to be one.
        ("We are hiring an SRE to own on-call.\nApply now.", None),
        ("About us\n\nWe are hiring a DevOps engineer.", None),
        ("Senior engineer " * 10 + "\nText.", None),
        ("Requirements:\n- Kubernetes", None),
    ],
)
def test_a_text_postings_first_line_is_its_title_when_it_reads_as_one(
    text: str, title: str | None
) -> None:
    (record,) = read_postings(text)
    assert isinstance(record, RawPosting)
    assert record.title == title
    # A title given wins; the description is the whole text either way.
    (given,) = read_postings(text, given=Given(title="Barista"))
    assert isinstance(given, RawPosting) and given.title == "Barista"
    assert record.description == given.description


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_a_guessed_title_is_a_short_piece_of_the_first_line(text: str) -> None:
    from rolediff.postings.read import title_line

    title = title_line(text)
    if title is not None:
        assert title in text.lstrip().split("\n", 1)[0]
        assert 2 < len(title) <= 80 and title == title.strip()
