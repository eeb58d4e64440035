"""What every command shares: the --format option, JSON dumping, reading input files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from rolediff import amounts
from rolediff.errors import RolediffError, check_is_file
from rolediff.render import OutputFormat

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], aliases: dict[str, E] | None = None) -> Callable[[str | E], E]:
    """A parser of one of ``kind``'s values (or ``aliases``), in any case. Typer's own choice
    check words its refusal "Value error, 'xml' is not one of ...", a leftover of the library's
    validation."""

    def parse(value: str | E) -> E:
        if isinstance(value, kind):
            return value
        wanted = str(value).strip().casefold()
        for member in kind:
            if member.value == wanted:
                return member
        if aliases and wanted in aliases:
            return aliases[wanted]
        raise typer.BadParameter(
            f"{value!r} is not one of {', '.join(repr(m.value) for m in kind)}."
        )

    return parse


def choices_metavar(kind: type[StrEnum]) -> str:
    """ "<table|json|...>", as typer shows a choice of an enum."""
    return "<" + "|".join(m.value for m in kind) + ">"


Format = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        parser=choice(OutputFormat, {"md": OutputFormat.markdown}),  # as `report -f md`
        metavar=choices_metavar(OutputFormat),
        help="Output format: table (default), json, jsonl, csv or markdown (md).",
    ),
]


def parse_dollars(value: str | float) -> float:
    """An amount of dollars as people type it (:func:`rolediff.amounts.parse_dollars`, which the
    dashboard's forms use too), for a dollar option: text that is none is a usage error."""
    try:
        return amounts.parse_dollars(value)
    except amounts.AmountError as exc:
        raise typer.BadParameter(str(exc)) from None


INT = "<int>"


def whole_number(value: str | int) -> int:
    """A whole-number option as typed, refused in plain words when it is none (typer's own
    refusal reads "Input should be a valid integer, unable to parse string as an integer")."""
    if isinstance(value, int):
        return value
    try:
        return int(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number.") from None


Year = Annotated[
    int | None,
    typer.Option(
        "--year",
        "-y",
        parser=whole_number,
        metavar=INT,
        help="Tax year (default: the latest covered).",
    ),
]
"""The tax-year option of every command that computes taxes."""


def one_or_more(value: str | int) -> int:
    """A whole number of 1 or more (a count: of processes, of rows shown)."""
    number = whole_number(value)
    if number < 1:
        raise typer.BadParameter(f"must be 1 or more; got {number}.")
    return number


def dump(models: Sequence[Any]) -> list[Any]:
    """Pydantic models as JSON-ready data."""
    return [m.model_dump(mode="json") for m in models]


MAX_INPUT_BYTES = 200_000_000


def input_name(source: str) -> str:
    """How messages name an input: its path, or "stdin" for "-"."""
    return "stdin" if source == "-" else source


def read_bytes(source: str) -> bytes:
    """The bytes of a file, or of stdin for "-", refusing missing and huge files."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        check_is_file(path)
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    name = input_name(source)
    if len(data) > MAX_INPUT_BYTES:
        raise RolediffError(f"{name} is larger than {MAX_INPUT_BYTES // 1_000_000} MB.")
    return data


def read_resume(source: str) -> str:
    """The text of a résumé file, or of one piped to stdin for "-" (a PDF or .docx is told from
    plain text by its first bytes, as stdin has no file name to tell it by)."""
    from rolediff import resume

    if source != "-":
        return resume.read_resume(source)
    data = sys.stdin.buffer.read(resume.MAX_RESUME_BYTES + 1)
    if not data:
        raise RolediffError("stdin is empty.")
    suffix = (
        ".pdf" if data.startswith(b"%PDF") else ".docx" if data[:4] == b"PK\x03\x04" else ".txt"
    )
    return resume.resume_text(data, f"stdin{suffix}")


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
