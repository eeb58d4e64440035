"""Read postings from plain text, HTML, JSON, JSONL or CSV (JobSpy's columns included).

Every record either becomes a ``RawPosting`` or a ``Malformed`` with its line number and the
reason, so a batch never aborts and never drops a record silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from pydantic import BaseModel, ConfigDict

from rolediff.errors import RolediffError

MAX_TEXT_CHARS = 1_000_000
"""One posting's text; longer input is refused rather than analysed slowly."""


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
    line: int | None = None


class Malformed(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int
    reason: str


Record = RawPosting | Malformed

_DESCRIPTION_KEYS = ("description", "text", "body", "job_description", "jobdescription", "content")
_TITLE_KEYS = ("title", "job_title", "jobtitle", "position")
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
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}
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


_HTML_HINT = re.compile(r"<\s*(?:html|body|div|p|br|li|ul|span|h[1-6]|table)\b", re.IGNORECASE)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment or page (no tag, script or style survives)."""
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return re.sub(r"\n\s*\n\s*(?:\n\s*)+", "\n\n", "".join(parser.parts)).strip()


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


def _lowered(record: dict[str, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in record.items()}


def _first(lowered: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` with a value in a record whose keys are lower-cased (`_lowered`)."""
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _jobspy_salary(record: dict[str, Any]) -> str | None:
    low, high = record.get("min_amount"), record.get("max_amount")
    if low in (None, "") and high in (None, ""):
        return None
    interval = _JOBSPY_INTERVALS.get(str(record.get("interval") or "").lower(), "")
    currency = str(record.get("currency") or "USD")
    amounts = "-".join(str(v) for v in (low, high) if v not in (None, ""))
    return f"{currency} {amounts} {interval}".strip()


def from_mapping(record: dict[str, Any], line: int) -> Record:
    """A JSON object or CSV row → RawPosting (or Malformed, saying what is missing)."""
    fields = _lowered(record)
    description = _first(fields, _DESCRIPTION_KEYS)
    if description is None or not description.strip():
        return Malformed(line=line, reason="no description (expected a 'description' field)")
    if len(description) > MAX_TEXT_CHARS:
        return Malformed(line=line, reason=f"description longer than {MAX_TEXT_CHARS:,} characters")
    if looks_like_html(description):
        description = strip_html(description)
    salary = _first(fields, ("salary_text", "salary", "compensation")) or _jobspy_salary(record)
    return RawPosting(
        id=_first(fields, ("id", "job_id", "uid")),
        title=_first(fields, _TITLE_KEYS),
        description=description,
        company=_first(fields, ("company", "company_name", "companyname", "employer")),
        location=_location(fields),
        salary_text=salary,
        site=_first(fields, ("site", "source_site", "source")),
        url=_first(fields, ("job_url", "url", "link")),
        date_posted=_first(fields, ("date_posted", "posted", "date")),
        job_type=_first(fields, ("job_type", "employment_type", "jobtype")),
        line=line,
    )


_TRUE = frozenset({"true", "1", "yes", "y", "t"})


def _location(fields: dict[str, Any]) -> str | None:
    """The location line; JobSpy's ``is_remote`` flag says "Remote" when the line does not."""
    line = _first(fields, ("location", "job_location", "city"))
    flag = fields.get("is_remote")
    remote = flag is True or (isinstance(flag, str) and flag.strip().lower() in _TRUE)
    if not remote or (line is not None and "remote" in line.lower()):
        return line
    return f"{line} (Remote)" if line else "Remote"


def _jsonl(text: str) -> Iterator[Record]:
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Malformed(line=number, reason=f"invalid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield Malformed(line=number, reason="expected a JSON object")
            continue
        yield from_mapping(record, number)


def _json(text: str) -> Iterator[Record]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RolediffError(f"Input is not valid JSON: {exc.msg} (line {exc.lineno}).") from None
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield from_mapping(item, number)
        else:
            yield Malformed(line=number, reason="expected a JSON object")


def _csv(text: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(text))
    header = dict.fromkeys(reader.fieldnames or (), "x")
    if _first(_lowered(header), _DESCRIPTION_KEYS) is None:
        raise RolediffError(
            "CSV input needs a header row with a 'description' column (JobSpy's CSV works as is)."
        )
    for row in reader:
        line = reader.line_num
        if None in row:
            yield Malformed(line=line, reason="more fields than the header has")
            continue
        yield from_mapping(row, line)


def read_postings(
    text: str, kind: str | None = None, title: str | None = None, location: str | None = None
) -> Iterator[Record]:
    """Postings in ``text``. ``kind`` is text, html, json, jsonl or csv; None sniffs it.

    Plain text and HTML are one posting, to which ``title`` and ``location`` apply.
    """
    kind = kind or sniff(text)
    if kind == "jsonl":
        yield from _jsonl(text)
    elif kind == "json":
        yield from _json(text)
    elif kind == "csv":
        yield from _csv(text)
    elif kind in ("text", "html"):
        body = strip_html(text) if kind == "html" or looks_like_html(text) else text.strip()
        if not body:
            raise RolediffError("The posting is empty.")
        if len(body) > MAX_TEXT_CHARS:
            raise RolediffError(f"The posting is longer than {MAX_TEXT_CHARS:,} characters.")
        yield RawPosting(title=title, description=body, location=location, line=1)
    else:
        raise RolediffError(f"Unknown input kind '{kind}': use text, html, json, jsonl or csv.")


def sniff(text: str, name: str | None = None) -> str:
    """Guess the input kind from a file name, else from the content."""
    if name:
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        by_suffix = {
            "jsonl": "jsonl",
            "ndjson": "jsonl",
            "json": "json",
            "csv": "csv",
            "html": "html",
            "htm": "html",
            "txt": "text",
            "md": "text",
        }
        if suffix in by_suffix:
            return by_suffix[suffix]
    head = text.lstrip()[:1]
    if head == "[":
        return "json"
    if head == "{":
        first = text.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return "json"
        return "jsonl" if text.strip().count("\n") else "json"
    return "html" if looks_like_html(text) else "text"
