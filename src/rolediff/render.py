"""Print a result as a rich table, JSON, CSV or Markdown (the CLI's shared ``--format``)."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


@dataclass(frozen=True)
class Table:
    """One titled table of text cells; notes print under it (not in CSV)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def emit(
    payload: Any | Callable[[], Any],
    tables: list[Table],
    fmt: OutputFormat,
    out: TextIO | None = None,
) -> None:
    """Write ``payload`` (JSON-ready data, or a function making it, called only when needed) as
    JSON or JSON lines (one line per list item), or ``tables`` in the other formats."""
    out = out or sys.stdout
    if fmt in (OutputFormat.json, OutputFormat.jsonl) and callable(payload):
        payload = payload()
    if fmt is OutputFormat.json:
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.jsonl:
        for item in payload if isinstance(payload, list) else [payload]:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv:
        _csv(tables, out)
    elif fmt is OutputFormat.markdown:
        _markdown(tables, out)
    else:
        _rich(tables, out)


def _csv(tables: list[Table], out: TextIO) -> None:
    columns = tables[0].columns
    if any(t.columns != columns for t in tables):
        raise ValueError("tables printed as one CSV must share their columns")
    writer = csv.writer(out, lineterminator="\n")
    sectioned = len(tables) > 1
    writer.writerow(["section", *columns] if sectioned else columns)
    for table in tables:
        for row in table.rows:
            cells = [_csv_cell(c) for c in row]
            writer.writerow([table.title, *cells] if sectioned else cells)


_NUMBER = re.compile(r"[-+]?\$?[\d,]*\.?\d+%?")


# A dollar amount or count as the tables print it: "$1,200", "-$27,463.29", "1,493".
_AMOUNT = re.compile(r"(?P<sign>[-+]?)\$?(?P<digits>\d{1,3}(?:,\d{3})*(?:\.\d+)?)")


def _csv_cell(text: str) -> str:
    """A cell as a spreadsheet or a CSV reader should take it: amounts as plain numbers
    ("-$1,200" is -1200: the columns name their units), and a cell a spreadsheet would run as a
    formula ("=HYPERLINK(...)" in a posting's title) with a leading apostrophe."""
    amount = _AMOUNT.fullmatch(text)
    if amount:
        return amount["sign"].replace("+", "") + amount["digits"].replace(",", "")
    first = text[:1]
    if first in ("=", "@", "\t", "\r") or (
        first in ("+", "-") and len(text) > 1 and not _NUMBER.fullmatch(text)
    ):
        return "'" + text
    return text


def _md_text(text: str) -> str:
    """HTML shown as text: a posting's "<b>" or "<script>" is no markup in Markdown output."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str) -> str:
    return _md_text(text).replace("|", "\\|").replace("\n", "<br>")


def _markdown(tables: list[Table], out: TextIO) -> None:
    for i, table in enumerate(tables):
        if i:
            out.write("\n")
        out.write(f"## {_md_text(table.title)}\n\n")
        out.write("| " + " | ".join(_md_cell(c) for c in table.columns) + " |\n")
        out.write("|" + "---|" * len(table.columns) + "\n")
        for row in table.rows:
            out.write("| " + " | ".join(_md_cell(c) for c in row) + " |\n")
        if not table.rows:
            out.write("\n_none_\n")
        for note in table.notes:
            out.write(f"\n> {_md_text(note)}\n")


def _rich(tables: list[Table], out: TextIO) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    widths = [_column_widths(t) if t.rows else [] for t in tables]
    console = _console(out, max((_table_width(w) for w in widths if w), default=0))
    for i, table in enumerate(tables):
        if i:
            console.print()
        # Text, not str: data is never read as console markup (a posting titled "Ops [/remote]"
        # would stop the output), and plain text measures faster than markup.
        grid = RichTable(
            title=Text(table.title), title_justify="left", show_lines=False, expand=False
        )
        # A table that fits unfolded gets its columns' widths up front: rich then skips
        # measuring every cell again (most of the time of a ranking of every metro).
        fits = bool(widths[i]) and _table_width(widths[i]) <= console.width
        # Folded to a file or pipe, a column never cuts a URL: it widens to the longest, even
        # past the width (soft wrap: nothing is cropped), to copy or grep whole.
        urls = [None] * len(table.columns) if fits or console.is_terminal else _url_widths(table)
        # Folded, an amount is never cut: "-$18,745.20" as "-$18,745.2" over "0" reads as
        # another amount. Its column keeps the widest amount's width; text columns fold instead.
        amounts = [None] * len(table.columns) if fits else _amount_widths(table)
        least = [max(u or 0, a or 0) for u, a in zip(urls, amounts, strict=True)]
        chosen = (
            widths[i] if fits or not table.rows else _folded(table, widths[i], least, console.width)
        )
        for j, column in enumerate(table.columns):
            grid.add_column(
                Text(column),
                overflow="fold",
                width=chosen[j] if chosen else None,
                min_width=least[j] or None,
            )
        for row in table.rows:
            grid.add_row(*map(Text, row))
        # Wider than the console when its amounts cannot fit otherwise: then lines run past
        # the edge rather than being cropped (rich crops them by default).
        console.print(grid if table.rows else f"{_escape(table.title)}\n  (none)", crop=False)
        for note in table.notes:
            console.print(f"  [dim]{_escape(note)}[/dim]")


def _console(out: TextIO, widest: int) -> Console:
    """The console that prints tables to ``out``, ``widest`` columns wide unfolded.

    A terminal folds tables and notes to its width. A file or pipe gets rows unbroken up to
    ``PIPED_MAX_WIDTH`` (rich's default there is 80 columns, which cut "$133,989" in two), or
    ``COLUMNS`` when set, and notes never wrapped: a note or a URL stays on one line, whole, to
    copy or grep."""
    from rich.console import Console

    console = Console(file=out, highlight=False, soft_wrap=False)
    if console.is_terminal:
        return console
    if "COLUMNS" not in os.environ:
        console.width = min(max(console.width, widest), PIPED_MAX_WIDTH)
    # soft_wrap: text is printed as it is, neither wrapped nor cropped (tables still lay
    # themselves out to the width, folding the cells of one wider than it).
    console.soft_wrap = True
    return console


PIPED_MAX_WIDTH = 160
"""Widest table written to a file or pipe; wider ones fold their cells (but not a URL)."""


def _column_widths(table: Table) -> list[int]:
    """Each column's widest line (header included): its width with no cell folded."""
    from rich.cells import cell_len

    return [
        max(cell_len(line) for cell in (header, *cells) for line in cell.split("\n"))
        for header, *cells in zip(table.columns, *table.rows, strict=True)
    ]


def _folded(table: Table, widest: list[int], least: list[int], width: int) -> list[int] | None:
    """Column widths for a table whose columns' ``widest`` lines exceed ``width``, shared as rich
    shares it (the widest columns narrowed first, the others whole) but never narrower than a
    column's longest word, so that words wrap between one another instead of being cut
    ("Collaboratio" over "n"), nor than ``least``. When the longest words do not fit, they are cut
    at the longest length that does. None when ``least`` alone does not fit: rich then shares
    the width itself."""
    from rich.cells import cell_len

    words = [
        max(cell_len(w) for cell in (header, *cells) for w in cell.split() or [""])
        for header, *cells in zip(table.columns, *table.rows, strict=True)
    ]
    whole = [min(max(w, floor), top) for w, floor, top in zip(words, least, widest, strict=True)]
    floors, cap = whole, max(whole)
    while _table_width(floors) > width and cap > 1:
        cap -= 1
        floors = [max(min(w, cap), floor) for w, floor in zip(whole, least, strict=True)]
    if _table_width(floors) > width:
        return None
    top = max(widest)
    chosen = list(widest)
    while _table_width(chosen) > width:
        top -= 1
        chosen = [max(f, min(w, top)) for f, w in zip(floors, widest, strict=True)]
    room = width - _table_width(chosen)
    for j, (w, most) in enumerate(zip(chosen, widest, strict=True)):
        if room and w < most:
            chosen[j], room = w + 1, room - 1
    return chosen


_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _url_widths(table: Table) -> list[int | None]:
    """Each column's longest URL, or None for one without any."""
    from rich.cells import cell_len

    widths: list[int | None] = []
    for j in range(len(table.columns)):
        found = [
            cell_len(url) for row in table.rows if "://" in row[j] for url in _URL.findall(row[j])
        ]
        widths.append(max(found) if found else None)
    return widths


_WHOLE = re.compile(r"[-+]?\$?\d[\d,]*(?:\.\d+)?%?")
"""A cell printed whole when its column folds: an amount, a count or a rate ("24.3%")."""


def _amount_widths(table: Table) -> list[int | None]:
    """Each column's widest amount (a cell of only an amount, a count or a rate), or None for a
    column without any."""
    from rich.cells import cell_len

    widths: list[int | None] = []
    for j in range(len(table.columns)):
        found = [cell_len(row[j]) for row in table.rows if _WHOLE.fullmatch(row[j])]
        widths.append(max(found) if found else None)
    return widths


def _table_width(widths: list[int]) -> int:
    """A table's width: its columns, one space of padding on each side and a border."""
    return sum(w + 3 for w in widths) + 1


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
