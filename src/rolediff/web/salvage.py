"""A dashboard form sent too large, read anyway for what the asker typed.

The server refuses a body over its route's limit (413), but a form page refused with nothing but
a message would lose what the asker typed: a pasted posting a little over the limit, the skills
and roles beside a résumé that is too large. So :class:`rolediff.api.BodyLimit` reads such a form
to its end (up to :data:`DRAIN_FACTOR` times the limit), through this streaming parser, which
keeps the text fields and only the name and size of each file; the page then comes back filled in
with a message naming what made it too large.

Reading the rest also spares a browser being cut off mid-upload: over a network, one still
sending when the server answers and closes the connection may show "connection reset" rather
than the answer (on loopback, Chromium shows the answer either way).

A file field cannot come back: no browser lets a page fill in ``<input type="file">``, so the
message names the file and asks for a smaller one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartParser, QuerystringParser

DRAIN_FACTOR = 4
"""A form up to this many times its route's limit is read to its end; a larger one is refused at
once, unread."""
KEEP_TEXT = 4_000_000
"""Bytes of one text field kept to be shown again (a longer one is cut there, and said to be)."""
MAX_PARTS = 100
"""Fields of a form looked at; the dashboard's forms have seven at most."""
MAX_NAME = 200
"""Bytes of a field's name or a file's name kept."""
LABELS = {
    "text": "The posting text",
    "title": "The title",
    "location": "The location",
    "salary_text": "The pay",
    "job_type": "The employment type",
    "job_level": "The level",
    "skills": "Your skills",
}
"""How the dashboard's forms label their text fields."""


@dataclass
class Part:
    """One field of the form: a text field (kept, up to :data:`KEEP_TEXT` bytes) or a file (its
    name and size only)."""

    name: str = ""
    filename: str | None = None
    size: int = 0
    data: bytearray = field(default_factory=bytearray)
    cut: bool = False
    """Whether the text was longer than it keeps."""

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.filename is None:
            room = KEEP_TEXT - len(self.data)
            self.cut = self.cut or len(chunk) > room
            self.data += chunk[: max(room, 0)]


class FormSalvage:
    """Reads a form body as it arrives (:meth:`feed`), keeping its fields: urlencoded or
    multipart, as browsers send forms. A body that stops making sense keeps what came before."""

    def __init__(self, content_type: str) -> None:
        from python_multipart.multipart import (
            MultipartParser,
            QuerystringParser,
            parse_options_header,
        )

        self.parts: list[Part] = []
        self.received = 0
        """Bytes of the body fed, form or not."""
        self.broken = False
        """Whether the body stopped making sense, or ended inside a field."""
        self._current: Part | None = None
        self._name = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._header = (bytearray(), bytearray())
        self._parser: MultipartParser | QuerystringParser | None = None
        kind, options = parse_options_header(content_type)
        self._urlencoded = kind == b"application/x-www-form-urlencoded"
        if kind == b"multipart/form-data" and options.get(b"boundary"):
            self._parser = MultipartParser(
                options[b"boundary"],
                {
                    "on_part_begin": self._part_begin,
                    "on_header_field": self._header_field,
                    "on_header_value": self._header_value,
                    "on_header_end": self._header_end,
                    "on_headers_finished": self._headers_finished,
                    "on_part_data": self._data,
                    "on_part_end": self._part_end,
                },
            )
        elif self._urlencoded:
            self._parser = QuerystringParser(
                {
                    "on_field_start": self._field_start,
                    "on_field_name": self._field_name,
                    "on_field_data": self._data,
                    "on_field_end": self._field_end,
                }
            )
        self.is_form = self._parser is not None
        """Whether the body is a form this reads (any other is only counted)."""

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self._parser is None or self.broken or not chunk:
            return
        try:
            self._parser.write(chunk)
        except ValueError:  # python-multipart's parse errors: keep what came before
            self.broken = True

    def finish(self) -> None:
        """End the body where it stopped (a urlencoded field ends at the next "&" or at the end);
        nothing is read after."""
        if self._parser is None:
            return
        if not self.broken:
            try:
                self._parser.finalize()
            except ValueError:
                self.broken = True
        if self._current is not None and not self._urlencoded:  # ended inside a part
            self.broken = True
        self._parser = None

    def fields(self) -> dict[str, str]:
        """The text fields as the form's page shows them again (the last of a repeated name, as
        the page reads it)."""
        self.finish()
        return {
            p.name: p.data.decode("utf-8", "replace")
            for p in self.parts
            if p.filename is None and p.name
        }

    # --- multipart callbacks -------------------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0].extend(data[start:end][: MAX_NAME - len(self._header[0])])

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1].extend(data[start:end][: 4 * MAX_NAME - len(self._header[1])])

    def _header_end(self) -> None:
        self._headers[bytes(self._header[0]).lower()] = bytes(self._header[1])
        self._header = (bytearray(), bytearray())

    def _headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        self._start(
            options.get(b"name", b""),
            None if filename is None else filename[:MAX_NAME].decode("utf-8", "replace"),
        )

    def _part_end(self) -> None:
        self._current = None

    # --- urlencoded callbacks ------------------------------------------------------------------

    def _field_start(self) -> None:
        self._name = bytearray()
        self._current = None

    def _field_name(self, data: bytes, start: int, end: int) -> None:
        self._name.extend(data[start:end][: MAX_NAME - len(self._name)])

    def _field_end(self) -> None:
        if self._current is None:  # a field with no value ("name" alone, or "name=")
            self._start(bytes(self._name), None)
        if self._current is not None:
            self._current.name = _unquote(bytes(self._name)).decode("utf-8", "replace")
            self._current.data = bytearray(_unquote(bytes(self._current.data)))
        self._current = None

    # --- both ----------------------------------------------------------------------------------

    def _start(self, name: bytes, filename: str | None) -> None:
        self._current = None
        if len(self.parts) < MAX_PARTS:
            self._current = Part(name=name[:MAX_NAME].decode("utf-8", "replace"), filename=filename)
            self.parts.append(self._current)

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._urlencoded and self._current is None:
            self._start(bytes(self._name), None)
        if self._current is not None:
            self._current.add(data[start:end])


def _unquote(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def explain(form: FormSalvage, limit: int, complete: bool, declared: int | None) -> str:
    """The 413 message of a form page: the limit, what made the form too large and what of it
    is shown again."""
    form.finish()
    sent = form.received if complete else max(declared or 0, form.received)
    said = [f"Request body too large: at most {limit:,} bytes here, and this form sent {sent:,}."]
    if not form.received:
        said.append(
            f"A form over {DRAIN_FACTOR * limit:,} bytes is not read at all, so what you entered"
            " cannot be shown again: send a smaller file or less text."
        )
        return " ".join(said)
    biggest = max(form.parts, key=lambda p: p.size, default=None)
    if biggest is not None and biggest.filename is not None:
        said.append(
            f"The file {biggest.filename or '(no name)'} is {biggest.size:,} bytes: choose a"
            " smaller one (a browser does not let a page choose a file again for you)."
        )
    elif biggest is not None:
        label = LABELS.get(biggest.name, f"The field {biggest.name!r}")
        text = biggest.data.decode("utf-8", "replace")
        if biggest.cut:
            said.append(
                f"{label} is {biggest.size:,} bytes: its first {len(text):,} characters are"
                " shown again below; shorten it and send it again."
            )
        else:
            said.append(
                f"{label} is {biggest.size:,} bytes ({len(text):,} characters): it is shown again"
                " below; shorten it and send it again."
            )
    if not complete or form.broken:
        said.append(
            "Only its first part was read: what it held is filled in again, the rest is not."
        )
    elif any(p is not biggest and p.filename is None for p in form.parts):
        said.append("Your other fields are kept as you filled them.")
    return " ".join(said)
