"""The Spark engine (local mode, two cores) gives exactly the statistics of the DuckDB store.

Skipped, with the reason, where PySpark or Java is missing, unless ROLEDIFF_REQUIRE_SPARK=1 (as
.ci/run sets it): then a missing Spark fails the suite.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rolediff import market, market_spark
from rolediff.cli_market import market_app
from rolediff.errors import RolediffError

FIXTURES = Path(__file__).parent / "fixtures"
POSTINGS = FIXTURES / "spark" / "postings.jsonl"
RECORDED = FIXTURES / "market" / "jobspy_recorded.csv"
MARKET = FIXTURES / "market" / "postings.jsonl"
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = market_spark.missing()
    if reason is not None:
        if os.environ.get("ROLEDIFF_REQUIRE_SPARK") == "1":
            pytest.fail(f"ROLEDIFF_REQUIRE_SPARK=1, but Spark cannot run: {reason}")
        pytest.skip(f"Spark tests need PySpark and Java 17+: {reason}")
    session = market_spark.session("local[2]", app_name="rolediff tests")
    yield session
    session.stop()


def _invoke(*argv: str) -> Any:
    app = typer.Typer()
    app.add_typer(market_app, name="market")
    result = CliRunner().invoke(app, ["market", *argv])
    if isinstance(result.exception, RolediffError):
        result.exit_code = 2
        result.output_bytes += f"Error: {result.exception}\n".encode()
    return result


@pytest.fixture(scope="module")
def runs(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture run on Spark through the CLI, and on DuckDB: their output directories."""
    root = tmp_path_factory.mktemp("runs")
    on_spark, on_duckdb = root / "spark", root / "duckdb"
    argv = ["--input", str(POSTINGS), "--output", str(on_spark), "--format", "json"]
    result = _invoke("run", "--engine", "spark", "--master", "local[2]", *argv)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["engine"] == "spark"
    market.run(POSTINGS, on_duckdb, workers=1)
    return on_spark, on_duckdb


def _comparable(report: market.MarketReport) -> dict[str, Any]:
    return report.model_dump(exclude={"db"})


def test_spark_statistics_equal_duckdb_statistics(runs: tuple[Path, Path]) -> None:
    spark_run, duck_run = (market.load_run(d) for d in runs)
    assert (spark_run.engine, spark_run.master, duck_run.engine) == ("spark", "local[2]", "duckdb")
    counts = ("records", "new", "duplicate", "malformed")
    assert [getattr(spark_run, c) for c in counts] == [getattr(duck_run, c) for c in counts]
    assert (spark_run.new, spark_run.duplicate, spark_run.malformed) == (28, 3, 3)
    assert [(m.line, m.reason) for m in spark_run.malformed_records] == [
        (m.line, m.reason) for m in duck_run.malformed_records
    ]
    assert _comparable(spark_run.report) == _comparable(duck_run.report)
    pay = {p.role: p for p in spark_run.report.pay}
    assert pay["sre"].n_usd >= 3 and pay["sre"].p50 is not None  # percentiles were compared


def test_analyses_and_skills_are_the_same_parquet_partitioned_by_month(
    runs: tuple[Path, Path],
) -> None:
    import duckdb

    con = duckdb.connect()
    tables = {}
    for engine, out in zip(("spark", "duckdb"), runs, strict=True):
        months = sorted(p.name for p in (out / "analyses").iterdir() if p.is_dir())
        assert "month=2024-03" in months and "month=unknown" in months
        assert months == sorted(p.name for p in (out / "skills").iterdir() if p.is_dir())
        columns = ", ".join(c for c in market.ANALYSES_COLUMNS if c != "source")
        tables[engine] = (
            con.execute(
                f"SELECT {columns}, month FROM read_parquet('{out}/analyses/*/*.parquet',"
                " hive_partitioning = true) ORDER BY content_hash"
            ).fetchall(),
            con.execute(
                "SELECT content_hash, skill_id, mentions, month FROM"
                f" read_parquet('{out}/skills/*/*.parquet', hive_partitioning = true)"
                " ORDER BY ALL"
            ).fetchall(),
        )
    assert len(tables["spark"][0]) == 28
    assert tables["spark"] == tables["duckdb"]


@pytest.mark.parametrize(
    "selection",
    [{"role": "sre", "vs": "devops"}, {"metro": "Austin, TX"}, {"since": "2024-04"}],
)
def test_filtered_statistics_equal_duckdb(
    spark: Any, runs: tuple[Path, Path], selection: dict[str, str]
) -> None:
    on_spark, on_duckdb = runs
    chosen = market.select(**selection)
    mine = market_spark.statistics(spark, str(on_spark), chosen)
    theirs = market.report(on_duckdb / "market.duckdb", **selection)
    assert mine.n > 0 and _comparable(mine) == _comparable(theirs)


def test_report_from_a_spark_run_shows_the_report(runs: tuple[Path, Path]) -> None:
    on_spark, on_duckdb = runs
    shown = _invoke("report", "--from", str(on_spark), "--format", "json")
    stored = _invoke("report", "--db", str(on_duckdb / "market.duckdb"), "--format", "json")
    assert shown.exit_code == 0 and stored.exit_code == 0, shown.output + stored.output
    mine, theirs = json.loads(shown.output), json.loads(stored.output)
    assert mine.pop("db") == str(on_spark)
    assert theirs.pop("db") == str(on_duckdb / "market.duckdb")
    assert mine == theirs
    table = _invoke("report", "--from", str(on_spark))
    assert "Openings per role" in table.output and "Pay per role" in table.output


def test_jsonl_csv_and_parquet_together_equal_duckdb(spark: Any, tmp_path: Path) -> None:
    """Files of three formats from one glob; a posting in two files is kept from the first."""
    import duckdb

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MARKET, folder / "a.jsonl")
    shutil.copy(RECORDED, folder / "b.csv")
    duckdb.connect().execute(
        f"COPY (SELECT * REPLACE ('parquet' AS site) FROM read_json_auto('{MARKET}',"
        " ignore_errors = true) WHERE description IS NOT NULL)"
        f" TO '{folder / 'c.parquet'}' (FORMAT parquet)"
    )
    pattern = str(folder / "*")
    mine = market_spark.run(pattern, tmp_path / "spark", spark=spark)
    theirs = market.run(pattern, tmp_path / "duckdb", workers=1)
    assert (mine.records, mine.new, mine.duplicate, mine.malformed) == (29, 15, 12, 2)
    assert (theirs.records, theirs.new, theirs.duplicate) == (29, 15, 12)
    assert "parquet" not in {c.key for c in mine.report.openings.by_site}  # a.jsonl came first
    assert _comparable(mine.report) == _comparable(theirs.report)


def test_bad_input_fails_cleanly_before_spark_starts(tmp_path: Path) -> None:
    missing = _invoke(
        "run", "--engine", "spark", "-i", str(tmp_path / "none.jsonl"), "-o", str(tmp_path)
    )
    assert missing.exit_code == 2 and "No such file" in missing.output
    (tmp_path / "keep.txt").write_text("not a run")
    occupied = _invoke("run", "--engine", "spark", "-i", str(POSTINGS), "-o", str(tmp_path))
    assert occupied.exit_code == 2 and "not empty" in occupied.output
    assert (tmp_path / "keep.txt").read_text() == "not a run"


def test_a_failed_spark_run_leaves_the_earlier_run_as_it_was(
    spark: Any, runs: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    shutil.copytree(runs[0], out)
    (tmp_path / "in").mkdir()

    def tree() -> dict[Path, bytes | None]:
        return {p: p.read_bytes() if p.is_file() else None for p in sorted(tmp_path.rglob("*"))}

    for name, text, message in (
        ("empty.jsonl", "\n", "the input is empty"),
        ("broken.jsonl", '{"title": "SRE"}\n', "none of its 1"),
        ("fake.parquet", "not parquet, " * 100, r"failed: file:\S*fake.parquet is not a Parquet"),
    ):
        bad = tmp_path / "in" / name
        bad.write_text(text)
        before = tree()
        with pytest.raises(RolediffError, match=message):
            market_spark.run(bad, out, spark=spark)
        assert tree() == before  # nothing replaced, no temporary directory left beside it
    fresh = _invoke("run", "--engine", "spark", "-i", str(bad), "-o", str(tmp_path / "new"))
    assert fresh.exit_code == 2 and not (tmp_path / "new").exists()
