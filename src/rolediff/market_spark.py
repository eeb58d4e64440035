"""The market pipeline on Apache Spark: postings read from JSONL, CSV or Parquet (local files, HDFS,
object storage), analysed on the executors, written as Parquet partitioned by month, and the
market statistics computed with Spark SQL.

Nothing here defines a statistic or an analysis. The executors analyse each posting with
``rolediff.market.analyse_fields`` — ``analysis_fields``, exactly as ``rolediff market ingest``
does — inside ``mapInPandas``; each executor's Python worker loads the skill taxonomy, role model
and place data once (they are cached per process, and Spark reuses its Python workers), never per
row. The statistics are ``rolediff.market.compute_report`` run over a ``market_facts`` temporary
view made from the same ``MARKET_FACTS_COLUMNS`` as the DuckDB store's view, so the two engines
run the same SQL and the same Python on the same columns.

A posting that occurs more than once (same content hash) is kept once: its first copy in file
order (files sorted by path, then line), as ``rolediff market ingest`` keeps it.

PySpark (``pip install 'rolediff[spark]'``, Java 17+) is imported only when a function here runs.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from rolediff import market
from rolediff.errors import RolediffError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[*]"
POSTINGS_PER_PARTITION = 20_000
"""Postings analysed per task (about a minute of one core): enough tasks to keep every core busy
and to make a lost task cheap to redo; ``partitions`` overrides it."""

_POSTING_FIELDS = (
    "id", "title", "description", "company", "location", "salary_text", "site", "url",
    "date_posted", "job_type", "job_level",
)  # fmt: skip
_PARSED = (
    ("rank", "INT"), ("line", "BIGINT"), ("source", "STRING"), ("content_hash", "STRING"),
    ("malformed", "STRING"), *((name, "STRING") for name in _POSTING_FIELDS),
)  # fmt: skip
"""A record as read: its file's rank, line, file, content hash (a unique key when malformed)
and reason when malformed, and the posting's fields."""
_TYPES = {"posted_month": "DATE", "line": "BIGINT", "hybrid": "BOOLEAN"}
_TYPES |= {"pay_annual_min": "DOUBLE", "pay_annual_max": "DOUBLE"}
_STORED = tuple((name, _TYPES.get(name, "STRING")) for name in market.ANALYSES_COLUMNS)
_ANALYSED = (
    *_STORED, ("skill_ids", "ARRAY<STRING>"), ("skill_mentions", "ARRAY<INT>"),
    ("month", "STRING"), ("copies", "BIGINT"), ("rank", "INT"), ("malformed", "STRING"),
)  # fmt: skip
"""A distinct posting analysed (or why it could not be), with its skills, month and copies."""
_SKILLS = (("content_hash", "STRING"), ("skill_id", "STRING"), ("mentions", "INT"))


def _ddl(fields: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in fields)


def missing() -> str | None:
    """Why Spark cannot run here (no PySpark, no Java), or None when it can."""
    try:
        importlib.import_module("pyspark")
    except ImportError:
        return "PySpark is not installed: pip install 'rolediff[spark]'"
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return None
    if shutil.which("java") is None:
        return "Java is not installed (Spark needs Java 17 or later; set JAVA_HOME)"
    return None


def session(
    master: str | None = None, app_name: str = "rolediff market run", cores: int | None = None
) -> SparkSession:
    """The active SparkSession (spark-submit's) when there is one and no ``master`` is asked for,
    else one on ``master`` (default ``local[*]``). A local session listens on 127.0.0.1 only, has
    no web UI, few shuffle partitions, and runs this Python interpreter on its executors."""
    reason = missing()
    if reason is not None:
        raise RolediffError(f"The Spark engine cannot start: {reason}.")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    master = master or DEFAULT_MASTER
    builder = SparkSession.builder.appName(app_name).master(master)
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        threads = cores or _local_cores(master)
        for key, value in {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": str(max(2, 2 * threads)),
            "spark.sql.session.timeZone": "UTC",
        }.items():
            builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j / the JVM launcher raise whatever fails first
        raise RolediffError(
            f"Spark could not start on {master} (is Java 17+ installed, JAVA_HOME set?): "
            f"{_first_line(exc)}"
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _local_cores(master: str) -> int:
    inside = master.partition("[")[2].partition("]")[0].split(",")[0]
    return int(inside) if inside.isdigit() else os.cpu_count() or 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _root_cause(exc: BaseException) -> str:
    """What a failed job says went wrong: the JVM's last "Caused by" without the exception's
    class ("file:/x.parquet is not a Parquet file. ..."), as py4j's first line names only the
    call that failed; else the first line."""
    causes = [line for line in str(exc).splitlines() if line.startswith("Caused by: ")]
    if not causes:
        return _first_line(exc)
    return re.sub(r"^Caused by: [\w.$]+: ", "", causes[-1]).strip()


def _is_uri(text: str) -> bool:
    scheme = urlparse(text).scheme
    return len(scheme) > 1 and scheme != "file"  # "C:\\..." has a one-letter "scheme"


def _file_key(uri: str) -> str:
    """A file as Spark names it (``file:/a/b``, ``s3a://bucket/k``) → how the run's file list
    names it: a local path, or the URI."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    return uri


def run(
    input: str | Path,
    output: str | Path,
    spark: SparkSession | None = None,
    master: str | None = None,
    role: str | None = None,
    vs: str | None = None,
    metro: str | None = None,
    since: str | None = None,
    partitions: int | None = None,
) -> market.MarketRun:
    """``rolediff market run --engine spark``: read the postings matching ``input``, analyse them
    on Spark, write ``analyses`` and ``skills`` Parquet partitioned by month and the statistics
    (``statistics.json``) into ``output`` (a local directory or a Hadoop URI: hdfs://, s3a://).
    A local ``output`` is written as ``market.run`` writes it: beside, replacing an earlier run
    only once complete (``market.staged_output``)."""
    selection = market.select(role, vs, metro, since)
    if partitions is not None and partitions < 1:
        raise RolediffError("--partitions must be 1 or more.")
    text_in, text_out = str(input), str(output)
    local_files = None if _is_uri(text_in) else market.resolve_inputs(text_in)
    local_out = None if _is_uri(text_out) else market.output_dir(text_out).resolve()
    spark = spark or session(master)
    if local_files is None:
        files = _resolve_remote(spark, text_in)
    else:
        files = [str(p.resolve()) for p in local_files]
    try:
        if local_out is None:
            out = text_out.rstrip("/")
            return _run(spark, text_in, files, out, out, selection, partitions)
        with market.staged_output(local_out) as stage:
            return _run(spark, text_in, files, str(local_out), str(stage), selection, partitions)
    except RolediffError:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):  # the job, not rolediff, failed
            raise RolediffError(f"The Spark job failed: {_root_cause(exc)}") from None
        raise


def _resolve_remote(spark: SparkSession, pattern: str) -> list[str]:
    """Files matching a Hadoop URI or glob (hdfs://, s3a://, abfss://, gs://), via Spark's own
    Hadoop file system."""
    context: Any = spark.sparkContext
    hadoop: Any = context._jvm.org.apache.hadoop.fs
    path = hadoop.Path(pattern)
    fs = path.getFileSystem(context._jsc.hadoopConfiguration())
    statuses = fs.globStatus(path) or []
    found: list[str] = []
    for status in statuses:
        if status.isDirectory():
            listing = fs.listFiles(status.getPath(), True)
            base = status.getPath().toString().rstrip("/") + "/"
            while listing.hasNext():
                name = listing.next().getPath().toString()
                if not market._hidden(Path(name.removeprefix(base))):
                    found.append(name)
        else:
            found.append(status.getPath().toString())
    if not found:
        raise RolediffError(f"No posting file matches {pattern}.")
    unknown = [
        f for f in found if Path(urlparse(f).path).suffix.lower() not in market.POSTING_FORMATS
    ]
    if unknown:
        raise RolediffError(
            "Expected JSONL (.jsonl, .ndjson), CSV or Parquet postings, not: "
            + ", ".join(unknown[:5])
        )
    return sorted(found)


def _read(spark: SparkSession, files: list[str]) -> DataFrame:
    """Every record of every file as one string (a JSONL line, or a CSV / Parquet row as a JSON
    object), with its format, file and the start of the file split it was read from."""
    from pyspark.sql import functions as F

    from rolediff.postings.read import Malformed, from_mapping

    def located(frame: DataFrame, record: Any, kind: str) -> DataFrame:
        return frame.select(
            record.alias("record"),
            F.lit(kind).alias("kind"),
            F.col("_metadata.file_path").alias("file"),
            F.col("_metadata.file_block_start").alias("block"),
        )

    kinds: dict[str, list[str]] = {}
    for name in files:
        kind = market.POSTING_FORMATS[Path(urlparse(name).path).suffix.lower()]
        kinds.setdefault(kind, []).append(name)
    frames: list[DataFrame] = []
    if kinds.get("jsonl"):
        frames.append(located(spark.read.text(kinds["jsonl"]), F.col("value"), "jsonl"))
    for name in kinds.get("csv", []):  # one by one: each file has its own header
        frame = spark.read.options(header=True, multiLine=True, escape='"').csv(name)
        header = dict.fromkeys(frame.columns, "x")
        if isinstance(from_mapping(header, 0), Malformed):
            raise RolediffError(
                f"{name}: CSV input needs a header row with a 'description' column."
            )
        frames.append(
            located(frame, F.to_json(F.struct(*[frame[c] for c in frame.columns])), "csv")
        )
    if kinds.get("parquet"):
        frame = spark.read.option("mergeSchema", "true").parquet(*kinds["parquet"])
        record = F.to_json(F.struct(*[frame[c] for c in frame.columns]))
        frames.append(located(frame, record, "parquet"))
    combined = frames[0]
    for frame in frames[1:]:
        combined = combined.unionByName(frame)
    return combined


def _line_starts(raw: DataFrame) -> tuple[dict[tuple[str, int], int], int]:
    """Rows (lines) in each file before each of its splits, and the rows in all files."""
    counts: dict[str, list[tuple[int, int]]] = {}
    for row in raw.groupBy("file", "block").count().collect():
        counts.setdefault(row["file"], []).append((int(row["block"]), int(row["count"])))
    starts: dict[tuple[str, int], int] = {}
    for file, blocks in counts.items():
        before = 0
        for block, count in sorted(blocks):
            starts[(file, block)] = before
            before += count
    return starts, sum(count for blocks in counts.values() for _, count in blocks)


def parse_batches(
    batches: Iterator[Any], starts: dict[tuple[str, int], int], ranks: dict[str, int]
) -> Iterator[Any]:
    """mapInPandas: records → postings (``rolediff.postings.read``, as ``ingest`` reads them) with
    their content hash, file rank and line; a malformed record keeps its reason and a unique key.
    Spark hands each task its splits' rows in file order, so counting rows gives line numbers."""
    pandas = importlib.import_module("pandas")
    from rolediff.postings.read import Malformed, from_mapping, read_postings

    seen: dict[tuple[str, int], int] = {}
    columns = [name for name, _ in _PARSED]
    for frame in batches:
        rows: list[tuple[Any, ...]] = []
        for record, kind, file, block in zip(
            frame["record"], frame["kind"], frame["file"], frame["block"], strict=True
        ):
            key = (str(file), int(block))
            index = seen.get(key, 0)
            seen[key] = index + 1
            line = starts[key] + index + (2 if kind == "csv" else 1)  # a CSV's header is line 1
            source = _file_key(key[0])
            if source not in ranks:
                raise RolediffError(f"Spark read {source}, which is not in the run's file list.")
            rank = ranks[source]
            text = _text(record)
            if kind == "jsonl":
                if key[1] == 0 and index == 0:
                    text = text.removeprefix("\ufeff")
                records = list(read_postings(text, "jsonl"))  # a blank line yields none
            else:
                import json

                records = [from_mapping(market.clean_mapping(json.loads(text)), line)]
            for k, parsed in enumerate(records):
                if isinstance(parsed, Malformed):
                    rows.append((rank, line, source, f"!{rank}:{line}:{k}", parsed.reason)
                                + (None,) * len(_POSTING_FIELDS))  # fmt: skip
                    continue
                rows.append(
                    (rank, line, source, market.content_hash(parsed), None, parsed.id,
                     parsed.title, parsed.description, parsed.company, parsed.location,
                     parsed.salary_text, parsed.site, parsed.url, parsed.date_posted,
                     parsed.job_type, parsed.job_level)
                )  # fmt: skip
        yield pandas.DataFrame.from_records(rows, columns=columns)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _optional(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def analyse_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInPandas: the first copy of each posting → its analysis (``market.analyse_fields``),
    in the columns of the store's postings and analyses tables, its skills, and its month."""
    pandas = importlib.import_module("pandas")
    columns = [name for name, _ in _ANALYSED]
    analysis_columns = market.ANALYSES_COLUMNS[12:]  # role ... model_version
    for frame in batches:
        rows: list[dict[str, Any]] = []
        for item in frame.to_dict("records"):
            row: dict[str, Any] = dict.fromkeys(columns) | {
                "content_hash": str(item["content_hash"]),
                "source": str(item["source"]),
                "line": int(item["line"]),
                "copies": int(item["copies"]),
                "rank": int(item["rank"]),
            }
            result: Any = _optional(item["malformed"])
            if result is None:
                fields = (
                    _text(item["description"]),
                    _optional(item["title"]),
                    _optional(item["location"]),
                    _optional(item["salary_text"]),
                    _optional(item["job_type"]),
                    _optional(item["job_level"]),
                )
                result = market.analyse_fields(fields)
            if isinstance(result, str):
                rows.append(row | {"malformed": result})
                continue
            date_posted = _optional(item["date_posted"])
            month = market.posted_month(date_posted)
            site = _optional(item["site"])
            skills = result[-1]
            row |= {
                "posting_id": _optional(item["id"]),
                "title": _optional(item["title"]),
                "company": _optional(item["company"]),
                "location": _optional(item["location"]),
                "site": market.site_key(site),
                "site_text": site,
                "url": _optional(item["url"]),
                "date_posted": date_posted,
                "posted_month": month,
                "skill_ids": [skill for skill, _ in skills],
                "skill_mentions": [int(mentions) for _, mentions in skills],
                "month": month.isoformat()[:7] if month else market.UNKNOWN_MONTH,
            }
            row |= dict(zip(analysis_columns, result[:-1], strict=True))
            rows.append(row)
        yield pandas.DataFrame.from_records(rows, columns=columns)


def _run(
    spark: SparkSession,
    text_in: str,
    files: list[str],
    out: str,
    stage: str,
    selection: market.Selection,
    partitions: int | None,
) -> market.MarketRun:
    """The run of ``files`` into ``out``, written to ``stage`` (``out`` itself, or where it is
    staged)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    started = time.perf_counter()
    raw = _read(spark, files)
    starts, lines = _line_starts(raw)
    ranks = {_file_key(f): rank for rank, f in enumerate(files)}
    parsed = raw.mapInPandas(partial(parse_batches, starts=starts, ranks=ranks), _ddl(_PARSED))
    tasks = partitions or max(
        2 * spark.sparkContext.defaultParallelism, math.ceil(lines / POSTINGS_PER_PARTITION)
    )
    others = [c for c in parsed.columns if c not in ("content_hash", "rank", "line")]
    first = (
        parsed.repartition(tasks, "content_hash")
        .groupBy("content_hash")
        .agg(
            F.min(F.struct("rank", "line", *others)).alias("first"),
            F.count(F.lit(1)).alias("copies"),
        )
        .select("content_hash", "copies", "first.*")
    )
    analysed = first.mapInPandas(analyse_batches, _ddl(_ANALYSED))
    analysed = analysed.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        stored = analysed.where(F.col("malformed").isNull())
        stored.select(*market.ANALYSES_COLUMNS, "month").write.mode("overwrite").partitionBy(
            "month"
        ).parquet(f"{stage}/analyses")
        stored.selectExpr(
            "content_hash", "month", "inline(arrays_zip(skill_ids, skill_mentions))"
        ).selectExpr(
            "content_hash", "skill_ids AS skill_id", "skill_mentions AS mentions", "month"
        ).write.mode("overwrite").partitionBy("month").parquet(f"{stage}/skills")
        totals = analysed.agg(
            F.sum("copies").alias("records"),
            F.count(F.when(F.col("malformed").isNull(), 1)).alias("new"),
            F.sum(F.col("copies") - 1).alias("duplicate"),
            F.count(F.when(F.col("malformed").isNotNull(), 1)).alias("malformed"),
        ).first()
        listed = (
            analysed.where(F.col("malformed").isNotNull())
            .orderBy("rank", "line")
            .select("source", "line", "malformed")
            .limit(market.MAX_LISTED_MALFORMED)
            .collect()
        )
    finally:
        analysed.unpersist()
    counted = {
        k: int(totals[k] or 0) if totals else 0
        for k in ("records", "new", "duplicate", "malformed")
    }
    if not counted["records"]:
        raise market.no_postings(files)
    malformed = [
        market.MalformedRecord(source=r["source"], line=int(r["line"]), reason=r["malformed"])
        for r in listed
    ]
    market.require_postings(text_in, counted["new"], counted["records"], malformed)
    report = statistics(spark, stage, selection).model_copy(update={"db": out})
    seconds = time.perf_counter() - started
    result = market.MarketRun(
        engine="spark",
        master=spark.sparkContext.master,
        input=text_in,
        files=files,
        output=out,
        malformed_records=malformed,
        seconds=round(seconds, 3),
        records_per_second=round(counted["records"] / seconds, 1) if seconds else 0.0,
        report=report,
        **counted,
    )
    _write_text(spark, f"{stage}/{market.STATISTICS_FILE}", result.model_dump_json(indent=1) + "\n")
    return result


def statistics(spark: SparkSession, out: str, selection: market.Selection) -> market.MarketReport:
    """The report over a run's Parquet: ``market.compute_report`` on Spark SQL, over temporary
    views ``market_facts`` (``MARKET_FACTS_COLUMNS`` of the analyses) and ``skills``."""
    stored = _ddl((*_STORED, ("month", "STRING")))
    spark.read.schema(stored).parquet(f"{out}/analyses").createOrReplaceTempView(
        "rolediff_analyses"
    )
    facts = spark.sql(
        f"SELECT content_hash, {market.MARKET_FACTS_COLUMNS} FROM rolediff_analyses"
    ).cache()
    skills = (
        spark.read.schema(_ddl((*_SKILLS, ("month", "STRING"))))
        .parquet(f"{out}/skills")
        .select("content_hash", "skill_id", "mentions")
        .cache()
    )
    try:
        facts.createOrReplaceTempView("market_facts")
        skills.createOrReplaceTempView("skills")

        def query(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in spark.sql(sql).collect()]

        return market.compute_report(query, out, selection)
    finally:
        facts.unpersist()
        skills.unpersist()


def _write_text(spark: SparkSession, target: str, text: str) -> None:
    if not _is_uri(target):
        Path(target).write_text(text, encoding="utf-8")
        return
    context: Any = spark.sparkContext
    path = context._jvm.org.apache.hadoop.fs.Path(target)
    stream = path.getFileSystem(context._jsc.hadoopConfiguration()).create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()
