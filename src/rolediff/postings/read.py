"""Read postings from plain text, HTML, JSON, JSONL or CSV (JobSpy's columns included).

Every record either becomes a ``RawPosting`` or a ``Malformed`` with its line number and the
reason, so a batch never aborts and never drops a record silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from html.parser import HTMLParser
from numbers import Real
from typing import Any

from pydantic import BaseModel, ConfigDict

from rolediff.errors import RolediffError

MAX_TEXT_CHARS = 1_000_000
"""One posting's text; longer input is refused rather than analysed slowly."""

_LINE_KINDS = frozenset({"jsonl", "csv"})
"""Kinds read line by line: a line (CSV: a row) that is not UTF-8 is one malformed record."""

_UNDECODABLE = re.compile("[\udc80-\udcff]")
"""Bytes that are not UTF-8, as ``bytes.decode(..., errors="surrogateescape")`` keeps them."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a UTF-16 surrogate pair alone, which is no character: JSON can write one ("\\ud800"),
and no UTF-8 output (JSON, the market store) can hold it."""


def lone_surrogate(text: str) -> str | None:
    """What a text holds that is no character, in words ("\\ud800, half of a surrogate pair"; a
    byte that is not UTF-8, as Python keeps one read from a command line), or None."""
    if text.isascii():
        return None
    found = _LONE_SURROGATE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if _UNDECODABLE.match(found.group()):
        return f"a byte that is not UTF-8 (0x{code - 0xDC00:02x})"
    return f"\\u{code:04x}, half of a surrogate pair, which is no character"


_LINE_BREAK = re.compile(r"\r\n?|\n")
"""What ends a line of JSONL (not str.splitlines: JSON strings may hold U+2028 and U+0085)."""

_CSV_FIELD_LIMIT = 2**31 - 1
"""Above any input read (the CLI's limit is 200 MB), so a long description is not a csv.Error."""


class RawPosting(BaseModel):
    """A posting as read, before analysis."""

    model_config = ConfigDict(frozen=True)

    id: str | None = None
    title: str | None = None
    description: str
    company: str | None = None
    location: str | None = None
    salary_text: str | None = None
    site: str | None = None
    url: str | None = None
    date_posted: str | None = None
    job_type: str | None = None
    job_level: str | None = None
    """The level a job board gives the job (JobSpy's LinkedIn ``job_level``: "Entry level")."""
    line: int | None = None


AnalysisInput = tuple[str, str | None, str | None, str | None, str | None, str | None]
"""What an analysis reads of a posting, as plain strings (they pickle several times faster than a
RawPosting): description, title, location, pay text, job type, job level."""


def analysis_input(p: RawPosting) -> AnalysisInput:
    """The fields of a posting an analysis reads (``analysis_fields``' order, less the id)."""
    return (p.description, p.title, p.location, p.salary_text, p.job_type, p.job_level)


class Malformed(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int
    reason: str


Record = RawPosting | Malformed

_DESCRIPTION_KEYS = ("description", "text", "body", "job_description", "jobdescription", "content")
_TITLE_KEYS = ("title", "job_title", "jobtitle", "position")
_LEVEL_KEYS = (
    *("job_level", "seniority_level", "experience_level", "formatted_experience_level"),
    "experience_range",  # JobSpy's Naukri: "3-8 Yrs"
)
_JOBSPY_INTERVALS = {
    "yearly": "per year",
    "monthly": "per month",
    "weekly": "per week",
    "daily": "per day",
    "hourly": "per hour",
}


class _TextOnly(HTMLParser):
    """Keeps the text of an HTML document; drops scripts, styles and every tag."""

    _BLOCK = frozenset(
        {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}
        | {"dl", "dt", "dd", "table", "section", "article", "header", "footer", "main", "nav"}
        | {"aside", "blockquote", "pre", "hr", "figure", "figcaption", "address", "title"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template") and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_HTML_HINT = re.compile(
    r"<\s*(?:html|body|div|p|br|li|ul|ol|span|h[1-6]|table|tr|td|section|article|strong|em)\b",
    re.IGNORECASE,
)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment or page (no tag, script or style survives)."""
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return re.sub(r"\n\s*\n\s*(?:\n\s*)+", "\n\n", "".join(parser.parts)).strip()


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


@lru_cache(maxsize=4096)
def _key(name: object) -> str:
    """A field name as the readers look it up: "Job Description" and "job-description" are
    "job_description"."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _lowered(record: dict[str, Any]) -> dict[str, Any]:
    return {_key(k): v for k, v in record.items()}


def _first(lowered: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` with a value in a record whose keys are lower-cased (`_lowered`)."""
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value)
    return None


class _NotText(ValueError):
    """A field that must be text holds something else (an object, array, number or boolean)."""


def _text(
    lowered: dict[str, Any], keys: tuple[str, ...], name: str, numbers: bool = False
) -> str | None:
    """Like `_first`, but the value must be a string (or, with ``numbers``, a number)."""
    for key in keys:
        value = lowered.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, str) or (
            numbers and isinstance(value, Real) and not isinstance(value, bool)
        ):
            return str(value)
        raise _NotText(f"{name} is not text")
    return None


def _jobspy_salary(fields: dict[str, Any]) -> str | None:
    """JobSpy's pay columns (of a record whose keys are `_lowered`) as one statement; none when
    its interval is one rolediff does not annualise ("fortnightly"), rather than a guess from
    the figures alone, or when JobSpy took the figures from the description (its
    `salary_source` "description"): they are no pay field, and rolediff reads the description's
    pay itself."""
    low, high = (_first(fields, (key,)) for key in ("min_amount", "max_amount"))
    if low is None and high is None:
        return None
    if str(fields.get("salary_source") or "").strip().lower() == "description":
        return None
    stated = str(fields.get("interval") or "").strip().lower()
    if stated and stated not in _JOBSPY_INTERVALS:
        return None
    interval = _JOBSPY_INTERVALS.get(stated, "")
    currency = str(fields.get("currency") or "USD")
    if low is None or high is None:  # only a bottom ("from") or a top ("up to") is stated
        amounts = f"from {currency} {low}" if high is None else f"up to {currency} {high}"
    else:
        amounts = f"{currency} {low}-{high}"
    return f"{amounts} {interval}".strip()


def from_mapping(record: dict[str, Any], line: int) -> Record:
    """A JSON object or CSV row → RawPosting (or Malformed, saying what is missing or wrong).

    Description, title and location must be strings, the salary a string or a number."""
    try:
        posting = _posting(record, line)
    except _NotText as exc:
        return Malformed(line=line, reason=str(exc))
    if isinstance(posting, RawPosting):  # what is kept must be characters; other fields are not
        for name, value in posting:
            if isinstance(value, str) and (what := lone_surrogate(value)) is not None:
                return Malformed(line=line, reason=f"{name} holds {what}")
    return posting


def _posting(record: dict[str, Any], line: int) -> Record:
    fields = _lowered(record)
    description = _text(fields, _DESCRIPTION_KEYS, "description")
    if description is None or not description.strip():
        return Malformed(line=line, reason="no description (expected a 'description' field)")
    if len(description) > MAX_TEXT_CHARS:
        return Malformed(line=line, reason=f"description longer than {MAX_TEXT_CHARS:,} characters")
    if looks_like_html(description):
        description = strip_html(description)
    salary = _text(fields, ("salary_text", "salary", "compensation"), "salary", numbers=True)
    title = _text(fields, _TITLE_KEYS, "title")
    return RawPosting(
        id=_first(fields, ("id", "job_id", "uid")),
        title=title,
        description=description,
        company=_first(fields, ("company", "company_name", "companyname", "employer")),
        location=_location(fields, title, description),
        salary_text=salary or _jobspy_salary(fields),
        site=_first(fields, ("site", "source_site", "source")),
        url=_first(fields, ("job_url", "url", "link")),
        date_posted=_first(fields, ("date_posted", "posted", "date")),
        job_type=_first(fields, ("job_type", "employment_type", "jobtype")),
        job_level=_first(fields, _LEVEL_KEYS),
        line=line,
    )


_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_JOBSPY_REMOTE_WORDS = re.compile(r"remote|work\s*from\s*home|wfh", re.IGNORECASE)
"""The words whose presence anywhere in a posting's title, description or location makes
JobSpy set ``is_remote`` for most boards ("remote monitoring" too)."""


def _location(fields: dict[str, Any], title: str | None, description: str) -> str | None:
    """The location line; JobSpy's ``is_remote`` flag says "Remote" when the line does not, and
    when none of the posting's text holds a word JobSpy would have set it from: its LinkedIn,
    Indeed, Google and Naukri scrapers set it wherever "remote", "work from home" or "wfh"
    appears ("remote monitoring", "not a remote role"), text rolediff reads itself. Then the flag
    comes from the board's own data (Indeed's attributes, Glassdoor's location type).
    ``work_from_home_type`` is not read: JobSpy infers it for Naukri from the words "hybrid" and
    "remote" anywhere in the text, and says "Work from office" when neither appears."""
    line = _text(fields, ("location", "job_location", "city"), "location")
    flag = fields.get("is_remote")
    remote = flag is True or (isinstance(flag, str) and flag.strip().lower() in _TRUE)
    if not remote or any(_JOBSPY_REMOTE_WORDS.search(t) for t in (line, title, description) if t):
        return line
    return f"{line} (Remote)" if line else "Remote"


def _jsonl(text: str) -> Iterator[Record]:
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        if raw.strip():
            yield _jsonl_record(raw, number)


def _digit_limit() -> str:
    """Python's limit on the digits of an integer it reads, in words ("over 4,300 digits"): a
    longer JSON number raises ValueError, not a syntax error."""
    return f"over {sys.get_int_max_str_digits():,} digits"


def _jsonl_record(raw: str, number: int) -> Record:
    if _UNDECODABLE.search(raw):
        return Malformed(line=number, reason="not UTF-8 text")
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Malformed(line=number, reason=f"invalid JSON ({exc.msg})")
    except RecursionError:
        return Malformed(line=number, reason="JSON nested too deeply")
    except ValueError:  # an integer of more digits than Python reads
        return Malformed(line=number, reason=f"a number too long to read ({_digit_limit()})")
    if not isinstance(record, dict):
        return Malformed(line=number, reason="expected a JSON object")
    return from_mapping(record, number)


def _json(text: str) -> Iterator[Record]:
    """The records of one JSON document: an object, or an array numbering them from 1."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RolediffError(f"Input is not valid JSON: {exc.msg} (line {exc.lineno}).") from None
    except RecursionError:
        raise RolediffError("Input is JSON nested too deeply to read.") from None
    except ValueError:  # an integer of more digits than Python reads
        raise RolediffError(f"Input holds a number too long to read ({_digit_limit()}).") from None
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield from_mapping(item, number)
        else:
            yield Malformed(line=number, reason="expected a JSON object")


def _csv(text: str) -> Iterator[Record]:
    """The rows of a CSV document (comma, semicolon or tab separated), each numbered by the line
    it starts on; a quote never closed is a malformed record, not one field to the end."""
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    delimiter = _delimiter(text)
    lines = io.StringIO(text, newline="")  # its tell(): where the next record starts
    reader = csv.reader(lines, delimiter=delimiter)
    header = next((row for row in reader if row), [])  # blank lines before it are no header
    if _UNDECODABLE.search("".join(header)):
        raise RolediffError("The CSV header is not UTF-8 text.")
    if not _names_description(header):
        raise RolediffError(
            "CSV input needs a header row with a 'description' column (JobSpy's CSV works as is)."
        )
    last: tuple[list[str], int, int] | None = None  # held back: only the last can be unclosed
    start, offset = reader.line_num + 1, lines.tell()
    for row in reader:
        if row:  # a blank line is no record
            if last is not None:
                yield _csv_record(header, last[0], last[1])
            last = (row, start, offset)
        start, offset = reader.line_num + 1, lines.tell()
    if last is not None:
        row, line, offset = last
        if _unclosed(text[offset:], delimiter):
            reason = f"a quote is never closed (lines {line}-{reader.line_num} not read)"
            yield Malformed(line=line, reason=reason)
        else:
            yield _csv_record(header, row, line)


def _unclosed(tail: str, delimiter: str) -> bool:
    """Whether the last record of a CSV document opens a quoted field it never closes."""
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


def _delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab) whose split of the first line names a description
    column; a comma when none does."""
    for delimiter in (",", ";", "\t"):
        first = io.StringIO(text[:10_000].lstrip(), newline="")
        names = next(csv.reader(first, delimiter=delimiter), [])
        if _names_description(names):
            return delimiter
    return ","


def _csv_record(header: list[str], row: list[str], line: int) -> Record:
    if any(_UNDECODABLE.search(value) for value in row):
        return Malformed(line=line, reason="not UTF-8 text")
    if len(row) > len(header):
        return Malformed(line=line, reason="more fields than the header has")
    return from_mapping(dict(zip(header, row, strict=False)), line)


def _names_description(header: list[str]) -> bool:
    return any(_key(name) in _DESCRIPTION_KEYS for name in header)


def _starts_with_csv_header(text: str) -> bool:
    """Two or more one-word column names, one a description's: prose with commas is not."""
    delimiter = _delimiter(text)
    names = next(csv.reader(io.StringIO(text[:10_000], newline=""), delimiter=delimiter), [])
    one_word = all(re.fullmatch(r"\s*\w+\s*", name) for name in names)
    return len(names) >= 2 and one_word and _names_description(names)


_BATCH_READERS: dict[str, Callable[[str], Iterator[Record]]] = {
    "jsonl": _jsonl,
    "json": _json,
    "csv": _csv,
}


@dataclass(frozen=True)
class Given:
    """Fields known beside a posting's text (as a job board shows them): a text posting's own;
    in a batch, each record's where it has none of its own."""

    title: str | None = None
    location: str | None = None
    salary_text: str | None = None
    job_type: str | None = None
    job_level: str | None = None


NOTHING_GIVEN = Given()


def read_postings(
    text: str, kind: str | None = None, given: Given = NOTHING_GIVEN
) -> Iterator[Record]:
    """Postings in ``text``. ``kind`` is text, html, json, jsonl or csv; None sniffs it.

    Plain text and HTML are one posting, with the ``given`` fields (its title, when not given,
    is its first line if that reads as one); records of the other kinds take each given field
    they do not have themselves.
    """
    kind = kind or sniff(text)
    if kind in _BATCH_READERS:
        for record in _BATCH_READERS[kind](text):
            yield _with_given(record, given)
    elif kind in ("text", "html"):
        body = strip_html(text) if kind == "html" or looks_like_html(text) else text.strip()
        if not body:
            raise RolediffError("The posting is empty.")
        if len(body) > MAX_TEXT_CHARS:
            raise RolediffError(f"The posting is longer than {MAX_TEXT_CHARS:,} characters.")
        title = given.title if given.title is not None else title_line(body)
        yield RawPosting(description=body, line=1, **{**asdict(given), "title": title})
    else:
        raise RolediffError(f"Unknown input kind '{kind}': use text, html, json, jsonl or csv.")


_JOB_NOUN = re.compile(
    r"\b(?:engineer|engineering|developer|architect|administrator|admin|manager|specialist"
    r"|consultant|analyst|lead|director|head|scientist|technician|officer|intern|sre"
    r"|devops|devsecops|programmer|designer|tester|operator|coordinator|associate|vp)s?\b",
    re.IGNORECASE,
)
_MARKUP = " \t#*_>"
_TITLE_LABELS = frozenset(
    {"job title", "title", "position", "position title", "job position", "role", "job", "job role"}
)


def title_line(body: str) -> str | None:
    """The first line of a plain-text posting when it reads as a job title ("Senior Site
    Reliability Engineer", "# DevOps Engineer (Remote)"): short, no sentence, a job's noun in
    it; else None."""
    first = body.lstrip().split("\n", 1)[0].strip().strip(_MARKUP).strip()
    label, colon, rest = first.partition(":")
    if colon and label.strip(_MARKUP).strip().lower() in _TITLE_LABELS:
        first = rest.strip().strip(_MARKUP).strip()  # "Job title: DevOps Engineer"
    if not 2 < len(first) <= 80 or len(first.split()) > 10 or first[-1] in ".:;?!,":
        return None
    return first if _JOB_NOUN.search(first) else None


def _with_given(record: Record, given: Given) -> Record:
    """The record with each given field it lacks (empty counts as lacking)."""
    if isinstance(record, Malformed) or given == NOTHING_GIVEN:
        return record
    update = {k: v for k, v in asdict(given).items() if v and not getattr(record, k)}
    return record.model_copy(update=update) if update else record


@dataclass(frozen=True)
class PostingInput:
    """The records of an input file and how to speak of them."""

    batch: bool
    """JSONL, CSV or a JSON array (analyses: a list), not one posting (one object)."""
    unit: str
    """What a record's ``line`` counts: "line", or "record" (the 1-based index in a JSON array)."""
    records: list[Record]
    """Every record; in a batch, a posting without an id has "line N" or "record N" as its id."""


def read_posting_input(
    data: bytes, name: str, kind: str | None = None, given: Given = NOTHING_GIVEN
) -> PostingInput:
    """The postings in a file's bytes (``name`` for sniffing its kind and for messages).

    In JSONL and CSV a line (row) that is not UTF-8 is a malformed record; other input that is
    not UTF-8 is refused, saying where, and so is a PDF."""
    if data.removeprefix(codecs.BOM_UTF8).startswith(b"%PDF-"):
        raise RolediffError(f"{name} is a PDF; give the text (or HTML, JSON, CSV) instead.")
    text = data.decode("utf-8-sig", errors="surrogateescape")
    kind = kind or sniff(text, name)
    if kind not in _LINE_KINDS:
        text = _decode(data, name)
    batch = kind in _LINE_KINDS or (kind == "json" and text.lstrip().startswith("["))
    unit = "record" if kind == "json" else "line"
    records = [
        r.model_copy(update={"id": f"{unit} {r.line}"})
        if batch and isinstance(r, RawPosting) and r.id is None
        else r
        for r in read_postings(text, kind, given)
    ]
    return PostingInput(batch=batch, unit=unit, records=records)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark dropped), refusing other bytes with where they start."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        where = f"line {line}, byte {exc.start + len(data) - len(body)}"
        raise RolediffError(f"{name} is not UTF-8 text ({where}).") from None


_KIND_BY_SUFFIX = {
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "json": "json",
    "csv": "csv",
    "tsv": "csv",
    "html": "html",
    "htm": "html",
}


def sniff(text: str, name: str | None = None) -> str:
    """Guess the input kind from a file name, else from the content (a .txt or .md file is text
    unless it starts with a CSV header naming a description column; a .json file of JSON lines
    is JSONL)."""
    suffix = name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    start = text.lstrip()
    if suffix == "json" and start[:1] == "{":
        return _json_or_lines(text, start)
    if suffix in _KIND_BY_SUFFIX:
        return _KIND_BY_SUFFIX[suffix]
    if _starts_with_csv_header(start):
        return "csv"
    if suffix in ("txt", "md"):
        return "text"
    first = start.partition("\n")[0]
    if first[:1] == "[":
        return "json"
    if first[:1] == "{":
        return _json_or_lines(text, start)
    return "html" if looks_like_html(text) else "text"


def _json_or_lines(text: str, start: str) -> str:
    """JSONL when the first line of a text starting with "{" is a whole JSON value and more lines
    follow, else JSON."""
    try:
        json.loads(start.partition("\n")[0])
    except json.JSONDecodeError:
        return "json"
    except (RecursionError, ValueError):  # too deep or too long to tell: JSONL if lines follow
        pass
    return "jsonl" if text.strip().count("\n") else "json"
