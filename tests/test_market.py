"""The market store: ingest (idempotent, crash-safe), statistics, report, collect, snapshot."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rolediff import market
from rolediff.cli_market import market_app
from rolediff.data import ROLE_IDS
from rolediff.errors import RolediffError
from rolediff.postings.read import RawPosting

_SPACES_AND_LETTERS = [chr(c) for c in range(0x3001) if chr(c).isspace()] + list("aZé\u0130-")

FIXTURES = Path(__file__).parent / "fixtures" / "market"
POSTINGS = FIXTURES / "postings.jsonl"
RECORDED = FIXTURES / "jobspy_recorded.csv"
GOOD, BAD = 12, 2


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "market.duckdb"
    market.ingest([POSTINGS], db=db, workers=1)
    return db


def _many(tmp_path: Path, copies: int) -> Path:
    """The fixture postings, each copied with a distinct reference line (distinct contents)."""
    rows = [json.loads(line) for line in POSTINGS.read_text().splitlines()[:GOOD]]
    path = tmp_path / "many.jsonl"
    with path.open("w") as out:
        for k in range(copies):
            for row in rows:
                copy = {**row, "id": f"{row['id']}-{k}"}
                copy["description"] += f"\nReference {k}."
                out.write(json.dumps(copy) + "\n")
    return path


def _comparable(report: market.MarketReport) -> dict[str, object]:
    return report.model_dump(exclude={"db"})


def test_ingest_counts_new_and_malformed_with_reasons(tmp_path: Path) -> None:
    summary = market.ingest([POSTINGS], db=tmp_path / "m.duckdb", workers=1)
    assert (summary.records, summary.new, summary.duplicate) == (GOOD + BAD, GOOD, 0)
    assert summary.malformed == BAD
    assert [(m.line, m.reason.split(" (")[0]) for m in summary.malformed_records] == [
        (13, "no description"),
        (14, "invalid JSON"),
    ]
    assert summary.store["postings"] == summary.store["analyses"] == GOOD
    assert summary.store["skills"] > GOOD


def test_ingesting_twice_adds_nothing(store: Path) -> None:
    before = market.store_counts(store)
    again = market.ingest([POSTINGS], db=store, workers=1)
    assert (again.new, again.duplicate, again.malformed) == (0, GOOD, BAD)
    assert market.store_counts(store) == before


def test_all_cores_give_the_same_store_as_one(tmp_path: Path) -> None:
    path = _many(tmp_path, 5)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    market.ingest([path], db=one, workers=1, batch_size=13)
    market.ingest([path], db=two, workers=2, batch_size=13)
    assert market.store_counts(one) == market.store_counts(two)
    assert _comparable(market.report(one)) == _comparable(market.report(two))


def test_duplicates_inside_one_file_are_stored_once(tmp_path: Path) -> None:
    line = POSTINGS.read_text().splitlines()[0]
    row = json.loads(line)
    spaced = {**row, "id": "other-id", "site": "indeed", "description": row["description"].upper()}
    path = tmp_path / "dupes.jsonl"
    path.write_text(line + "\n" + json.dumps(spaced) + "\n")
    summary = market.ingest([path], db=tmp_path / "m.duckdb", workers=1)
    assert (summary.new, summary.duplicate) == (1, 1)


def test_content_hash_ignores_case_and_spacing() -> None:
    a = RawPosting(title="SRE", description="Run  the\nsystems", company="Acme")
    b = RawPosting(title="sre", description="run the systems ", company="ACME", id="x")
    c = RawPosting(title="sre", description="run the systems", company="Globex")
    assert market.content_hash(a) == market.content_hash(b) != market.content_hash(c)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_SPACES_AND_LETTERS)), min_size=3, max_size=3))
def test_content_hash_keeps_its_definition(parts: list[str]) -> None:
    """Stores written by earlier versions stay idempotent: the hash is still sha256 of each
    part with runs of regex whitespace collapsed to one space, stripped, lower-cased."""
    import hashlib
    import re

    title, description, company = parts
    posting = RawPosting(title=title, description=description or "x", company=company)
    defined = "\x1f".join(
        re.sub(r"\s+", " ", p).strip().lower() for p in (title, description or "x", company)
    )
    assert market.content_hash(posting) == hashlib.sha256(defined.encode()).hexdigest()


_KILLABLE = """
import sys
from rolediff.market import ingest_steps
for handled in ingest_steps([sys.argv[1]], db=sys.argv[2], workers=1, batch_size=7):
    print(handled, flush=True)
"""


def test_sigkill_midway_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    path = _many(tmp_path, 25)
    killed, clean = tmp_path / "killed.duckdb", tmp_path / "clean.duckdb"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLABLE, str(path), str(killed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for _ in range(4):
        assert child.stdout.readline().strip() == "7"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    partial = market.store_counts(killed)
    assert partial["postings"] == partial["analyses"] < GOOD * 25  # whole batches only
    rerun = market.ingest([path], db=killed, workers=1)
    assert rerun.duplicate == partial["postings"] and rerun.new == GOOD * 25 - partial["postings"]
    market.ingest([path], db=clean, workers=1)
    assert market.store_counts(killed) == market.store_counts(clean)
    assert _comparable(market.report(killed)) == _comparable(market.report(clean))
    assert _comparable(market.report(killed, "sre", "devops")) == _comparable(
        market.report(clean, "sre", "devops")
    )


def test_openings_per_role_equal_the_posting_command(store: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("posting", str(POSTINGS), "--format", "json")
    assert result.code == 0, result.err
    expected = Counter(p["role"] for p in json.loads(result.out))
    report = market.report(store)
    assert {c.key: c.n for c in report.openings.by_role} == dict(expected)
    assert report.n == GOOD


def test_report_statistics_carry_n_and_flag_small_samples(store: Path) -> None:
    report = market.report(store)
    assert report.small_sample_threshold == market.SMALL_SAMPLE
    pay = {p.role: p for p in report.pay}
    assert (pay["sre"].n, pay["sre"].disclosed, pay["sre"].n_usd) == (3, 2, 2)
    assert pay["sre"].p50 == 172_500  # midpoints 165,000 and 180,000
    assert pay["sre"].small_sample
    assert all(c.small_sample for c in report.openings.by_role)  # 12 postings in all
    assert [w.role for w in market.report(store, role="sre").work_mode] == ["sre"]
    modes = {w.role: w for w in report.work_mode}
    assert modes["all"].n == GOOD
    assert modes["devsecops"].remote_share == 1.0
    skills = {s.role: s for s in report.skills}
    assert all(0 < k.share <= 1 and k.postings <= skills["sre"].n for k in skills["sre"].skills)
    months = [c.key for c in report.openings.by_month]
    assert months == sorted(months) and months[0] == "2024-03"
    assert (report.date_range.first, report.date_range.last) == ("2024-03", "2024-07")
    assert {c.key for c in report.openings.by_site} == {"linkedin", "indeed", "glassdoor"}


def test_report_filters(store: Path) -> None:
    sre = market.report(store, role="SRE")
    assert sre.n == 3 and [c.key for c in sre.openings.by_role] == ["sre"]
    austin = market.report(store, metro="Austin, TX")
    assert austin.n == 1 and austin.filters.metro_cbsa == "12420"
    recent = market.report(store, since="2024-06")
    assert recent.n == 4 and recent.date_range.first == "2024-06"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vs": "sre"}, "vs needs a role"),
        ({"role": "dev-ops-guru"}, "Unknown role"),
        ({"since": "March"}, "since wants a date"),
    ],
)
def test_report_rejects_bad_input(store: Path, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(RolediffError, match=message):
        market.report(store, **kwargs)  # type: ignore[arg-type]


def test_report_names_roles_as_everywhere_else(store: Path) -> None:
    by_id = market.report(store, role="sre", vs="devops")
    by_name = market.report(store, role="Site Reliability Engineer", vs="DevOps")
    assert by_name == by_id
    assert market.report(store, role="Other").filters.role == "other"


def test_report_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(RolediffError, match="market ingest"):
        market.report(tmp_path / "absent.duckdb")


def test_distinctive_skills_by_fightin_words(store: Path) -> None:
    d = market.report(store, role="sre", vs="devops").distinctive
    assert d is not None and (d.a, d.b, d.n_a, d.n_b) == ("sre", "devops", 3, 3)
    top_sre, top_devops = d.skills[0], d.skills[-1]
    assert top_sre.z > 0 and top_sre.favours == "sre" and top_sre.share_a > top_sre.share_b
    assert top_devops.z < 0 and top_devops.favours == "devops"
    assert "Monroe" in d.method


def test_fightin_words_is_antisymmetric_and_zero_on_equal_counts() -> None:
    a, b = {"go": 8, "slo": 6, "jenkins": 1}, {"go": 4, "slo": 1, "jenkins": 7}
    background = {k: a[k] + b[k] + 5 for k in a}
    forward, backward = (
        market.fightin_words(a, b, background),
        market.fightin_words(b, a, background),
    )
    for skill in a:
        assert forward[skill][1] == pytest.approx(-backward[skill][1])
    assert forward["slo"][1] > 0 > forward["jenkins"][1]
    same = market.fightin_words(a, a, background)
    assert all(delta == pytest.approx(0) for delta, _ in same.values())


def test_store_is_versioned_and_refuses_a_newer_schema(store: Path) -> None:
    import duckdb

    con = duckdb.connect(str(store))
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone() == (
        market.SCHEMA_VERSION,
    )
    con.execute("INSERT INTO schema_version VALUES (999, NULL)")
    con.close()
    with pytest.raises(RolediffError, match="newer rolediff"):
        market.connect(store)


def test_default_store_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROLEDIFF_MARKET_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/data/home")
    assert market.default_db_path() == Path("/data/home/rolediff/market.duckdb")
    monkeypatch.setenv("ROLEDIFF_MARKET_DB", "/elsewhere/m.duckdb")
    assert market.default_db_path() == Path("/elsewhere/m.duckdb")


def test_parquet_and_jobspy_csv_are_read(tmp_path: Path) -> None:
    import duckdb

    parquet = tmp_path / "postings.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_json_auto('{POSTINGS}', ignore_errors = true)"
        f" WHERE description IS NOT NULL) TO '{parquet}' (FORMAT parquet)"
    )
    db = tmp_path / "m.duckdb"
    summary = market.ingest([parquet, RECORDED], db=db, workers=1)
    assert (summary.new, summary.malformed) == (GOOD + 3, 0)
    sites = {c.key: c.n for c in market.report(db).openings.by_site}
    assert sites["linkedin"] == 5 + 2


# --- collect: recorded responses only --------------------------------------------------------


def _fake_jobspy(monkeypatch: pytest.MonkeyPatch, fail_after: int | None = None) -> list[str]:
    import pandas  # a [test] dependency: a skip here would hide the collect tests in CI

    frame = pandas.read_csv(RECORDED)
    calls: list[str] = []

    def scrape_jobs(site_name: list[str], **_: object) -> object:
        calls.append(site_name[0])
        if fail_after is not None and len(calls) > fail_after:
            raise ConnectionError("429 Too Many Requests")
        return frame[frame["site"] == site_name[0]]

    module = types.ModuleType("jobspy")
    module.scrape_jobs = scrape_jobs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jobspy", module)
    return calls


def test_collect_ingests_recorded_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_jobspy(monkeypatch)
    db = tmp_path / "m.duckdb"
    summary = market.drain(  # type: ignore[arg-type]
        market.collect_steps(
            ["site reliability engineer"], "Austin, TX", ["linkedin", "indeed"], db=db, workers=1
        )
    )
    assert isinstance(summary, market.CollectSummary)
    assert summary.error is None and summary.ingest.new == 3
    assert summary.fetched == {
        "linkedin: site reliability engineer": 2,
        "indeed: site reliability engineer": 1,
    }


def test_collect_keeps_what_came_before_a_rate_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_jobspy(monkeypatch, fail_after=1)
    db = tmp_path / "m.duckdb"
    result = _invoke(
        "collect", "-q", "sre", "--site", "linkedin", "--site", "indeed", "--db", str(db)
    )
    assert result.exit_code == 2
    assert "429 Too Many Requests" in result.output and "2 new posting(s)" in result.output
    assert market.store_counts(db)["postings"] == 2


def test_collect_without_jobspy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jobspy", None)
    result = _invoke("collect", "-q", "sre")
    assert result.exit_code == 2 and "pip install 'rolediff[live]'" in result.output


# --- the CLI ---------------------------------------------------------------------------------


def _invoke(*argv: str):  # type: ignore[no-untyped-def]
    """Run ``rolediff market ...`` as the main app will, RolediffError → exit 2."""
    app = typer.Typer()
    app.add_typer(market_app, name="market")
    result = CliRunner().invoke(app, ["market", *argv])
    if isinstance(result.exception, RolediffError):
        result.exit_code = 2
        result.output_bytes += f"Error: {result.exception}\n".encode()
    return result


def test_cli_ingest_then_report(tmp_path: Path) -> None:
    db = str(tmp_path / "m.duckdb")
    first = _invoke("ingest", str(POSTINGS), "--db", db, "--workers", "1", "--format", "json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["new"] == GOOD
    again = _invoke("ingest", str(POSTINGS), "--db", db, "--workers", "1")
    assert again.exit_code == 0 and "Nothing new" in again.output
    report = _invoke("report", "--db", db, "--role", "sre", "--vs", "devops", "--format", "json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["distinctive"]["a"] == "sre"
    table = _invoke("report", "--db", db, "--role", "sre", "--vs", "devops")
    assert "Skills that set sre and devops apart" in table.output
    csv = _invoke("report", "--db", db, "--format", "csv")
    assert csv.exit_code == 0 and csv.output.startswith("section,group,measure,value,n,flag")


def test_cli_ingest_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = _invoke("ingest", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "m.duckdb"))
    assert result.exit_code == 2 and "No such file" in result.output


def test_every_market_command_has_help() -> None:
    for command in ("ingest", "report", "collect"):
        result = _invoke(command, "--help")
        assert result.exit_code == 0 and "--db" in result.output


# --- the packaged snapshot -------------------------------------------------------------------


def test_snapshot_has_the_agreed_shape_and_no_posting_text() -> None:
    snapshot = market.load_snapshot()
    assert snapshot.version == 1 and set(ROLE_IDS) <= set(snapshot.roles)
    raw = json.loads((Path(market.__file__).parent / "data" / market.SNAPSHOT_PATH).read_text())
    for role in ROLE_IDS:
        entry = raw["roles"][role]
        assert {"n", "skills", "pay", "openings"} <= set(entry)
        assert {"p10", "p50", "p90", "n", "disclosed_share"} <= set(entry["pay"])
        assert all(set(s) >= {"share", "n"} for s in entry["skills"].values())
    assert snapshot.corpus.postings == sum(snapshot.openings.by_role.values())
    assert snapshot.corpus.date_range.first and len(snapshot.corpus.sha256) == 64
    assert max(len(v) for v in _strings(raw)) < 400  # statistics and notes, never a description


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_role_skill_shares_from_store_or_snapshot(store: Path) -> None:
    mine = market.role_skill_shares(store)
    assert set(mine) == {"sre", "devops", "platform", "cloud", "devsecops", "other"}
    assert all(0 < share <= 1 for shares in mine.values() for share in shares.values())
    packaged = market.role_skill_shares()
    assert set(ROLE_IDS) <= set(packaged)


# --- runs: a corpus in, Parquet and statistics out -------------------------------------------


def test_percentile_cont_is_the_sql_standard_one_computed_exactly() -> None:
    import random
    from fractions import Fraction

    import duckdb

    half = Fraction(1, 2)
    assert market.percentile_cont([(165_000.0, 1), (180_000.0, 1)], half) == 172_500
    assert market.percentile_cont([], half) is None
    assert market.percentile_cont([(3.0, 2), (1.0, 1)], Fraction(1, 10)) == Fraction(7, 5)
    pick = random.Random(7)
    con = duckdb.connect()
    for _ in range(50):
        values = [float(pick.randrange(40, 400) * 500) for _ in range(pick.randrange(1, 40))]
        counts = Counter(values)
        for q in market.PAY_PERCENTILES:
            exact = market.percentile_cont(list(counts.items()), q)
            row = con.execute(
                "SELECT quantile_cont(v, ?) FROM (SELECT unnest(?::DOUBLE[]) AS v)",
                [float(q), values],
            ).fetchone()
            assert exact is not None and row is not None
            assert float(exact) == pytest.approx(row[0], rel=1e-12)  # DuckDB's, to the last bits


def test_duckdb_run_writes_parquet_and_statistics_report_from_shows(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = _invoke("run", "-i", str(POSTINGS), "-o", str(out), "--workers", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["engine"], summary["new"], summary["malformed"]) == ("duckdb", GOOD, BAD)
    assert sorted(p.name for p in (out / "analyses").iterdir())[0] == "month=2024-03"
    shown = _invoke("report", "--from", str(out), "-f", "json")
    stored = _invoke("report", "--db", str(out / "market.duckdb"), "-f", "json")
    mine, theirs = json.loads(shown.output), json.loads(stored.output)
    assert (mine.pop("db"), theirs.pop("db")) == (str(out), str(out / "market.duckdb"))
    assert mine == theirs
    again = _invoke("run", "-i", str(POSTINGS), "-o", str(out), "--workers", "1", "-f", "json")
    assert json.loads(again.output)["new"] == GOOD  # an earlier run's output is replaced


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--from", "{tmp}", "--role", "sre"], "--role cannot apply"),
        (["report", "--from", "{tmp}/none"], "No statistics"),
        (["run", "-i", "{tmp}/*.jsonl", "-o", "{tmp}/out"], "No posting file matches"),
        (["run", "-i", str(RECORDED), "-o", "{tmp}/o", "--master", "local[2]"], "--engine spark"),
        (
            ["run", "-i", str(RECORDED), "-o", "{tmp}/o", "--engine", "spark", "--vs", "sre"],
            "vs needs a role",
        ),
    ],
)
def test_run_and_report_from_reject_bad_input(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    result = _invoke(*(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert result.exit_code == 2 and message in result.output, result.output


def test_inputs_are_files_directories_or_globs_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.jsonl", "b/1.csv", "a.parquet", "b/_SUCCESS", "b/.part.crc"):
        (tmp_path / name).write_text("")
    assert [p.name for p in market.resolve_inputs(tmp_path)] == ["a.parquet", "1.csv", "2.jsonl"]
    assert [p.name for p in market.resolve_inputs(f"{tmp_path}/b/*.*")] == ["1.csv", "2.jsonl"]
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(RolediffError, match=r"notes\.txt"):
        market.resolve_inputs(tmp_path)


# --- failed and empty runs, bad input -----------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Everything in ``folder`` and beside it: path → the file's bytes (None for a directory)."""
    return {
        str(p.relative_to(folder.parent)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.parent.rglob("*"))
    }


def _run_argv(input: Path, out: Path) -> list[str]:
    return ["run", "-i", str(input), "-o", str(out), "--workers", "1"]


def test_a_failed_run_leaves_the_earlier_run_exactly_as_it_was(tmp_path: Path) -> None:
    bad = tmp_path / "in" / "bad.jsonl"
    bad.parent.mkdir()
    bad.write_bytes(b'{"title": "SRE", "description": "caf\xe9"}\n')
    out = tmp_path / "runs" / "a"
    out.parent.mkdir()
    assert _invoke(*_run_argv(POSTINGS, out)).exit_code == 0
    (out / "notes.txt").write_text("mine")  # not the run's: kept
    before = _tree(out)
    failed = _invoke(*_run_argv(bad, out))
    assert failed.exit_code == 2 and "not UTF-8" in failed.output
    assert _tree(out) == before  # nothing removed, no temporary directory left beside it
    again = _invoke(*_run_argv(POSTINGS, out), "-f", "json")
    assert again.exit_code == 0 and json.loads(again.output)["new"] == GOOD
    assert (out / "notes.txt").read_text() == "mine" and _tree(out).keys() == before.keys()


def test_a_failed_run_into_a_new_directory_creates_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet, " * 100)
    failed = _invoke(*_run_argv(fake, tmp_path / "out"))
    assert failed.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.parquet"]


def test_a_run_that_cannot_replace_the_earlier_one_puts_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    market.run(POSTINGS, out, workers=1)
    before = _tree(out)
    rename = Path.rename

    def failing(self: Path, target: Path) -> Path:
        if self.parent.name.endswith(".partial") and self.name == market.STATISTICS_FILE:
            raise OSError(28, "No space left on device")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(RolediffError, match=r"Cannot replace the run in .*No space left"):
        market.run(POSTINGS, out, workers=1)
    assert _tree(out) == before


def test_a_text_file_named_parquet_is_one_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet, " * 100)
    expected = f"Error: {fake} is not a Parquet file (No magic bytes found"
    for argv in (
        ["ingest", str(fake), "--db", str(tmp_path / "m.duckdb")],
        _run_argv(fake, tmp_path / "out"),
    ):
        result = _invoke(*argv)
        assert result.exit_code == 2 and result.output.startswith(expected), result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "m.duckdb").exists()


def test_input_without_postings_is_refused_and_replaces_nothing(tmp_path: Path) -> None:
    empty, broken = tmp_path / "empty.jsonl", tmp_path / "broken.jsonl"
    empty.write_text("\n")
    broken.write_text('{"title": "SRE"}\nnot json\n')
    out = tmp_path / "run"
    market.run(POSTINGS, out, workers=1)
    before = _tree(out)
    result = _invoke(*_run_argv(empty, out))
    assert result.exit_code == 2 and f"No postings in {empty}: the input is empty" in result.output
    result = _invoke(*_run_argv(broken, out))
    assert result.exit_code == 2, result.output
    assert "none of its 2 record(s) is a readable posting (first: " in result.output
    assert _tree(out) == before
    ingested = _invoke("ingest", str(empty), "--db", str(tmp_path / "m.duckdb"))
    assert ingested.exit_code == 2 and "No postings in" in ingested.output
    assert not (tmp_path / "m.duckdb").exists()


def test_report_chart_into_a_file_fails_before_printing_anything(tmp_path: Path) -> None:
    out = tmp_path / "run"
    market.run(POSTINGS, out, workers=1)
    taken = tmp_path / "p.txt"
    taken.write_text("")
    for chart in (taken, tmp_path / "no" / "dir"):
        result = _invoke("report", "--from", str(out), "--chart", str(chart), "-f", "json")
        assert result.exit_code == 2 and result.output.startswith("Error: "), result.output


def test_a_store_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "m.duckdb"
    result = _invoke("ingest", str(POSTINGS), "--db", str(db), "--workers", "1")
    assert result.exit_code == 2 and f"No such directory: {db.parent}" in result.output
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_must_be_one_or_more(tmp_path: Path, workers: str) -> None:
    db = str(tmp_path / "m.duckdb")
    for argv in (
        ["ingest", str(POSTINGS), "--db", db, "--workers", workers],
        ["run", "-i", str(POSTINGS), "-o", str(tmp_path / "o"), "--workers", workers],
    ):
        result = _invoke(*argv)
        assert result.exit_code == 2 and "'--workers'" in result.output, result.output
    with pytest.raises(RolediffError, match="workers must be 1 or more"):
        market.ingest([POSTINGS], db=db, workers=int(workers))
    assert sorted(tmp_path.iterdir()) == []


def test_ingest_reads_a_directory_as_run_does(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "postings.jsonl").write_bytes(POSTINGS.read_bytes())
    (folder / "_SUCCESS").write_text("")
    db = tmp_path / "m.duckdb"
    result = _invoke("ingest", str(folder), "--db", str(db), "--workers", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["sources"] == [str(folder / "b" / "postings.jsonl")]
    assert summary["new"] == GOOD
    missing = _invoke("ingest", str(tmp_path / "none"), "--db", str(db))
    assert missing.exit_code == 2 and "No such file or directory" in missing.output


# --- one job in several places ------------------------------------------------------------------

_SRE_TEXT = (
    "We need a Site Reliability Engineer to run Kubernetes, Terraform and Prometheus on AWS. "
    "$150,000 - $180,000 a year."
)


def _multi_location(tmp_path: Path) -> Path:
    """One job in Austin, Seattle and Denver (a URL each), and Austin again, spelled otherwise."""
    places = ["Austin, TX", "Seattle, WA", "Denver, CO", "austin  tx"]
    rows = [
        {"title": "SRE", "company": "Acme", "description": _SRE_TEXT, "location": place,
         "job_url": f"https://jobs.example/{k}"}
        for k, place in enumerate(places)
    ]  # fmt: skip
    path = tmp_path / "multi.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_one_job_in_several_places_counts_once_in_each(tmp_path: Path) -> None:
    db, path = tmp_path / "m.duckdb", _multi_location(tmp_path)
    first = market.ingest([path], db=db, workers=1)
    assert (first.new, first.duplicate) == (3, 1)  # "austin  tx" is Austin, TX again
    for metro in ("Austin, TX", "Seattle, WA", "Denver, CO"):
        assert market.report(db, metro=metro).n == 1
    again = _invoke("ingest", str(path), "--db", str(db), "--workers", "1")
    assert again.exit_code == 0 and "duplicates (not stored again)" in again.output
    assert "already stored" not in again.output


def test_a_store_keyed_without_locations_is_rekeyed_and_stays_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schema-1 store (keys without the location) is migrated: re-ingesting its files adds only
    the places its keys had merged away."""
    import duckdb

    db, multi = tmp_path / "m.duckdb", _multi_location(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(market, "located_hash", lambda text_hash, location: text_hash)
        old = market.ingest([POSTINGS, multi], db=db, workers=1)
    assert old.new == GOOD + 1
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM schema_version WHERE version > 1")
    con.close()
    assert market.report(db).n == GOOD + 1  # read as it is (an upgraded server keeps serving)
    again = market.ingest([POSTINGS, multi], db=db, workers=1)
    assert (again.new, again.duplicate) == (2, GOOD + 2)  # Seattle and Denver
    counts = market.store_counts(db)
    assert counts["postings"] == counts["analyses"] == GOOD + 3
    clean = tmp_path / "clean.duckdb"
    market.ingest([POSTINGS, multi], db=clean, workers=1)
    assert market.store_counts(clean) == counts
    for metro in (None, "Seattle, WA"):  # analyses and skills follow their postings' new keys
        assert _comparable(market.report(db, metro=metro)) == _comparable(
            market.report(clean, metro=metro)
        )


def test_a_line_that_is_not_utf8_is_one_malformed_record(tmp_path: Path) -> None:
    """As `rolediff posting` reads it: the file is not refused for one bad line."""
    good = '{"title": "SRE", "description": "Run Kubernetes and on-call with SLOs."}\n'
    jsonl = tmp_path / "mixed.jsonl"
    other = good.replace("SRE", "Site reliability engineer")
    jsonl.write_bytes(
        good.encode() + b'{"title": "caf\xe9", "description": "x"}\n' + other.encode()
    )
    rows = tmp_path / "mixed.csv"
    rows.write_bytes(b'title,description\nSRE,"Run Kubernetes, SLOs."\ncaf\xe9,x\n')
    for path, new in ((jsonl, 2), (rows, 1)):
        summary = market.ingest([path], db=tmp_path / f"{path.suffix[1:]}.duckdb", workers=1)
        assert (summary.new, summary.malformed) == (new, 1), path
        assert summary.malformed_records[0].reason == "not UTF-8 text"
        assert summary.malformed_records[0].line in (2, 3)


def test_half_a_surrogate_pair_is_one_malformed_record(tmp_path: Path) -> None:
    """JSON's "\\udc00" is no character, and the store cannot hold it: the whole ingest had
    failed ("Current transaction is aborted")."""
    good = '{"title": "SRE", "description": "Run Kubernetes and on-call with SLOs."}\n'
    path = tmp_path / "half.jsonl"
    path.write_text(good + '{"title": "SRE\\udc00", "description": "Run Kubernetes."}\n')
    summary = market.ingest([path], db=tmp_path / "half.duckdb", workers=1)
    assert (summary.new, summary.malformed) == (1, 1)
    assert summary.malformed_records[0].reason.startswith("title holds \\udc00, half of")


@pytest.mark.parametrize("command", ["ingest", "report"])
def test_a_postings_file_given_as_the_store_is_refused_and_kept(
    tmp_path: Path, command: str
) -> None:
    """DuckDB would open it as an in-memory database: the ingest would be lost."""
    not_a_store = tmp_path / "postings.jsonl"
    not_a_store.write_bytes(POSTINGS.read_bytes())
    argv = [str(POSTINGS)] if command == "ingest" else []
    result = _invoke(command, *argv, "--db", str(not_a_store))
    assert result.exit_code == 2, result.output
    assert "is not a market store" in result.output
    assert not_a_store.read_bytes() == POSTINGS.read_bytes()


def test_distinctive_skills_are_ones_either_role_asks_for(store: Path) -> None:
    d = market.report(store, role="sre", vs="devops").distinctive
    assert d is not None and d.skills
    assert all(s.postings_a + s.postings_b > 0 for s in d.skills)
    alone = market.report(store, role="sre", vs="platform", metro="Austin, TX")
    assert alone.distinctive is not None and alone.distinctive.n_b == 0
    assert alone.distinctive.skills == []  # nothing to set sre apart from
    assert "No platform posting matches the filters: no skill to set apart." in alone.notes
    without_vs = market.report(store, role="sre").notes
    assert not any(note.startswith("vs ") for note in without_vs)


def test_pay_in_other_currencies_is_left_out_of_the_percentiles_and_said(tmp_path: Path) -> None:
    from rolediff.market_views import market_tables

    rows = [json.loads(line) for line in POSTINGS.read_text().splitlines()[:GOOD]]
    for row in rows:
        if row["id"] == "devops-1":
            row["salary_text"] = "€110,000 - €135,000 a year"
    path = tmp_path / "euro.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    market.ingest([path], db=tmp_path / "m.duckdb", workers=1)
    pay = {p.role: p for p in market.report(tmp_path / "m.duckdb").pay}
    devops, sre = pay["devops"], pay["sre"]
    # devops: the EUR posting's 122,500 midpoint is left out, the other's USD 135,000 stays
    assert (devops.disclosed, devops.n_usd, devops.p10, devops.p50) == (2, 1, 135_000, 135_000)
    # sre: USD midpoints 165,000 and 180,000, interpolated at (n - 1)·q = 0.1, 0.5, 0.9
    assert (sre.n_usd, sre.p10, sre.p50, sre.p90) == (2, 166_500, 172_500, 178_500)
    table = market_tables(market.report(tmp_path / "m.duckdb"))[-1]
    other = [r for r in table.rows if r[1] == "pay not in USD (not in the percentiles)"]
    assert other == [["devops", "pay not in USD (not in the percentiles)", "1", "3", ""]]


def test_a_job_boards_level_field_is_the_stored_seniority(store: Path) -> None:
    """The fixture's sre-1 says LinkedIn's "Entry level" in job_level; its title names none."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    row = con.execute(
        "SELECT a.seniority FROM analyses a JOIN postings p USING (content_hash)"
        " WHERE p.posting_id = 'sre-1'"
    ).fetchone()
    con.close()
    assert row == ("junior",)


def test_a_job_boards_pay_estimate_is_no_disclosed_pay(tmp_path: Path) -> None:
    """Glassdoor's "(Glassdoor est.)" figures are kept with the posting, not counted as its pay;
    an older store read as it is (its view counted them) gives the same statistics."""
    import duckdb

    rows = [json.loads(line) for line in POSTINGS.read_text().splitlines()[:GOOD]]
    for row in rows:
        if row["id"] == "devops-1":
            row["salary_text"] = "$81K-$167K (Glassdoor est.)"
    path, db = tmp_path / "estimate.jsonl", tmp_path / "m.duckdb"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    market.ingest([path], db=db, workers=1)
    devops = {p.role: p for p in market.report(db).pay}["devops"]
    assert (devops.disclosed, devops.n_usd, devops.p50) == (1, 1, 135_000)
    con = duckdb.connect(str(db))
    stored = con.execute("SELECT COUNT(*) FROM analyses WHERE pay_source = 'estimate'").fetchone()
    assert stored == (1,)
    con.execute("DELETE FROM schema_version WHERE version > 2")
    con.execute(
        "CREATE OR REPLACE VIEW market_facts AS SELECT p.content_hash, site, posted_month, role,"
        " hybrid, work_mode, metro_cbsa, country, pay_currency,"
        " (pay_annual_min + pay_annual_max) / 2 AS pay_annual,"
        " (pay_annual_min + pay_annual_max) / 2 AS pay_usd"
        " FROM postings p JOIN analyses a ON a.content_hash = p.content_hash"
    )
    con.close()
    assert {p.role: p for p in market.report(db).pay}["devops"] == devops
    market.ingest([path], db=db, workers=1)  # migrates the store: its own view is replaced
    con = duckdb.connect(str(db))
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone() == (3,)
    assert con.execute(
        "SELECT COUNT(pay_annual) FROM market_facts WHERE role = 'devops'"
    ).fetchone() == (1,)
    con.close()


def test_a_run_names_its_files_and_output_by_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the Spark engine names them, so statistics.json says where from wherever it is read."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "postings.jsonl").write_bytes(POSTINGS.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = market.run("in", "out", workers=1)
    named = (result.output, result.report.db, result.files, result.malformed_records[0].source)
    posting_file = str(tmp_path / "in" / "postings.jsonl")
    assert named == (str(tmp_path / "out"), str(tmp_path / "out"), [posting_file], posting_file)


def _small_report(n: int, part: int) -> market.MarketReport:
    """A report of n postings, ``part`` of them devsecops, remote, asking for Terraform,
    stating pay and classified a hybrid, with the store's rounded shares."""
    share = market._share(part, n)
    return market.MarketReport(
        db="m.duckdb",
        filters=market.ReportFilters(
            role=None, vs=None, metro=None, metro_cbsa=None, metro_name=None, since=None
        ),
        n=n,
        date_range=market.DateSpan(first=None, last=None, dated=0),
        small_sample_threshold=market.SMALL_SAMPLE,
        openings=market.Openings(
            n=n,
            by_role=[
                market.Count(
                    key="devsecops", label="devsecops", n=part, share=share, small_sample=True
                )
            ],
            by_site=[],
            by_metro=[],
            by_month=[],
        ),
        work_mode=[
            market.WorkMode(
                role="devsecops",
                n=n,
                remote=part,
                hybrid=0,
                onsite=0,
                unknown=n - part,
                hybrid_role=part,
                remote_share=share,
                hybrid_share=0.0,
                onsite_share=0.0,
                unknown_share=market._share(n - part, n),
                hybrid_role_share=share,
                small_sample=True,
            )
        ],
        skills=[
            market.RoleSkills(
                role="devsecops",
                n=n,
                small_sample=True,
                skills=[
                    market.SkillShare(id="terraform", name="Terraform", postings=part, share=share)
                ],
            )
        ],
        distinctive=market.Distinctive(
            a="devsecops",
            b="devops",
            n_a=n,
            n_b=n,
            small_sample=True,
            method="m",
            prior_pseudo_counts=1.0,
            skills=[
                market.DistinctiveSkill(
                    id="terraform",
                    name="Terraform",
                    postings_a=part,
                    postings_b=part,
                    share_a=share,
                    share_b=share,
                    log_odds=0.0,
                    z=0.0,
                    favours="devsecops",
                )
            ],
        ),
        pay=[
            market.RolePay(
                role="devsecops",
                n=n,
                disclosed=part,
                disclosed_share=share,
                n_usd=part,
                p10=None,
                p50=None,
                p90=None,
                small_sample=True,
            )
        ],
        notes=[],
    )


@pytest.mark.parametrize(("part", "n", "shown"), [(15, 19, "78.9%"), (2, 58, "3.4%")])
def test_tables_show_shares_from_counts_not_rounded_twice(part: int, n: int, shown: str) -> None:
    """15 of 19 is 78.947%, stored as 0.7895; printed from that it would read 79.0%."""
    from rolediff.market_views import market_tables

    assert f"{market._share(part, n):.1%}" != shown  # the share the report holds rounds wrong
    tables = market_tables(_small_report(n, part))
    cells = [cell for table in tables for row in table.rows for cell in row]
    assert f"{part} ({shown})" in cells  # openings
    assert shown in cells  # remote, hybrid of two roles, stating pay
    assert f"{shown} ({part} postings)" in cells
    assert f"z +0.00 (devsecops {shown}, devops {shown})" in cells
    assert sum(cell == shown for cell in cells) == 3


def test_work_modes_are_shown_from_their_counts_however_many_postings() -> None:
    """303 of 12,345 postings is 2.454%, held as 0.0245: the count recovered from that share
    (round(0.0245 * 12,345) = 302) printed 2.4%."""
    from rolediff.market_views import market_tables

    (work,) = [t for t in market_tables(_small_report(12_345, 303)) if t.title.startswith("Remote")]
    shown = {row[1]: row[2] for row in work.rows}
    assert shown["remote"] == shown["hybrid of two roles"] == "2.5%"
    assert (shown["not stated"], shown["on-site"]) == ("97.5%", "0.0%")


def test_skill_charts_are_drawn_from_counts() -> None:
    """17 of 179 is 9.497%, held as 0.095: the chart's text alternative said 10%."""
    from rolediff.charts import market_charts

    spec = market_charts(_small_report(179, 17))["skills-devsecops"]
    assert "Terraform: 9%" in spec["description"]


def test_work_modes_carry_the_counts_behind_their_shares(store: Path) -> None:
    for mode in market.report(store).work_mode:
        kinds = (mode.remote, mode.hybrid, mode.onsite, mode.unknown)
        assert sum(kinds) == mode.n and 0 <= mode.hybrid_role <= mode.n
        shares = (mode.remote_share, mode.hybrid_share, mode.onsite_share, mode.unknown_share)
        assert shares == tuple(market._share(k, mode.n) for k in kinds)
        assert mode.hybrid_role_share == market._share(mode.hybrid_role, mode.n)
    modes = {w.role: w for w in market.report(store).work_mode}
    assert (modes["devsecops"].remote, modes["devsecops"].n) == (1, 1)


def test_statistics_an_earlier_rolediff_wrote_still_load(tmp_path: Path) -> None:
    """A statistics.json from before work modes carried their counts loads, and its work modes
    print from their shares."""
    run = market.MarketRun(
        engine="duckdb",
        master=None,
        input="in",
        files=[],
        output=str(tmp_path),
        records=19,
        new=19,
        duplicate=0,
        malformed=0,
        malformed_records=[],
        seconds=1.0,
        records_per_second=19.0,
        report=_small_report(19, 15),
    )
    document = json.loads(run.model_dump_json())
    for mode in document["report"]["work_mode"]:
        for key in ("remote", "hybrid", "onsite", "unknown", "hybrid_role"):
            del mode[key]
    (tmp_path / market.STATISTICS_FILE).write_text(json.dumps(document))
    from rolediff.market_views import market_tables

    loaded = market.load_run(tmp_path)
    mode = loaded.report.work_mode[0]
    assert (mode.remote, mode.unknown, mode.remote_share) == (None, None, market._share(15, 19))
    tables = {t.title: t for t in market_tables(loaded.report)}
    rows = tables["Remote, hybrid and on-site"].rows
    shown = {r[1]: r[2] for r in rows}
    assert shown["remote"] == f"{market._share(15, 19):.1%}"
    del document["report"]["n"]  # a file that is no run at all still says what is wrong
    (tmp_path / market.STATISTICS_FILE).write_text(json.dumps(document))
    with pytest.raises(RolediffError) as error:
        market.load_run(tmp_path)
    assert "first: report.n: Field required" in error.value.message
    assert "run 'rolediff market run' again" in error.value.message


def test_snapshot_keeps_the_counts_behind_its_work_mode_and_pay_shares(store: Path) -> None:
    corpus = market.SnapshotCorpus(
        file="postings.jsonl",
        sha256="0" * 64,
        rows=GOOD + BAD,
        postings=GOOD,
        duplicate=0,
        malformed=BAD,
        date_range=market.DateSpan(first="2024-03", last="2024-07", dated=GOOD),
        source="test fixture",
    )
    snapshot = market.build_snapshot(store, corpus, "2026-01-01")
    full = market.report(store)
    modes = {w.role: w for w in full.work_mode}
    pays = {p.role: p for p in full.pay}
    for role, stats in snapshot.roles.items():
        if role in modes:
            assert (stats.remote, stats.hybrid) == (modes[role].remote, modes[role].hybrid)
            assert stats.pay.disclosed == pays[role].disclosed
        else:
            assert (stats.remote, stats.hybrid, stats.pay.disclosed) == (0, 0, 0)
        assert stats.remote_share == market._share(stats.remote or 0, stats.n)
    assert snapshot.roles["sre"].pay.disclosed == 2


@pytest.mark.parametrize("tables", [["sales"], ["postings"]])
def test_a_duckdb_database_that_is_not_a_store_is_refused_and_left_alone(
    tmp_path: Path, tables: list[str]
) -> None:
    """Not taken for an old store: ingest would add the store's tables to it (or crash on a
    table of the same name), and "run ingest" would be the wrong advice."""
    import duckdb

    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    for name in tables:
        con.execute(f"CREATE TABLE {name} (id INTEGER, body VARCHAR)")
    con.close()
    for command, argv in (("ingest", [str(POSTINGS)]), ("report", [])):
        result = _invoke(command, *argv, "--db", str(db))
        assert result.exit_code == 2, result.output
        assert "is a DuckDB database but not a market store" in result.output
        assert tables[0] in result.output
    con = duckdb.connect(str(db), read_only=True)
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == tables
    con.close()


def test_an_empty_duckdb_file_reports_as_empty_and_ingests(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "new.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(RolediffError, match="is empty: run 'rolediff market ingest FILE'"):
        market.report(db)
    assert market.ingest([POSTINGS], db=db, workers=1).new == GOOD


def test_a_damaged_store_is_refused_with_a_message(store: Path, tmp_path: Path) -> None:
    """A store cut short (a partial copy) opens, then fails on reading or writing: one message
    naming the store, never a DuckDB traceback."""
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(store.read_bytes()[: store.stat().st_size // 2])
    with pytest.raises(RolediffError, match=r"Cannot read the market store .*cut\.duckdb"):
        market.report(cut)
    with pytest.raises(RolediffError, match=r"market store .*cut\.duckdb"):
        market.ingest([POSTINGS], db=cut, workers=1)
    garbled = tmp_path / "garbled.duckdb"
    data = bytearray(store.read_bytes())
    data[20:40] = b"\xff" * 20  # the header, under its checksum
    garbled.write_bytes(bytes(data))
    with pytest.raises(RolediffError, match=r"Cannot open the market store .*garbled\.duckdb"):
        market.report(garbled)


@pytest.mark.parametrize(
    ("name", "text"), [("broken.json", '{"postings": [1, 2'), ("broken.csv", "a,b\n1,2\n")]
)
def test_an_unreadable_file_among_several_is_named(tmp_path: Path, name: str, text: str) -> None:
    bad = tmp_path / name
    bad.write_text(text)
    with pytest.raises(RolediffError, match=rf"^{re.escape(str(bad))}: "):
        market.ingest([POSTINGS, bad], db=tmp_path / "m.duckdb", workers=1)


def test_a_missing_store_given_by_path_or_a_directory_is_named_plainly(tmp_path: Path) -> None:
    with pytest.raises(RolediffError) as given:
        market.report(tmp_path / "absent.duckdb")
    assert "market ingest" in given.value.message and "--db" not in given.value.message
    with pytest.raises(RolediffError, match="is a directory"):
        market.report(tmp_path)


def test_one_posting_is_not_postings_and_no_dates_is_said_plainly(store: Path) -> None:
    from rolediff.market_views import market_tables

    nothing = market.report(store, since="2099-01")
    assert nothing.n == 0
    (note,) = [n for t in market_tables(nothing) for n in t.notes if n.startswith("0 postings")]
    assert "none dated" in note and "?" not in note
    one = market.report(store, metro="Austin, TX")
    assert one.n == 1
    assert any(n.startswith("1 posting (") for t in market_tables(one) for n in t.notes)
