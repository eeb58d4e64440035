"""`rolediff fit`: score your skills or résumé against every role (registered in cli.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from rolediff.cli_common import Format, read_resume
from rolediff.errors import RolediffError
from rolediff.render import OutputFormat, emit


def fit_command(
    skills: Annotated[
        str | None,
        typer.Option("--skills", "-s", help='Your skills, comma-separated: "linux, docker, k8s".'),
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="FILE",
            help="Your résumé (.txt, .md, .pdf, .docx; - for stdin), read on this machine only.",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="FILE",
            help="A YAML file of skills with optional level and years.",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", "-t", help="Lay out the learning path toward this role."),
    ] = None,
    from_role: Annotated[
        str | None, typer.Option("--from", help="The role you have now (with --to).")
    ] = None,
    to_role: Annotated[
        str | None, typer.Option("--to", help="The role you want (with --from).")
    ] = None,
    save: Annotated[
        str | None,
        typer.Option(
            "--save",
            metavar="FILE",
            help="Also write the text extracted from --resume to this file.",
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Score your skills against every role, rank the gaps, and lay out a learning path."""
    from rolediff.fit import fit
    from rolediff.fit_views import fit_tables
    from rolediff.resume import check_save_path, save_text

    if save is not None:
        if resume is None:
            raise RolediffError("--save keeps the text of a résumé; give --resume FILE too.")
        if save == "-":  # stdout carries the fit: the text would be mixed into it
            raise RolediffError("--save writes the résumé's text to a file: name one, not -.")
        check_save_path(save, None if resume == "-" else resume, profile)
    resume_text = read_resume(resume) if resume is not None else None
    report = fit(
        skills=skills,
        resume_text=resume_text,
        profile=profile,
        target=target,
        from_role=from_role,
        to_role=to_role,
    )
    if save is not None and resume_text is not None:  # only once the question was answered
        save_text(resume_text, save)
    detailed = fmt in (OutputFormat.table, OutputFormat.markdown)
    emit(report.model_dump(mode="json"), fit_tables(report, detailed), fmt)
