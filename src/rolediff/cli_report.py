"""`rolediff report`: the article rewritten for you, as one HTML or Markdown file (registered in
cli.py)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from rolediff.cli_common import Year, choice, choices_metavar, read_resume


class ReportFormatOption(StrEnum):
    html = "html"
    md = "md"
    markdown = "markdown"  # as other commands' --format spells it


def report_command(
    a: Annotated[str, typer.Argument(metavar="ROLE_A", help="First role (e.g. devops).")],
    b: Annotated[str, typer.Argument(metavar="ROLE_B", help="Second role (e.g. sre).")],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The report file: .html or .htm (one self-contained page) or .md (Markdown, "
            "its charts as FILE-STEM-*.svg beside it); - for stdout (with --format; Markdown "
            "then without its charts).",
        ),
    ],
    city: Annotated[
        str | None,
        typer.Option("--city", "-c", help="Add take-home pay in this place, e.g. 'Raleigh, NC'."),
    ] = None,
    skills: Annotated[
        str | None,
        typer.Option(
            "--skills", "-s", help='Add your fit: your skills, comma-separated: "linux, k8s".'
        ),
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="FILE",
            help="Add your fit from your résumé (.txt, .md, .pdf, .docx; - for stdin), read on "
            "this machine.",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help="Lay the learning path toward this role (default: the closer of the two).",
        ),
    ] = None,
    year: Year = None,
    fmt: Annotated[
        ReportFormatOption | None,
        typer.Option(
            "--format",
            "-f",
            parser=choice(ReportFormatOption),
            metavar=choices_metavar(ReportFormatOption),
            help="html or md (markdown); by default from the suffix of --output.",
        ),
    ] = None,
) -> None:
    """Write the five differences between two roles for you, each figure with source and date."""
    from pathlib import Path

    from rolediff.errors import RolediffError, check_output_file
    from rolediff.report import (
        build_report,
        render_html,
        render_markdown,
        report_format,
        write_report,
    )

    # A bad path or name fails before any work.
    to_stdout = output == "-"
    if to_stdout and fmt is None:
        raise RolediffError("-o - writes the report to stdout: give --format html or md too.")
    if not to_stdout:
        check_output_file(Path(output), "write the report to")
    kind = report_format(output, fmt.value if fmt else None)
    resume_text = read_resume(resume) if resume is not None else None
    report = build_report(
        a, b, city=city, skills=skills, resume_text=resume_text, year=year, target=target
    )
    if to_stdout:  # rendered whole before a byte is printed
        text = render_html(report) if kind == "html" else render_markdown(report)
        typer.echo(text, nl=not text.endswith("\n"))
        return
    path = write_report(report, output, kind)
    typer.echo(f"Wrote {path}")
