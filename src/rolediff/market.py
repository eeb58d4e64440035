"""Job-market analytics: postings analysed into a DuckDB store, and the statistics read from it.

The store (one DuckDB file, ``default_db_path()`` unless ``db`` says otherwise) holds three
tables: ``postings`` (one row per distinct posting: its content hash, source and dates, not its
text), ``analyses`` (the role, place, pay and seniority found in it) and ``skills`` (one row per
skill it asks for). A posting's identity (``content_hash``) is the sha256 of its normalised title,
description and company, extended by its normalised location when it states one: the same posting
ingested twice, from two files or two job sites, is stored once, while one job advertised in
several places (the same text, a copy per city) counts once in each of its places.
Batches commit postings, analyses and skills together, so a killed ingest leaves whole batches
only, and a rerun skips what was committed and finishes the rest.

Every statistic has one definition: a SQL query over the ``market_facts`` view (standard SQL that
DuckDB and Spark SQL both run; literals are validated before they are inlined) and, for the
distinctive skills and the pay percentiles, the Python functions ``fightin_words`` and
``percentile_cont``. ``compute_report`` runs them through a query function, so the store's report
and a Spark run's (``rolediff.market_spark``) come from the same code; ``run`` is the DuckDB side
of ``rolediff market run``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from rolediff.errors import RolediffError, check_output_file, suggest
from rolediff.postings.read import (
    AnalysisInput,
    Malformed,
    RawPosting,
    Record,
    analysis_input,
    from_mapping,
    read_posting_input,
    read_postings,
    sniff,
)

if TYPE_CHECKING:
    import duckdb

    from rolediff.postings.parse import PostingLocation, Salary

SMALL_SAMPLE = 30
"""Statistics from fewer postings are flagged: at n = 30 a share's 95% interval is already about
±18 points (1.96·√(0.25/30)), and a p10 or p90 rests on three postings."""

BATCH_SIZE = 2_000
"""Postings committed per transaction: large enough that commits cost little next to analysis,
small enough that a killed ingest loses under two seconds of work."""

TOP_SKILLS = 15
"""Skills listed per role, and per side of a distinctive-skills comparison."""

PRIOR_PSEUDO_COUNTS = 500.0
"""Total weight of the informative Dirichlet prior in ``fightin_words``: spread over the skills in
proportion to their frequency in all postings. About what a role with 50 postings contributes,
so the estimates of small roles shrink toward the corpus and those of large roles do not."""

MAX_LISTED_MALFORMED = 1_000
"""Malformed records listed (with line and reason) in an ingest summary; all are counted."""

_JSONL_BLOCK = 1_000
_ROLES = ("devops", "sre", "devsecops", "cloud", "platform", "other")
_SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
)

MARKET_FACTS_COLUMNS = """
        site, posted_month,
        role, hybrid, work_mode, metro_cbsa, country, pay_currency,
        CASE WHEN COALESCE(pay_source, '') <> 'estimate' THEN
            COALESCE((pay_annual_min + pay_annual_max) / 2, pay_annual_min, pay_annual_max)
        END AS pay_annual,
        CASE WHEN pay_currency = 'USD' AND COALESCE(pay_source, '') <> 'estimate' THEN
            COALESCE((pay_annual_min + pay_annual_max) / 2, pay_annual_min, pay_annual_max)
        END AS pay_usd"""
"""The columns of ``market_facts`` (besides ``content_hash``), computed from the postings' and
analyses' columns (no name is in both): the one definition of the view every statistic reads, in
the DuckDB store (migrations 1 and 3) and in Spark (``rolediff.market_spark``), where one table
holds both. A posting's pay is the middle of its yearly range; a job board's estimate
("$81K-$167K (Glassdoor est.)") is not pay a posting discloses, and counts as none. Changing the
columns needs a new migration that replaces the view (``_facts_view``)."""


def _facts_view(replace: str = "OR REPLACE") -> str:
    """The statement that makes ``market_facts`` from the current columns."""
    return (
        f"CREATE {replace} VIEW market_facts AS SELECT p.content_hash, {MARKET_FACTS_COLUMNS}"
        " FROM postings p JOIN analyses a ON a.content_hash = p.content_hash"
    )


def _key_by_location(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 2: ``content_hash`` takes in the posting's location (``located_hash``), so the
    stored keys of postings that state one are extended as ingest now computes them; re-ingesting
    a file stays idempotent."""
    con.create_function("rolediff_located_hash", located_hash, ["VARCHAR", "VARCHAR"], "VARCHAR")
    try:
        con.execute(
            "CREATE TEMP TABLE rekeyed AS SELECT * FROM (SELECT content_hash AS old,"
            " rolediff_located_hash(content_hash, location) AS new FROM postings) WHERE new <> old"
        )
    finally:
        con.remove_function("rolediff_located_hash")
    for table in ("skills", "analyses", "postings"):
        con.execute(
            f"UPDATE {table} SET content_hash = r.new FROM rekeyed r"
            f" WHERE {table}.content_hash = r.old"
        )
    con.execute("DROP TABLE rekeyed")


MIGRATIONS: tuple[str | Callable[[duckdb.DuckDBPyConnection], None], ...] = (
    # 1: postings, their analyses and skills; the view every statistic reads.
    """
    CREATE TABLE postings (
        content_hash VARCHAR PRIMARY KEY,
        posting_id VARCHAR,
        title VARCHAR,
        company VARCHAR,
        location VARCHAR,
        site VARCHAR,
        site_text VARCHAR,
        url VARCHAR,
        date_posted VARCHAR,
        posted_month DATE,
        source VARCHAR,
        line INTEGER,
        ingested_at TIMESTAMP
    );
    CREATE TABLE analyses (
        content_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        hybrid BOOLEAN NOT NULL,
        hybrid_of VARCHAR,
        seniority VARCHAR,
        employment_type VARCHAR,
        work_mode VARCHAR,
        city VARCHAR,
        state VARCHAR,
        metro_cbsa VARCHAR,
        country VARCHAR,
        pay_currency VARCHAR,
        pay_annual_min DOUBLE,
        pay_annual_max DOUBLE,
        pay_source VARCHAR,
        model_version VARCHAR NOT NULL
    );
    CREATE TABLE skills (
        content_hash VARCHAR NOT NULL,
        skill_id VARCHAR NOT NULL,
        mentions INTEGER NOT NULL
    );
    """,
    # 2: a posting's key takes in its location.
    _key_by_location,
    # 3: the view every statistic reads, as MARKET_FACTS_COLUMNS now defines it (a job board's
    # pay estimate is no disclosed pay).
    _facts_view(),
)
"""Schema changes in order (SQL, or a function of the connection); the store records in
``schema_version`` which ones it has."""

SCHEMA_VERSION = len(MIGRATIONS)
READABLE_SINCE = 1
"""The oldest schema the statistics can read without its being migrated first (migration 2 only
re-keys postings; a read of a store older than 3 sees ``market_facts`` as a temporary view made
from the current columns); ingest migrates it."""


# --- statistics: one definition each -------------------------------------------------------

OPENINGS_SQL = {
    "role": "SELECT role AS key, COUNT(*) AS n FROM market_facts WHERE {where} GROUP BY role",
    "site": "SELECT site AS key, COUNT(*) AS n FROM market_facts WHERE {where} GROUP BY site",
    "metro": (
        "SELECT metro_cbsa AS key, COUNT(*) AS n FROM market_facts WHERE {where}"
        " GROUP BY metro_cbsa"
    ),
    "month": (
        "SELECT SUBSTRING(CAST(posted_month AS STRING), 1, 7) AS key, COUNT(*) AS n"
        " FROM market_facts WHERE {where} GROUP BY posted_month"
    ),
}
"""Openings (distinct postings) per role, source site, metro (CBSA) and month posted."""

WORK_MODE_SQL = """
SELECT role, COUNT(*) AS n,
    COUNT(CASE WHEN work_mode = 'remote' THEN 1 END) AS remote,
    COUNT(CASE WHEN work_mode = 'hybrid' THEN 1 END) AS hybrid,
    COUNT(CASE WHEN work_mode = 'onsite' THEN 1 END) AS onsite,
    COUNT(CASE WHEN hybrid THEN 1 END) AS hybrid_role
FROM market_facts WHERE {where} GROUP BY ROLLUP (role)
"""
"""Remote, hybrid and on-site shares per role (NULL role: all postings), and the share of
postings classified as a hybrid of two roles."""

SKILL_COUNTS_SQL = """
WITH f AS (SELECT content_hash, role FROM market_facts WHERE {where}),
totals AS (SELECT role, COUNT(*) AS n FROM f GROUP BY role)
SELECT f.role, s.skill_id, COUNT(*) AS postings, t.n
FROM f JOIN skills s ON s.content_hash = f.content_hash JOIN totals t ON t.role = f.role
GROUP BY f.role, s.skill_id, t.n
"""
"""Postings asking for each skill, per role, with the role's posting count (share = postings/n)."""

AREA_COUNTS_SQL = """
WITH f AS (SELECT content_hash, role FROM market_facts WHERE {where}),
totals AS (SELECT role, COUNT(*) AS n FROM f GROUP BY role),
areas(skill_id, area) AS (VALUES {areas})
SELECT f.role, a.area, COUNT(DISTINCT f.content_hash) AS postings, t.n
FROM f JOIN skills s ON s.content_hash = f.content_hash
JOIN areas a ON a.skill_id = s.skill_id
JOIN totals t ON t.role = f.role
GROUP BY f.role, a.area, t.n
"""
"""Postings asking for at least one skill of each taxonomy area, per role, with the role's n."""

PAY_SQL = """
SELECT role, COUNT(*) AS n, COUNT(pay_annual) AS disclosed, COUNT(pay_usd) AS n_usd
FROM market_facts WHERE {where} GROUP BY role
"""
"""Pay per role: the share of postings stating any pay (in any currency), and how many state it
in US dollars (the n behind the percentiles)."""

PAY_VALUES_SQL = """
SELECT role, pay_usd, COUNT(*) AS n
FROM market_facts WHERE {where} AND pay_usd IS NOT NULL GROUP BY role, pay_usd
"""
"""How many postings of each role state each annual midpoint of US-dollar pay: the distribution
``percentile_cont`` reads the pay percentiles from. Computing them in Python from these exact
values, rather than with each engine's own PERCENTILE_CONT (DuckDB's and Spark's round
differently in the last bit), makes every engine give the same percentiles; pay figures repeat,
so the rows are few even for millions of postings."""

PAY_PERCENTILES = (Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))
"""p10, p50 and p90."""

SPAN_SQL = """
SELECT COUNT(*) AS n, MIN(posted_month) AS first, MAX(posted_month) AS last,
    COUNT(posted_month) AS dated
FROM market_facts WHERE {where}
"""
"""How many postings the filters select, and the months of the first and last."""


@dataclass(frozen=True)
class Filters:
    """Which postings a statistic covers. Values are validated, so inlining them is safe."""

    role: str | None = None
    metro_cbsa: str | None = None
    since: date | None = None

    def where(self, with_role: bool = True) -> str:
        clauses = ["1 = 1"]
        if with_role and self.role is not None:
            clauses.append(f"role = '{_role_id(self.role)}'")
        if self.metro_cbsa is not None:
            if not self.metro_cbsa.isdigit():
                raise RolediffError(f"Not a CBSA code: {self.metro_cbsa!r}.")
            clauses.append(f"metro_cbsa = '{self.metro_cbsa}'")
        if self.since is not None:
            clauses.append(f"posted_month >= DATE '{self.since.replace(day=1).isoformat()}'")
        return " AND ".join(clauses)


def percentile_cont(counts: Iterable[tuple[float, int]], q: Fraction) -> Fraction | None:
    """The SQL standard's PERCENTILE_CONT(q) of a distribution given as (value, how many times)
    pairs: linear interpolation between the order statistics around position (n - 1)·q, counted
    from 0. Exact (rational arithmetic on the exact values), so it does not depend on the engine
    that counted the values, nor on the order of the pairs. None when there is no value."""
    ordered = sorted((Fraction(value), int(times)) for value, times in counts if times > 0)
    n = sum(times for _, times in ordered)
    if not n:
        return None
    position = (n - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    values: dict[int, Fraction] = {}
    seen = 0
    for value, times in ordered:  # the values at ranks low and high
        for rank in (low, high):
            if seen <= rank < seen + times:
                values[rank] = value
        seen += times
        if high < seen:
            break
    return values[low] + (values[high] - values[low]) * (position - low)


def fightin_words(
    counts_a: dict[str, int], counts_b: dict[str, int], background: dict[str, int]
) -> dict[str, tuple[float, float]]:
    """Log-odds ratio of each skill between two roles, with an informative Dirichlet prior, and
    its z-score: skill → (log-odds ratio, z). Positive favours role a.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation
    for Identifying the Content of Political Conflict", Political Analysis 16(4): 372-403,
    doi:10.1093/pan/mpn018 — equations 16 (prior), 20-22 (estimate, variance, z). Counts are
    postings asking for the skill; the prior is the background (all postings selected) scaled to
    ``PRIOR_PSEUDO_COUNTS``.
    """
    total_background = sum(background.values())
    if not total_background:
        return {}
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    alpha0 = PRIOR_PSEUDO_COUNTS
    result = {}
    for skill, seen in background.items():
        alpha = alpha0 * seen / total_background
        y_a, y_b = counts_a.get(skill, 0), counts_b.get(skill, 0)
        delta = math.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha)) - math.log(
            (y_b + alpha) / (n_b + alpha0 - y_b - alpha)
        )
        sigma = math.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
        result[skill] = (delta, delta / sigma)
    return result


# --- the store -----------------------------------------------------------------------------


def default_db_path() -> Path:
    """``$ROLEDIFF_MARKET_DB``, else ``market.duckdb`` in the per-user data directory:
    ``$XDG_DATA_HOME/rolediff`` (default ``~/.local/share/rolediff``; ``%LOCALAPPDATA%`` on
    Windows)."""
    explicit = os.environ.get("ROLEDIFF_MARKET_DB")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "rolediff" / "market.duckdb"


def store_path(db: str | Path | None = None) -> Path:
    """Where the store is: ``db`` when given, else ``default_db_path()``."""
    return Path(db).expanduser() if db is not None else default_db_path()


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, creating and migrating it unless ``read_only``. The default store's
    directory is created when missing; a store given as ``db`` must be in a directory that
    exists."""
    import duckdb

    path = store_path(db)
    if read_only and path.is_dir():
        raise RolediffError(f"{path} is a directory, not a market store: give the store's file.")
    if read_only and not path.is_file():
        other = "" if db is not None else " (or give --db)"
        raise RolediffError(
            f"No market store at {path}: run 'rolediff market ingest FILE' first{other}."
        )
    if not read_only and db is not None:
        check_output_file(path, "hold the market store")
    if path.is_file() and not _is_duckdb_file(path):
        raise RolediffError(f"{path} is not a market store (a DuckDB database file).")
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)  # the default's data directory
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:  # also a damaged file ("Corrupt database file"), not only I/O
        raise RolediffError(f"Cannot open the market store {path}: {_first_line(exc)}") from None
    try:
        try:
            version = _schema_version(con)
            foreign = _other_tables(con) if version == 0 else []
        except duckdb.Error as exc:
            raise RolediffError(
                f"Cannot read the market store {path}: {_first_line(exc)}"
            ) from None
        if foreign:  # a DuckDB database of something else: never add the store's tables to it
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise RolediffError(
                f"{path} is a DuckDB database but not a market store (it holds {shown});"
                " give --db a new file or a store 'rolediff market ingest' made."
            )
        if version == 0 and read_only:
            raise RolediffError(
                f"The market store {path} is empty: run 'rolediff market ingest FILE' first."
            )
        if version > SCHEMA_VERSION:
            raise RolediffError(
                f"{path} was written by a newer rolediff (schema {version}); upgrade rolediff."
            )
        if version < SCHEMA_VERSION:
            if read_only and version >= READABLE_SINCE:
                # The newer migrations change no stored column a statistic reads; the view's
                # current definition shadows the stored one for this connection.
                con.execute(_facts_view("TEMP"))
                return con
            if read_only:
                raise RolediffError(
                    f"{path} has an older schema ({version}): run 'rolediff market ingest' once."
                )
            _migrate(con, version)
    except BaseException:
        con.close()
        raise
    return con


def _is_duckdb_file(path: Path) -> bool:
    """Whether the file has DuckDB's magic bytes. DuckDB itself opens a CSV, JSON or Parquet file
    given as a database as an in-memory database, where an ingest would be lost."""
    try:
        with path.open("rb") as file:
            return file.read(12)[8:] == b"DUCK"
    except OSError as exc:
        raise RolediffError(f"Cannot read the market store {path}: {exc.strerror}.") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _other_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables and views of a database without a schema version: none in a new store."""
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_catalog = current_database() ORDER BY table_schema, table_name"
    ).fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def _migrate(con: duckdb.DuckDBPyConnection, current: int) -> None:
    for version, script in enumerate(MIGRATIONS[current:], current + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_SCHEMA_VERSION_TABLE)
            if isinstance(script, str):
                con.execute(script)
            else:
                script(con)
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def store_counts(db: str | Path | None = None) -> dict[str, int]:
    """Rows in each table of the store."""
    con = connect(db, read_only=True)
    try:
        return {t: _count(con, t) for t in ("postings", "analyses", "skills")}
    finally:
        con.close()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


# --- ingest --------------------------------------------------------------------------------


class MalformedRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    line: int
    reason: str


class IngestSummary(BaseModel):
    """What an ingest did: every record read is new, a duplicate, or malformed."""

    model_config = ConfigDict(frozen=True)

    db: str
    sources: list[str]
    records: int
    new: int
    duplicate: int
    """Postings already stored, or read earlier in this ingest: not stored again."""
    malformed: int
    malformed_records: list[MalformedRecord]
    """The first ``MAX_LISTED_MALFORMED``, with line and reason."""
    seconds: float
    records_per_second: float
    store: dict[str, int]
    """Rows in each table after the ingest."""


def content_hash(posting: RawPosting) -> str:
    """A posting's identity: the sha256 of its normalised (lower-case, whitespace-collapsed)
    title, description and company, extended by its location (``located_hash``).

    Copies with the same text are one posting only in the same place: a job advertised in Austin,
    Seattle and Denver with one text is three openings, each counted in its metro, while the same
    posting found again (another file, another job site) is a duplicate. The job's URL is not
    part of the key, as each job site gives the same posting its own URL."""
    parts = (posting.title or "", posting.description, posting.company or "")
    # str.split() cuts at the characters a regular expression's \s matches (str.isspace): the
    # same text as collapsing runs of \s to one space and stripping, at a tenth of the cost.
    text = "\x1f".join(" ".join(p.split()).lower() for p in parts)
    return located_hash(hashlib.sha256(text.encode("utf-8")).hexdigest(), posting.location)


_NOT_WORD = re.compile(r"[\W_]+")


def located_hash(text_hash: str, location: str | None) -> str:
    """``text_hash`` when the location is missing or blank, else the sha256 of it and the
    location lower-cased with its punctuation and spacing ignored ("Austin, TX" = "austin tx")."""
    place = _NOT_WORD.sub(" ", location or "").strip().lower()
    if not place:
        return text_hash
    return hashlib.sha256(f"{text_hash}\x1f{place}".encode()).hexdigest()


def site_key(site: str | None) -> str | None:
    """A job site's short name: "dice.com (PromptCloud sample)" → "dice.com"; "LinkedIn" →
    "linkedin"."""
    if site is None:
        return None
    key = site.split(" (", 1)[0].strip().lower().removeprefix("www.")
    return key or None


_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?!\d)")


def posted_month(text: str | None) -> date | None:
    """The month a posting was published, from "2024-03", "2024-03-15" or an ISO timestamp;
    None when only the year (or nothing) is known."""
    match = _YEAR_MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


_Skill = tuple[str, int]
_Analysed = tuple[Any, ...]


def _pay_source(pay: Salary | None) -> str | None:
    """The store's ``pay_source``: the salary's source (``field``, ``description``), or
    ``estimate`` for a job board's estimate, which the statistics do not count as pay."""
    if pay is None:
        return None
    return "estimate" if pay.estimate else pay.source


def analyse_fields(fields: AnalysisInput) -> _Analysed | str:
    """One posting (description, title, location, pay text, job type, job level) → the analysis
    columns (``analyses`` without content_hash) and its skills as (id, mentions) pairs last, or
    the reason it cannot be analysed. Runs in the worker processes, so it takes and returns plain
    tuples (cheap to pickle); Spark's executors run it too (``rolediff.market_spark``)."""
    from rolediff.postings.analyze import analysis_fields

    description, title, location, salary_text, job_type, job_level = fields
    try:
        r = analysis_fields(
            description,
            title=title,
            location=location,
            salary_text=salary_text,
            job_type=job_type,
            job_level=job_level,
            evidence=False,
        )
    except RolediffError as exc:
        return str(exc)
    pay: Salary | None = r["salary"]
    place: PostingLocation | None = r["location"]
    return (
        r["role"],
        r["hybrid"],
        "+".join(r["hybrid_of"]) or None,
        r["seniority"],
        r["employment_type"],
        place.remote if place else None,
        place.city if place else None,
        place.state if place else None,
        place.metro_cbsa if place else None,
        place.country if place else None,
        pay.currency if pay else None,
        pay.annual_min if pay else None,
        pay.annual_max if pay else None,
        _pay_source(pay),
        r["model_version"],
        [(s.id, s.count) for s in r["skills"]],
    )


def _analyse_chunk(chunk: list[AnalysisInput]) -> list[_Analysed | str]:
    from rolediff.postings.analyze import gc_paused

    with gc_paused():
        return [analyse_fields(fields) for fields in chunk]


@dataclass
class _Batch:
    records: int
    postings: list[tuple[str, str, RawPosting]]
    """(content hash, source, posting) of the new postings."""
    analysed: Any
    """The analyses: a list, or an AsyncResult of chunked lists from the pool."""


class _Ingestion:
    """Reads records, skips the ones stored, analyses the rest on all cores and commits batches.

    One batch is analysed while the previous one is written, so the workers rarely wait."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, pool: Any, workers: int, batch_size: int
    ) -> None:
        self.con = con
        self.pool = pool
        self.workers = workers
        self.batch_size = batch_size
        self.in_flight: set[str] = set()
        self.new = self.duplicate = self.records = 0
        self.malformed: list[MalformedRecord] = []
        self.malformed_count = 0

    def run(self, records: Iterable[tuple[str, Record]]) -> Generator[int, None, None]:
        pending: _Batch | None = None
        iterator = iter(records)
        while chunk := list(islice(iterator, self.batch_size)):
            batch = self._start(chunk)
            if pending is not None:
                yield self._write(pending)
            pending = batch
        if pending is not None:
            yield self._write(pending)

    def _start(self, chunk: list[tuple[str, Record]]) -> _Batch:
        candidates: list[tuple[str, str, RawPosting]] = []
        for source, record in chunk:
            if isinstance(record, Malformed):
                self._reject(source, record.line, record.reason)
            else:
                candidates.append((content_hash(record), source, record))
        stored = self._stored([h for h, _, _ in candidates])
        fresh = []
        for item in candidates:
            if item[0] in stored or item[0] in self.in_flight:
                self.duplicate += 1
            else:
                self.in_flight.add(item[0])
                fresh.append(item)
        fields: list[AnalysisInput] = [analysis_input(p) for _, _, p in fresh]
        if self.pool is None:
            analysed: Any = _analyse_chunk(fields)
        else:
            size = max(1, math.ceil(len(fields) / (self.workers * 4)))
            parts = [fields[i : i + size] for i in range(0, len(fields), size)]
            analysed = self.pool.map_async(_analyse_chunk, parts)
        return _Batch(len(chunk), fresh, analysed)

    def _reject(self, source: str, line: int | None, reason: str) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MAX_LISTED_MALFORMED:
            self.malformed.append(MalformedRecord(source=source, line=line or 0, reason=reason))

    def _stored(self, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        rows = self.con.execute(
            "SELECT h FROM unnest(?::VARCHAR[]) AS t(h)"
            " SEMI JOIN postings p ON p.content_hash = t.h",
            [hashes],
        ).fetchall()
        return {r[0] for r in rows}

    def _write(self, batch: _Batch) -> int:
        analysed = batch.analysed
        if not isinstance(analysed, list):
            analysed = [row for part in analysed.get() for row in part]
        postings: list[list[Any]] = [[] for _ in range(12)]
        analyses: list[list[Any]] = [[] for _ in range(16)]
        skills: list[list[Any]] = [[], [], []]
        now = _now()
        for (digest, source, p), result in zip(batch.postings, analysed, strict=True):
            if isinstance(result, str):
                self._reject(source, p.line, result)
                continue
            row = (
                digest,
                p.id,
                p.title,
                p.company,
                p.location,
                site_key(p.site),
                p.site,
                p.url,
                p.date_posted,
                posted_month(p.date_posted),
                source,
                p.line,
            )
            for column, value in zip(postings, row, strict=True):
                column.append(value)
            for column, value in zip(analyses, (digest, *result[:-1]), strict=True):
                column.append(value)
            for skill_id, mentions in result[-1]:
                skills[0].append(digest)
                skills[1].append(skill_id)
                skills[2].append(mentions)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            if postings[0]:
                _insert(con, "postings", postings, now)
                _insert(con, "analyses", analyses)
            if skills[0]:
                _insert(con, "skills", skills)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.new += len(postings[0])
        self.records += batch.records
        self.in_flight.difference_update(h for h, _, _ in batch.postings)
        return batch.records


def _start_pool(workers: int) -> Any:
    if workers < 2:
        return None
    import multiprocessing

    from rolediff.postings.analyze import analyze_posting

    # Load the taxonomy, model and place data once, before forking, so the workers share them.
    analyze_posting("Warm-up posting in Austin, TX for a DevOps engineer, $100,000 a year.")
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return multiprocessing.get_context(method).Pool(workers)


def _db_path(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE NOT internal").fetchone()
    return str(row[0]) if row else ""


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[list[Any]], *extra: Any
) -> None:
    """Append whole columns (then the ``extra`` values, the same in every row) to ``table``.
    DuckDB reads columns of Python objects as NumPy arrays about five times faster than
    as list parameters."""
    import numpy as np

    name = f"incoming_{table}"
    arrays = {f"c{i}": np.array(column, dtype=object) for i, column in enumerate(columns)}
    values = [f"c{i}" for i in range(len(columns))] + [f"${i + 1}" for i in range(len(extra))]
    con.register(name, arrays)
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(values)} FROM {name}", list(extra))
    finally:
        con.unregister(name)


def ingest_records(
    records: Iterable[tuple[str, Record]],
    db: str | Path | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Generator[int, None, IngestSummary]:
    """Ingest (source name, record) pairs; yields the records handled after each committed batch
    and returns the summary. ``ingest`` and ``collect`` drive it."""
    if batch_size < 1:
        raise RolediffError("The batch size must be 1 or more.")
    if workers is not None and workers < 1:
        raise RolediffError("The number of workers must be 1 or more.")
    started = time.perf_counter()
    sources: dict[str, None] = {}

    def noted() -> Iterator[tuple[str, Record]]:
        for source, record in records:
            sources.setdefault(source)
            yield source, record

    import duckdb

    workers = workers or os.cpu_count() or 1
    pool = _start_pool(workers)  # before the store opens: fork a process without DuckDB threads
    try:
        con = connect(db)
        try:
            path = _db_path(con)
            job = _Ingestion(con, pool, workers, batch_size)
            try:
                yield from job.run(noted())
                store = {t: _count(con, t) for t in ("postings", "analyses", "skills")}
            except duckdb.Error as exc:  # a damaged store (a file cut short) opens, then fails
                raise RolediffError(
                    f"Cannot write to the market store {path}: {_first_line(exc)}"
                ) from None
        finally:
            con.close()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    seconds = time.perf_counter() - started
    return IngestSummary(
        db=path,
        sources=list(sources),
        records=job.records,
        new=job.new,
        duplicate=job.duplicate,
        malformed=job.malformed_count,
        malformed_records=job.malformed,
        seconds=round(seconds, 3),
        records_per_second=round(job.records / seconds, 1) if seconds else 0.0,
        store=store,
    )


def ingest_steps(
    paths: Sequence[str | Path],
    db: str | Path | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Generator[int, None, IngestSummary]:
    """``ingest``, one committed batch at a time (yields the records handled), for progress."""
    files = posting_files(paths)
    records = ((str(path), record) for path in files for record in read_file(path))
    first = next(records, None)  # before the store opens: a file that cannot be read, or none
    if first is None:
        raise no_postings(files)
    return (yield from ingest_records(chain([first], records), db, workers, batch_size))


def posting_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to ingest: each file given, and the posting files in each directory given (as
    ``run`` reads a directory: recursively, in path order, hidden files skipped)."""
    files: list[Path] = []
    missing: list[str] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files += resolve_inputs(path)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(str(path))
    if missing:
        raise RolediffError(f"No such file or directory: {', '.join(missing)}")
    return files


def no_postings(files: Sequence[str | Path]) -> RolediffError:
    """The error for input that holds no record at all."""
    named = str(files[0]) if len(files) == 1 else f"the {len(files):,} files given"
    return RolediffError(f"No postings in {named}: the input is empty.")


def require_postings(input: str, new: int, records: int, malformed: list[MalformedRecord]) -> None:
    """Refuse a run whose input gave no posting to analyse: it would have no statistics."""
    if new:
        return
    first = f" (first: {malformed[0].source} line {malformed[0].line}: {malformed[0].reason})"
    raise RolediffError(
        f"No postings to analyse in {input}: none of its {records:,} record(s) is a readable "
        f"posting{first if malformed else ''}."
    )


def ingest(
    paths: Sequence[str | Path],
    db: str | Path | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Analyse and store the postings in JSONL, JSON, CSV (JobSpy's columns too) or Parquet
    files, or directories of them (``posting_files``); input without any record is refused.
    Idempotent: a posting already stored (same content hash) is counted as a duplicate."""
    return drain(ingest_steps(paths, db, workers, batch_size))


def drain(steps: Generator[int, None, IngestSummary]) -> IngestSummary:
    """Run an ingest generator to its end and return its summary."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            summary: IngestSummary = done.value
            return summary


def read_file(path: Path) -> Iterator[Record]:
    """Records of a postings file: JSONL streamed, Parquet through DuckDB, others read whole."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path)
    elif suffix == ".parquet":
        yield from _read_parquet(path)
    else:
        data = path.read_bytes()
        kind = sniff(data.decode("utf-8-sig", errors="surrogateescape"), path.name)
        if kind not in ("json", "jsonl", "csv"):
            raise RolediffError(f"{path}: expected JSONL, JSON, CSV or Parquet postings.")
        try:
            records = read_posting_input(data, str(path), kind).records
        except RolediffError as exc:  # "Input is not valid JSON": name the file, of several
            message = exc.message
            raise RolediffError(
                message if str(path) in message else f"{path}: {message}",
                suggestions=exc.suggestions,
            ) from None
        yield from records


def _read_jsonl(path: Path) -> Iterator[Record]:
    """A JSONL file's records, streamed; a line that is not UTF-8 is a malformed record, as
    ``rolediff posting`` reads one."""
    offset = 0
    with path.open(encoding="utf-8-sig", errors="surrogateescape") as lines:
        while block := list(islice(lines, _JSONL_BLOCK)):
            for record in read_postings("".join(block), "jsonl"):
                yield record.model_copy(update={"line": (record.line or 0) + offset})
            offset += len(block)


def clean_mapping(record: dict[str, Any]) -> dict[str, Any]:
    """A row from a data frame or Parquet file without its missing values (None, NaN)."""
    return {
        key: value
        for key, value in record.items()
        if value is not None and not (isinstance(value, float) and math.isnan(value))
    }


def _read_parquet(path: Path) -> Iterator[Record]:
    import duckdb

    con = duckdb.connect()
    try:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        columns = [d[0] for d in cursor.description or ()]
        line = 0
        while rows := cursor.fetchmany(_JSONL_BLOCK):
            for row in rows:
                line += 1
                yield from_mapping(clean_mapping(dict(zip(columns, row, strict=True))), line)
    except duckdb.Error as exc:
        raise _parquet_error(path, exc) from None
    finally:
        con.close()


def _parquet_error(path: Path, exc: duckdb.Error) -> RolediffError:
    """One line for a Parquet file DuckDB cannot read: not Parquet at all, or unreadable."""
    import duckdb

    lines = str(exc).strip().splitlines()
    detail = re.sub(r"^[A-Za-z ]+ Error: ", "", lines[0]) if lines else type(exc).__name__
    if isinstance(exc, duckdb.InvalidInputException):
        return RolediffError(f"{path} is not a Parquet file ({detail}).")
    return RolediffError(f"Cannot read {path} ({detail}).")


def count_records(paths: Sequence[str | Path]) -> int:
    """About how many records the files hold (lines of JSONL), for a progress bar's total."""
    total = 0
    for item in paths:
        path = Path(item)
        if not path.is_file():
            continue
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif path.suffix.lower() == ".parquet":
            total += _parquet_rows(path)
        else:
            total += sum(1 for _ in read_file(path))
    return total


def _parquet_rows(path: Path) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute("SELECT COUNT(*) FROM read_parquet(?)", [str(path)]).fetchone()
    except duckdb.Error as exc:
        raise _parquet_error(path, exc) from None
    finally:
        con.close()
    return int(row[0]) if row else 0


# --- collect (python-jobspy, the optional [live] extra) --------------------------------------

DEFAULT_SITES = ("linkedin", "indeed", "glassdoor", "zip_recruiter", "google")


class CollectSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    queries: list[str]
    location: str | None
    fetched: dict[str, int]
    """Postings returned per "site: query"."""
    ingest: IngestSummary
    error: str | None
    """Why collecting stopped early (network failure, rate limit); what came before is kept."""


def collect_steps(
    queries: Sequence[str],
    location: str | None = None,
    sites: Sequence[str] = DEFAULT_SITES,
    results_wanted: int = 50,
    hours_old: int | None = None,
    db: str | Path | None = None,
    workers: int | None = None,
) -> Generator[int, None, CollectSummary]:
    """Scrape postings with python-jobspy, one site and query at a time, straight into the store.

    The first failure (network error, rate limit, blocked site) stops collecting; everything
    scraped before it is still ingested."""
    from importlib import import_module

    try:
        scrape_jobs = import_module("jobspy").scrape_jobs
    except ImportError:
        raise RolediffError(
            "Collecting needs python-jobspy: pip install 'rolediff[live]'."
        ) from None
    fetched: dict[str, int] = {}
    error: list[str] = []

    def records() -> Iterator[tuple[str, Record]]:
        for site in sites:
            for query in queries:
                name = f"{site}: {query}"
                try:
                    frame = scrape_jobs(
                        site_name=[site],
                        search_term=query,
                        location=location,
                        results_wanted=results_wanted,
                        hours_old=hours_old,
                        country_indeed="USA",
                    )
                except Exception as exc:  # jobspy raises whatever its HTTP stack raises
                    error.append(f"{name}: {type(exc).__name__}: {exc}")
                    return
                rows = frame.to_dict(orient="records")
                fetched[name] = len(rows)
                for line, row in enumerate(rows, 1):
                    yield name, from_mapping(clean_mapping(row), line)

    summary = yield from ingest_records(records(), db, workers)
    return CollectSummary(
        queries=list(queries),
        location=location,
        fetched=fetched,
        ingest=summary,
        error=error[0] if error else None,
    )


# --- the report ----------------------------------------------------------------------------


class Count(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    """Role id, site, CBSA code or YYYY-MM; "unknown" when the posting does not say."""
    label: str
    n: int
    share: float
    """Of all postings the filters select (that total is the share's n)."""
    small_sample: bool
    """The share rests on fewer than SMALL_SAMPLE postings in all."""


class Openings(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    by_role: list[Count]
    by_site: list[Count]
    by_metro: list[Count]
    by_month: list[Count]


class WorkMode(BaseModel):
    """How postings of a role (or "all") say the work is done: postings of each kind, and their
    shares of n (rounded to four decimals; percentages are shown from the counts)."""

    model_config = ConfigDict(frozen=True)

    role: str
    n: int
    remote: int | None = None
    """Postings stating remote work. The counts are null only in a run file written before
    rolediff kept them, which still loads."""
    hybrid: int | None = None
    """Postings stating a hybrid work arrangement (part on-site)."""
    onsite: int | None = None
    unknown: int | None = None
    """Postings stating no work mode."""
    hybrid_role: int | None = None
    """Postings classified as a hybrid of two roles."""
    remote_share: float
    hybrid_share: float
    onsite_share: float
    unknown_share: float
    hybrid_role_share: float
    """Postings classified as a hybrid of two roles (e.g. DevOps + SRE)."""
    small_sample: bool


class SkillShare(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    postings: int
    share: float


class RoleSkills(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str
    n: int
    small_sample: bool
    skills: list[SkillShare]


class DistinctiveSkill(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    postings_a: int
    postings_b: int
    share_a: float
    share_b: float
    log_odds: float
    z: float
    favours: str


class Distinctive(BaseModel):
    """Skills that set role a apart from role b (positive z) and b from a (negative z)."""

    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    n_a: int
    n_b: int
    small_sample: bool
    method: str
    prior_pseudo_counts: float
    skills: list[DistinctiveSkill]


class RolePay(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str
    n: int
    """Postings of the role."""
    disclosed: int
    disclosed_share: float
    n_usd: int
    """Postings with US-dollar pay: the percentiles' n."""
    p10: float | None
    p50: float | None
    p90: float | None
    small_sample: bool


class DateSpan(BaseModel):
    model_config = ConfigDict(frozen=True)

    first: str | None
    last: str | None
    dated: int
    """Postings whose month is known."""


class ReportFilters(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str | None
    vs: str | None
    metro: str | None
    metro_cbsa: str | None
    metro_name: str | None
    since: str | None


class MarketReport(BaseModel):
    """Market statistics from the store. Stable JSON: see docs/json.md."""

    model_config = ConfigDict(frozen=True)

    version: Literal["1"] = "1"
    db: str
    filters: ReportFilters
    n: int
    date_range: DateSpan
    small_sample_threshold: int
    openings: Openings
    work_mode: list[WorkMode]
    skills: list[RoleSkills]
    distinctive: Distinctive | None
    pay: list[RolePay]
    notes: list[str]


def _role_id(value: str) -> str:
    """A role as the store labels it: an id, or a role named as everywhere else ("SRE", "Site
    Reliability Engineer": :func:`rolediff.roles.get_role`); "other" for the rest."""
    from rolediff.roles import get_role

    key = value.strip().lower()
    if key in _ROLES:
        return key
    try:
        return get_role(value).id
    except RolediffError:
        raise RolediffError(
            f"Unknown role '{value}': use {', '.join(_ROLES)}.", suggest(key, _ROLES)
        ) from None


def _since(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*", value)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        pass
    raise RolediffError(f"since wants a date such as 2024-01 or 2024-01-15, not {value!r}.")


@cache
def _metro_names() -> dict[str, str]:
    from rolediff import data

    return {m.cbsa_code: m.cbsa_title for m in data.metro_counties()}


@cache
def _skill_names() -> dict[str, str]:
    from rolediff.skills import taxonomy

    return {skill_id: skill.name for skill_id, skill in taxonomy().by_id.items()}


Query = Callable[[str], list[tuple[Any, ...]]]
"""Runs one statistic's SQL on an engine (DuckDB, Spark SQL) and returns its rows as tuples."""


def duckdb_query(con: duckdb.DuckDBPyConnection) -> Query:
    """The ``Query`` of a connection whose ``market_facts`` and ``skills`` are the store's."""

    def query(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql).fetchall()

    return query


def _rows(query: Query, sql: str, where: str) -> list[tuple[Any, ...]]:
    return query(sql.format(where=where))


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _counts(rows: list[tuple[Any, ...]], total: int, label: Callable[[str], str]) -> list[Count]:
    items = sorted(((k or "unknown"), int(n)) for k, n in rows)
    items.sort(key=lambda kn: -kn[1])
    return [
        Count(
            key=k,
            label=label(k),
            n=n,
            share=_share(n, total),
            small_sample=total < SMALL_SAMPLE,
        )
        for k, n in items
    ]


def _skill_counts(query: Query, where: str) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Postings per (role, skill), and postings per role."""
    by_role: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for role, skill, postings, n in _rows(query, SKILL_COUNTS_SQL, where):
        by_role.setdefault(role, {})[skill] = int(postings)
        totals[role] = int(n)
    return by_role, totals


def _area_counts(query: Query, where: str) -> dict[str, dict[str, int]]:
    """Postings per (role, skill area); an area counts when any of its skills is asked for."""
    from rolediff.skills import taxonomy

    pairs = ", ".join(
        f"('{s.id}', '{s.area or s.id}')" for s in taxonomy().by_id.values()
    )  # ids are slugs (validated), so inlining them is safe
    by_role: dict[str, dict[str, int]] = {}
    for role, area, postings, _ in query(AREA_COUNTS_SQL.format(where=where, areas=pairs)):
        by_role.setdefault(role, {})[area] = int(postings)
    return by_role


def _role_skills(
    by_role: dict[str, dict[str, int]], totals: dict[str, int], n_roles: dict[str, int]
) -> list[RoleSkills]:
    names = _skill_names()
    result = []
    for role in sorted(n_roles, key=lambda r: (-n_roles[r], r)):
        n = n_roles[role]
        counts = sorted(by_role.get(role, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        result.append(
            RoleSkills(
                role=role,
                n=n,
                small_sample=n < SMALL_SAMPLE,
                skills=[
                    SkillShare(id=s, name=names.get(s, s), postings=c, share=_share(c, n))
                    for s, c in counts[:TOP_SKILLS]
                ],
            )
        )
    return result


def distinctive_skills(
    con: duckdb.DuckDBPyConnection, a: str, b: str, filters: Filters, top: int = TOP_SKILLS
) -> Distinctive:
    """The skills most distinctive of role a against role b, and of b against a."""
    return _distinctive(duckdb_query(con), a, b, filters, top)


def _distinctive(query: Query, a: str, b: str, filters: Filters, top: int) -> Distinctive:
    a, b = _role_id(a), _role_id(b)
    by_role, _ = _skill_counts(query, filters.where(with_role=False))
    n_roles = {str(k): int(n) for k, n in _rows(query, OPENINGS_SQL["role"], filters.where(False))}
    background: dict[str, int] = {}
    for counts in by_role.values():
        for skill, c in counts.items():
            background[skill] = background.get(skill, 0) + c
    counts_a, counts_b = by_role.get(a, {}), by_role.get(b, {})
    n_a, n_b = n_roles.get(a, 0), n_roles.get(b, 0)
    scored = {  # what neither role asks for sets nothing apart, nor does a role without postings
        skill: score
        for skill, score in fightin_words(counts_a, counts_b, background).items()
        if n_a and n_b and (skill in counts_a or skill in counts_b)
    }
    names = _skill_names()
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1][1], kv[0]))
    chosen = [kv for kv in ranked[:top] if kv[1][1] > 0]
    chosen += [kv for kv in reversed(ranked[-top:]) if kv[1][1] < 0 and kv not in chosen]
    return Distinctive(
        a=a,
        b=b,
        n_a=n_a,
        n_b=n_b,
        small_sample=min(n_a, n_b) < SMALL_SAMPLE,
        method=(
            "log-odds ratio with an informative Dirichlet prior, z-scored (Monroe, Colaresi & "
            "Quinn 2008, 'Fightin' Words', Political Analysis 16(4), doi:10.1093/pan/mpn018); "
            "counts are postings asking for each skill; prior: all postings selected"
        ),
        prior_pseudo_counts=PRIOR_PSEUDO_COUNTS,
        skills=[
            DistinctiveSkill(
                id=skill,
                name=names.get(skill, skill),
                postings_a=counts_a.get(skill, 0),
                postings_b=counts_b.get(skill, 0),
                share_a=_share(counts_a.get(skill, 0), n_a),
                share_b=_share(counts_b.get(skill, 0), n_b),
                log_odds=round(delta, 4),
                z=round(z, 3),
                favours=a if z > 0 else b,
            )
            for skill, (delta, z) in chosen
        ],
    )


def _work_modes(query: Query, where: str, one_role: bool) -> list[WorkMode]:
    result = []
    for role, n, remote, hybrid, onsite, hybrid_role in _rows(query, WORK_MODE_SQL, where):
        if not n or (one_role and role is None):  # "all" repeats the one role
            continue
        unknown = n - remote - hybrid - onsite
        result.append(
            WorkMode(
                role=role or "all",
                n=n,
                remote=remote,
                hybrid=hybrid,
                onsite=onsite,
                unknown=unknown,
                hybrid_role=hybrid_role,
                remote_share=_share(remote, n),
                hybrid_share=_share(hybrid, n),
                onsite_share=_share(onsite, n),
                unknown_share=_share(unknown, n),
                hybrid_role_share=_share(hybrid_role, n),
                small_sample=n < SMALL_SAMPLE,
            )
        )
    return sorted(result, key=lambda w: (w.role != "all", -w.n, w.role))


def _pay(query: Query, where: str) -> list[RolePay]:
    values: dict[str, list[tuple[float, int]]] = {}
    for role, pay, times in _rows(query, PAY_VALUES_SQL, where):
        values.setdefault(role, []).append((pay, int(times)))
    result = []
    for role, n, disclosed, n_usd in _rows(query, PAY_SQL, where):
        p10, p50, p90 = (percentile_cont(values.get(role, []), q) for q in PAY_PERCENTILES)
        result.append(
            RolePay(
                role=role,
                n=n,
                disclosed=disclosed,
                disclosed_share=_share(disclosed, n),
                n_usd=n_usd,
                p10=None if p10 is None else round(p10),
                p50=None if p50 is None else round(p50),
                p90=None if p90 is None else round(p90),
                small_sample=n_usd < SMALL_SAMPLE,
            )
        )
    return sorted(result, key=lambda p: (-p.n, p.role))


def report(
    db: str | Path | None = None,
    role: str | None = None,
    vs: str | None = None,
    metro: str | None = None,
    since: str | date | None = None,
) -> MarketReport:
    """Market statistics from the store, for one role (or all), a metro and postings since a
    month; with ``vs``, the skills that set ``role`` and ``vs`` apart."""
    import duckdb

    selection = select(role, vs, metro, since)
    con = connect(db, read_only=True)
    try:
        return compute_report(duckdb_query(con), _db_path(con), selection)
    except duckdb.Error as exc:  # a damaged store (a file cut short) opens, then fails here
        raise RolediffError(
            f"Cannot read the market store {_db_path(con)}: {_first_line(exc)}"
        ) from None
    finally:
        con.close()


@dataclass(frozen=True)
class Selection:
    """Which postings a report covers, validated: the filters and how the report names them."""

    filters: Filters
    named: ReportFilters


def select(
    role: str | None = None,
    vs: str | None = None,
    metro: str | None = None,
    since: str | date | None = None,
) -> Selection:
    """Validate a report's filters (a clear RolediffError for bad ones) before any engine runs."""
    if vs is not None and role is None:
        raise RolediffError("vs needs a role to set apart from it (role).")
    role_id = _role_id(role) if role is not None else None
    vs_id = _role_id(vs) if vs is not None else None
    if vs_id is not None and vs_id == role_id:
        raise RolediffError("vs and role name the same role: give two different roles.")
    place = None
    if metro is not None:
        from rolediff.geo import resolve_place

        place = resolve_place(metro)
    filters = Filters(role_id, place.cbsa_code if place else None, _since(since))
    return Selection(
        filters,
        ReportFilters(
            role=role_id,
            vs=vs_id,
            metro=metro,
            metro_cbsa=place.cbsa_code if place else None,
            metro_name=place.metro_name if place else None,
            since=filters.since.isoformat() if filters.since else None,
        ),
    )


def compute_report(query: Query, source: str, selection: Selection) -> MarketReport:
    """The report, from the statistics' SQL run by ``query`` over ``market_facts`` and ``skills``:
    the same code whichever engine (the DuckDB store, Spark) runs the SQL. ``source`` names where
    the postings are (the store, or the directory a run wrote)."""
    filters, named = selection.filters, selection.named
    where = filters.where()
    span = _rows(query, SPAN_SQL, where)[0]
    n = int(span[0])
    metros = _metro_names()
    labels: dict[str, Callable[[str], str]] = {
        "role": str,
        "site": str,
        "metro": lambda k: metros.get(k, "not a US metro / not stated"),
        "month": str,
    }
    counted = {
        name: _counts(_rows(query, sql, where), n, labels[name])
        for name, sql in OPENINGS_SQL.items()
    }
    counted["month"].sort(key=lambda c: c.key)
    n_roles = {c.key: c.n for c in counted["role"]}
    by_role, totals = _skill_counts(query, where)
    distinctive = (
        _distinctive(query, named.role, named.vs, filters, TOP_SKILLS)
        if named.role is not None and named.vs is not None
        else None
    )
    return MarketReport(
        db=source,
        filters=named,
        n=n,
        date_range=DateSpan(
            first=span[1].isoformat()[:7] if span[1] else None,
            last=span[2].isoformat()[:7] if span[2] else None,
            dated=int(span[3]),
        ),
        small_sample_threshold=SMALL_SAMPLE,
        openings=Openings(
            n=n,
            by_role=counted["role"],
            by_site=counted["site"],
            by_metro=counted["metro"],
            by_month=counted["month"],
        ),
        work_mode=_work_modes(query, where, one_role=filters.role is not None),
        skills=_role_skills(by_role, totals, n_roles),
        distinctive=distinctive,
        pay=_pay(query, where),
        notes=_notes(filters, n, distinctive),
    )


def _notes(filters: Filters, n: int, distinctive: Distinctive | None) -> list[str]:
    notes = [
        f"Statistics from fewer than {SMALL_SAMPLE} postings are flagged small_sample.",
        "Pay percentiles use the annual midpoint of US-dollar pay only; the disclosed share "
        "counts pay stated in any currency (as a field or in the text), not a job board's "
        "estimate.",
        "Remote / hybrid / on-site is what the posting states; unknown when it does not.",
    ]
    if filters.since is not None:
        notes.append("since leaves out postings whose month is not known.")
    if distinctive is not None:
        notes.append("vs compares against all postings selected by the other filters.")
        for role, count in ((distinctive.a, distinctive.n_a), (distinctive.b, distinctive.n_b)):
            if not count:
                notes.append(f"No {role} posting matches the filters: no skill to set apart.")
    if not n:
        notes.append("No posting matches the filters.")
    return notes


# --- runs: postings in, Parquet and statistics out (DuckDB here, Spark in market_spark) -----

STATISTICS_FILE = "statistics.json"
"""Where a run writes its summary and statistics, in its output directory."""

POSTING_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
"""The files a run reads, by suffix."""

ANALYSES_COLUMNS = (
    "content_hash", "posting_id", "title", "company", "location", "site", "site_text", "url",
    "date_posted", "posted_month", "source", "line",
    "role", "hybrid", "hybrid_of", "seniority", "employment_type", "work_mode", "city", "state",
    "metro_cbsa", "country", "pay_currency", "pay_annual_min", "pay_annual_max", "pay_source",
    "model_version",
)  # fmt: skip
"""Columns of a run's ``analyses`` Parquet (one row per distinct posting: the store's postings
and analyses tables side by side, without the ingest time); both engines write them, and the
partition column ``month`` (YYYY-MM, or ``unknown`` when the posting does not say)."""

SKILLS_COLUMNS = ("content_hash", "skill_id", "mentions")
"""Columns of a run's ``skills`` Parquet (one row per skill a posting asks for), and ``month``."""

UNKNOWN_MONTH = "unknown"


class MarketRun(BaseModel):
    """What ``rolediff market run`` read and wrote, and the statistics it computed (the report,
    shown again by ``rolediff market report --from DIR``). The same fields from either engine."""

    model_config = ConfigDict(frozen=True)

    version: Literal["1"] = "1"
    engine: Literal["duckdb", "spark"]
    master: str | None
    """Spark's master URL (``local[2]``, ``yarn``, ``spark://...``); None for DuckDB."""
    input: str
    files: list[str]
    """The files read, in the order that decides which copy of a duplicate is kept."""
    output: str
    records: int
    new: int
    """Distinct postings analysed: the openings the statistics count."""
    duplicate: int
    malformed: int
    malformed_records: list[MalformedRecord]
    """The first ``MAX_LISTED_MALFORMED``, in file and line order."""
    seconds: float
    """Reading, analysing, writing Parquet and computing the statistics."""
    records_per_second: float
    report: MarketReport


def resolve_inputs(pattern: str | Path) -> list[Path]:
    """The posting files a run reads: a file, a directory (its files, recursively) or a glob
    (``data/2024-*.jsonl``, ``data/**/*.parquet``); sorted by path, which is the order in which
    the first copy of a duplicated posting is the one kept."""
    text = str(pattern)
    path = Path(text).expanduser()
    if path.is_file():
        found = [path]
    elif path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path))]
    elif any(ch in text for ch in "*?["):
        import glob

        found = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
    else:
        raise RolediffError(f"No such file or directory: {text}")
    if not found:
        raise RolediffError(f"No posting file matches {text}.")
    unknown = [str(p) for p in found if p.suffix.lower() not in POSTING_FORMATS]
    if unknown:
        raise RolediffError(
            "Expected JSONL (.jsonl, .ndjson), CSV or Parquet postings, not: "
            + ", ".join(unknown[:5])
        )
    return sorted(found, key=str)


def _hidden(relative: Path) -> bool:
    """Hidden and bookkeeping files (Spark's _SUCCESS, .crc files) a dataset directory holds."""
    return any(part.startswith((".", "_")) for part in relative.parts)


RUN_FILES = ("analyses", "skills", "market.duckdb", "market.duckdb.wal", STATISTICS_FILE)
"""What a run writes into its output directory; a new run replaces these, and only these."""


def output_dir(output: str | Path) -> Path:
    """The output directory of a run, checked before any work: new, empty, or an earlier run's
    (whose results the new run replaces). A directory that holds anything else, or a file, is
    refused rather than overwritten."""
    out = Path(output).expanduser()
    if out.exists() and not out.is_dir():
        raise RolediffError(f"--output {out} is a file; give a directory.")
    if out.is_dir() and any(out.iterdir()) and not (out / STATISTICS_FILE).is_file():
        raise RolediffError(
            f"--output {out} is not empty and holds no earlier run ({STATISTICS_FILE}): "
            "give a new or empty directory."
        )
    return out


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A new temporary directory beside ``out`` (same file system) to write a run into. When the
    block completes, what it wrote replaces the earlier run's files in ``out`` (created if
    missing; other files in it are left alone); when the block fails, the temporary directory is
    removed and ``out`` is left exactly as it was (not created, if it did not exist)."""
    import shutil
    import tempfile

    out = out.resolve()  # "." and symbolic links: the directory itself, beside which to write
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise RolediffError(f"Cannot write a run beside {out}: {exc.strerror}.") from None
    try:
        yield stage
        _replace_run(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _replace_run(stage: Path, out: Path) -> None:
    """Move the earlier run's files out of ``out`` (into ``stage``, removed after) and the new
    ones in, statistics last, so ``out`` holds a whole run's statistics or none; undone on a
    failure."""
    replaced = stage / ".replaced"
    replaced.mkdir()
    fresh = [name for name in RUN_FILES if (stage / name).exists()]
    moves = [(out / name, replaced / name) for name in RUN_FILES if (out / name).exists()]
    moves += [(stage / name, out / name) for name in fresh]
    done: list[tuple[Path, Path]] = []
    try:
        out.mkdir(exist_ok=True)
        for source, target in moves:
            source.rename(target)
            done.append((source, target))
    except OSError as exc:
        for source, target in reversed(done):
            target.rename(source)
        raise RolediffError(f"Cannot replace the run in {out}: {exc.strerror}.") from None


def save_run(result: MarketRun, out: Path) -> Path:
    path = out / STATISTICS_FILE
    path.write_text(result.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path


def load_run(path: str | Path) -> MarketRun:
    """The run a ``rolediff market run`` wrote: its output directory, or the JSON file in it."""
    from pydantic import ValidationError

    where = Path(path).expanduser()
    file = where / STATISTICS_FILE if where.is_dir() else where
    if not file.is_file():
        raise RolediffError(
            f"No statistics at {file}: run 'rolediff market run --input FILES --output DIR' first."
        )
    try:
        return MarketRun.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise RolediffError(
            f"{file} is not the statistics of a rolediff market run, or an earlier rolediff "
            f"wrote it ({exc.error_count()} problem(s), first: {field}: {first['msg']}); "
            "run 'rolediff market run' again."
        ) from None


def run(
    input: str | Path,
    output: str | Path,
    role: str | None = None,
    vs: str | None = None,
    metro: str | None = None,
    since: str | date | None = None,
    workers: int | None = None,
) -> MarketRun:
    """Analyse the postings matching ``input`` with DuckDB (the store's own ingest, into
    ``output``/market.duckdb), write analyses and skills as Parquet partitioned by month and the
    statistics as JSON, into ``output``. ``rolediff.market_spark.run`` does the same on Spark.
    The run is written beside ``output`` and replaces an earlier run there only once complete
    (``staged_output``); input without a posting to analyse is refused."""
    selection = select(role, vs, metro, since)
    files = [f.resolve() for f in resolve_inputs(input)]  # named as Spark names them
    out = output_dir(output).resolve()
    started = time.perf_counter()
    with staged_output(out) as stage:
        db = stage / "market.duckdb"
        summary = ingest(files, db=db, workers=workers)
        require_postings(str(input), summary.new, summary.records, summary.malformed_records)
        con = connect(db)
        try:
            _export_parquet(con, stage)
            result = compute_report(duckdb_query(con), str(out), selection)
        finally:
            con.close()
        seconds = time.perf_counter() - started
        outcome = MarketRun(
            engine="duckdb",
            master=None,
            input=str(input),
            files=[str(f) for f in files],
            output=str(out),
            records=summary.records,
            new=summary.new,
            duplicate=summary.duplicate,
            malformed=summary.malformed,
            malformed_records=summary.malformed_records,
            seconds=round(seconds, 3),
            records_per_second=round(summary.records / seconds, 1) if seconds else 0.0,
            report=result,
        )
        save_run(outcome, stage)
    return outcome


def _export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    month = f"COALESCE(SUBSTRING(CAST(p.posted_month AS STRING), 1, 7), '{UNKNOWN_MONTH}') AS month"
    analyses = ", ".join(
        "CAST(p.line AS BIGINT) AS line"
        if c == "line"
        else f"p.{c}"
        if c in ("content_hash", "posted_month", "site")
        else c
        for c in ANALYSES_COLUMNS
    )
    copies = {
        "analyses": f"SELECT {analyses}, {month} FROM postings p JOIN analyses a"
        " ON a.content_hash = p.content_hash",
        "skills": f"SELECT s.content_hash, s.skill_id, s.mentions, {month} FROM skills s"
        " JOIN postings p ON p.content_hash = s.content_hash",
    }
    for name, sql in copies.items():
        target = str(out / name).replace("'", "''")
        con.execute(
            f"COPY ({sql} ORDER BY month, content_hash) TO '{target}'"
            " (FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE)"
        )


# --- the bundled snapshot ------------------------------------------------------------------


class SnapshotSkill(BaseModel):
    model_config = ConfigDict(frozen=True)

    share: float
    n: int


class SnapshotPay(BaseModel):
    model_config = ConfigDict(frozen=True)

    p10: float | None
    p50: float | None
    p90: float | None
    n: int
    """Postings with US-dollar pay behind the percentiles."""
    disclosed_share: float
    disclosed: int | None = None
    """Postings stating any pay (null in a snapshot built before the counts were kept)."""


class SnapshotRole(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    openings: int
    small_sample: bool
    skills: dict[str, SnapshotSkill]
    areas: dict[str, SnapshotSkill] = {}
    """Share of the role's postings asking for at least one skill of each taxonomy area."""
    pay: SnapshotPay
    remote_share: float
    hybrid_share: float
    remote: int | None = None
    """Postings behind ``remote_share`` (null in a snapshot built before the counts were kept)."""
    hybrid: int | None = None
    """Postings behind ``hybrid_share`` (null in a snapshot built before the counts were kept)."""


class SnapshotCorpus(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    sha256: str
    rows: int
    postings: int
    duplicate: int
    malformed: int
    date_range: DateSpan
    source: str


class SnapshotOpenings(BaseModel):
    model_config = ConfigDict(frozen=True)

    by_role: dict[str, int]
    by_site: dict[str, int]
    by_metro: dict[str, int]
    by_month: dict[str, int]


class MarketSnapshot(BaseModel):
    """Statistics (no posting text) of a postings corpus, packaged with rolediff."""

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    as_of: str
    corpus: SnapshotCorpus
    small_sample_threshold: int
    roles: dict[str, SnapshotRole]
    openings: SnapshotOpenings
    distinctive: list[Distinctive]
    notes: list[str]


def build_snapshot(db: str | Path, corpus: SnapshotCorpus, as_of: str) -> MarketSnapshot:
    """The snapshot of a store: per-role skills (every skill), pay and openings, openings per
    site/metro/month, and the distinctive skills of every pair of profiled roles."""
    from itertools import combinations

    from rolediff.data import ROLE_IDS

    full = report(db)
    con = connect(db, read_only=True)
    try:
        everything = Filters()
        by_role, _ = _skill_counts(duckdb_query(con), everything.where())
        by_area = _area_counts(duckdb_query(con), everything.where())
        pairs = [distinctive_skills(con, a, b, everything) for a, b in combinations(ROLE_IDS, 2)]
    finally:
        con.close()
    n_roles = {c.key: c.n for c in full.openings.by_role}
    pay = {p.role: p for p in full.pay}
    modes = {w.role: w for w in full.work_mode}
    roles = {}
    for role in ROLE_IDS:
        n = n_roles.get(role, 0)
        role_pay = pay.get(role)
        mode = modes.get(role)
        roles[role] = SnapshotRole(
            n=n,
            openings=n,
            small_sample=n < SMALL_SAMPLE,
            skills={
                s: SnapshotSkill(share=_share(c, n), n=c)
                for s, c in sorted(by_role.get(role, {}).items(), key=lambda kv: (-kv[1], kv[0]))
            },
            areas={
                a: SnapshotSkill(share=_share(c, n), n=c)
                for a, c in sorted(by_area.get(role, {}).items(), key=lambda kv: (-kv[1], kv[0]))
            },
            pay=SnapshotPay(
                p10=role_pay.p10 if role_pay else None,
                p50=role_pay.p50 if role_pay else None,
                p90=role_pay.p90 if role_pay else None,
                n=role_pay.n_usd if role_pay else 0,
                disclosed_share=role_pay.disclosed_share if role_pay else 0.0,
                disclosed=role_pay.disclosed if role_pay else 0,
            ),
            remote_share=mode.remote_share if mode else 0.0,
            hybrid_share=mode.hybrid_share if mode else 0.0,
            remote=mode.remote if mode else 0,
            hybrid=mode.hybrid if mode else 0,
        )
    openings = full.openings
    return MarketSnapshot(
        as_of=as_of,
        corpus=corpus,
        small_sample_threshold=SMALL_SAMPLE,
        roles=roles,
        openings=SnapshotOpenings(
            by_role={c.key: c.n for c in openings.by_role},
            by_site={c.key: c.n for c in openings.by_site},
            by_metro={c.key: c.n for c in openings.by_metro},
            by_month={c.key: c.n for c in openings.by_month},
        ),
        distinctive=pairs,
        notes=full.notes,
    )


SNAPSHOT_PATH = "market/snapshot.json"


@cache
def load_snapshot() -> MarketSnapshot:
    """The packaged market snapshot (statistics of the development corpus; see its SOURCE.md)."""
    from rolediff.data import read_text

    return MarketSnapshot.model_validate(json.loads(read_text(SNAPSHOT_PATH)))


def role_area_counts(db: str | Path) -> dict[str, tuple[int, dict[str, int]]]:
    """Role → its postings in the store at ``db``, and per skill area how many of them ask for
    any skill of the area."""
    con = connect(db, read_only=True)
    try:
        where = Filters().where()
        by_area = _area_counts(duckdb_query(con), where)
        _, totals = _skill_counts(duckdb_query(con), where)
    finally:
        con.close()
    return {role: (totals[role], counts) for role, counts in by_area.items()}


def role_skill_shares(db: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Role → skill id → share of the role's postings asking for it: from the store at ``db``
    when given, else from the packaged snapshot."""
    if db is None:
        return {
            role: {skill: s.share for skill, s in stats.skills.items()}
            for role, stats in load_snapshot().roles.items()
        }
    con = connect(db, read_only=True)
    try:
        by_role, totals = _skill_counts(duckdb_query(con), Filters().where())
    finally:
        con.close()
    return {
        role: {skill: _share(c, totals[role]) for skill, c in counts.items()}
        for role, counts in by_role.items()
    }
