"""``rolediff market``: ingest postings into the market store, collect them live, report on them;
``run`` the whole pipeline over a corpus on DuckDB or Apache Spark."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from rolediff.cli_common import (
    INT,
    Format,
    choice,
    choices_metavar,
    one_or_more,
    whole_number,
    with_progress,
)
from rolediff.errors import RolediffError
from rolediff.render import OutputFormat, emit

if TYPE_CHECKING:
    from rolediff.market import CollectSummary, IngestSummary, MarketReport

market_app = typer.Typer(
    help="Job-market statistics from postings: ingest them into a store, then report.",
    no_args_is_help=True,
)

Db = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The market store (default: $ROLEDIFF_MARKET_DB, else "
        "$XDG_DATA_HOME/rolediff/market.duckdb, i.e. ~/.local/share/rolediff/market.duckdb).",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        parser=one_or_more,
        metavar=INT,
        help="Processes analysing postings, 1 or more (default: all cores).",
    ),
]
S = TypeVar("S")
Role = Annotated[
    str | None,
    typer.Option("--role", "-r", help="Only this role: devops, sre, devsecops, cloud, ..."),
]
Vs = Annotated[
    str | None,
    typer.Option("--vs", help="With --role: the skills that set the two roles apart."),
]
Metro = Annotated[
    str | None, typer.Option("--metro", help="Only postings in this metro, e.g. 'Austin, TX'.")
]
Since = Annotated[
    str | None, typer.Option("--since", help="Only postings from this month on (2024-01).")
]


def _check_vs(role: str | None, vs: str | None) -> None:
    """--vs sets --role apart from another role: without --role it has nothing to compare (the
    library's own message names its parameters, not the options)."""
    if vs is not None and role is None:
        raise RolediffError(
            f"--vs needs a role to set apart from {vs!r}: give --role too (--role sre --vs devops)."
        )


def _run(steps: Generator[int, None, S], total: int, label: str) -> S:
    """Drive an ingest, ticking a progress bar once per record handled."""
    result: list[S] = []

    def ticks() -> Iterator[None]:
        result.append((yield from _expand(steps)))

    for _ in with_progress(ticks(), total, label):
        pass
    return result[0]


def _expand(steps: Generator[int, None, S]) -> Generator[None, None, S]:
    while True:
        try:
            handled = next(steps)
        except StopIteration as done:
            value: S = done.value
            return value
        yield from [None] * handled


@market_app.command("ingest")
def ingest_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Postings as JSONL, JSON, CSV (JobSpy's too) or Parquet; a directory: its "
            "JSONL, CSV and Parquet files.",
        ),
    ],
    db: Db = None,
    workers: Workers = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Analyse postings and store them; postings already stored are counted, not added again."""
    from rolediff.market import count_records, ingest_steps, posting_files
    from rolediff.market_views import ingest_tables

    if any(str(f) == "-" and not f.exists() for f in files):
        raise RolediffError(
            "market ingest reads files, not stdin: save the postings to a .jsonl, .csv or "
            ".parquet file and give its path."
        )
    files = posting_files(files)
    summary: IngestSummary = _run(
        ingest_steps(files, db=db, workers=workers), count_records(files), "Ingesting postings"
    )
    emit(summary.model_dump(mode="json"), ingest_tables(summary), fmt)


@market_app.command("report")
def report_command(
    role: Role = None,
    vs: Vs = None,
    metro: Metro = None,
    since: Since = None,
    db: Db = None,
    from_run: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="DIR",
            help="Show the statistics 'rolediff market run' wrote to DIR instead of reading a "
            "store (the run's own --role/--vs/--metro/--since apply).",
        ),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="DIR",
            help="Also write charts (openings, skills per role, pay) as SVG files into DIR.",
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Openings, remote share, top skills, distinctive skills and pay, each with its n."""
    from rolediff.market_views import market_tables

    if chart is not None:
        from rolediff.charts import check_chart_dir

        check_chart_dir(chart)  # fail before the report is computed or printed
    result: MarketReport
    if from_run is not None:
        from rolediff.market import load_run

        given = [
            name
            for name, value in (
                ("--role", role),
                ("--vs", vs),
                ("--metro", metro),
                ("--since", since),
                ("--db", db),
            )
            if value is not None
        ]
        if given:
            raise RolediffError(
                f"--from shows the statistics a run computed, so {', '.join(given)} cannot "
                "apply: give --role/--vs/--metro/--since to 'rolediff market run' instead."
            )
        result = load_run(from_run).report
    else:
        from rolediff.market import report

        _check_vs(role, vs)
        result = report(db=db, role=role, vs=vs, metro=metro, since=since)
    saved = []
    if chart is not None:  # first: charts that cannot be written fail before the report prints
        from rolediff.charts import save_market_charts

        saved = save_market_charts(result, chart)
    emit(result.model_dump(mode="json"), market_tables(result), fmt)
    for path in saved:
        typer.echo(f"Chart written to {path}", err=True)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@market_app.command("run")
def run_command(
    input: Annotated[
        str,
        typer.Option(
            "--input",
            "-i",
            metavar="PATH_OR_GLOB",
            help="Postings as JSONL, CSV or Parquet: a file, a directory or a glob "
            "('data/*.jsonl'); with Spark also an hdfs://, s3a://, abfss:// or gs:// URI.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Where to write analyses/ and skills/ (Parquet, partitioned by month) and "
            "statistics.json; a new or empty directory, or an earlier run's (replaced).",
        ),
    ],
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            parser=choice(Engine),
            metavar=choices_metavar(Engine),
            help="duckdb: this machine, all cores; spark: Apache Spark "
            "(pip install 'rolediff[spark]', Java 17+).",
        ),
    ] = Engine.duckdb,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            metavar="URL",
            help="Spark master: local[N], spark://HOST:7077, yarn, k8s://... (default: the "
            "spark-submit session's, else local[*]).",
        ),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            parser=one_or_more,
            metavar=INT,
            help="Spark tasks analysing postings (default: 2 per core, at least one per "
            "20,000 records).",
        ),
    ] = None,
    role: Role = None,
    vs: Vs = None,
    metro: Metro = None,
    since: Since = None,
    workers: Workers = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Analyse a corpus and write its analyses, skills and statistics (show them with
    'rolediff market report --from DIR'); the same statistics on either engine."""
    from rolediff.market_views import run_tables

    _check_vs(role, vs)
    if engine is Engine.spark:
        if workers is not None:
            raise RolediffError("--workers is for --engine duckdb; Spark uses its executors.")
        from rolediff.market_spark import run

        result = run(
            input,
            output,
            master=master,
            role=role,
            vs=vs,
            metro=metro,
            since=since,
            partitions=partitions,
        )
    else:
        if master is not None or partitions is not None:
            raise RolediffError("--master and --partitions are for --engine spark.")
        from rolediff.market import run as run_duckdb

        result = run_duckdb(
            input, output, role=role, vs=vs, metro=metro, since=since, workers=workers
        )
    emit(result.model_dump(mode="json"), run_tables(result), fmt)


@market_app.command("collect")
def collect_command(
    query: Annotated[
        list[str],
        typer.Option("--query", "-q", help="Search terms; repeat for several."),
    ],
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="Where, e.g. 'Austin, TX'.")
    ] = None,
    site: Annotated[
        list[str] | None,
        typer.Option(
            "--site",
            help="Job site; repeat for several (default: linkedin, indeed, glassdoor, "
            "zip_recruiter, google).",
        ),
    ] = None,
    results: Annotated[
        int,
        typer.Option(
            "--results",
            "-n",
            parser=whole_number,
            metavar=INT,
            help="Postings wanted per site and query.",
        ),
    ] = 50,
    hours_old: Annotated[
        int | None,
        typer.Option(
            "--hours-old", parser=whole_number, metavar=INT, help="Only postings this recent."
        ),
    ] = None,
    db: Db = None,
    workers: Workers = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Collect live postings with python-jobspy (pip install 'rolediff[live]') into the store."""
    from rolediff.market import DEFAULT_SITES, collect_steps
    from rolediff.market_views import collect_tables

    if results < 1:
        raise RolediffError("--results must be 1 or more.")
    sites = site or list(DEFAULT_SITES)
    summary: CollectSummary = _run(
        collect_steps(query, location, sites, results, hours_old, db=db, workers=workers),
        0,
        "Collecting postings",
    )
    emit(summary.model_dump(mode="json"), collect_tables(summary), fmt)
    if summary.error:
        raise RolediffError(
            f"Collecting stopped early ({summary.error}); the "
            f"{summary.ingest.new:,} new posting(s) collected before it are stored."
        )
