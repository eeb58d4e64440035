"""What every command shares: the --format option, JSON dumping, reading input files."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from rolediff.errors import RolediffError, check_is_file
from rolediff.render import OutputFormat

T = TypeVar("T")

Format = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format: table (default), json, jsonl, csv or markdown.",
    ),
]


def dump(models: Sequence[Any]) -> list[Any]:
    """Pydantic models as JSON-ready data."""
    return [m.model_dump(mode="json") for m in models]


MAX_INPUT_BYTES = 200_000_000


def read_input(source: str) -> str:
    """The text of a file, or of stdin for "-", refusing missing, huge and non-UTF-8 files."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    check_is_file(path)
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise RolediffError(f"{source} is larger than {MAX_INPUT_BYTES // 1_000_000} MB.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RolediffError(f"{source} is not UTF-8 text (byte {exc.start}).") from None
    if text.startswith("%PDF-"):
        raise RolediffError(f"{source} is a PDF; give the text (or HTML, JSON, CSV) instead.")
    return text


def with_progress(items: Iterable[T], total: int, label: str = "Working") -> Iterator[T]:
    """Yield items, with a progress bar on stderr when it is a terminal and the batch is large."""
    if total < 50 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Items per second."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "-/s")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            progress.advance(task)
            yield item
