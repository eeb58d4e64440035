"""The ``rolediff`` command line: parse, call the library, print. Nothing else lives here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from rolediff._version import __version__
from rolediff.cli_common import (
    INT,
    Format,
    Year,
    dump,
    input_name,
    one_or_more,
    parse_dollars,
    read_bytes,
    whole_number,
    with_progress,
)
from rolediff.cli_fit import fit_command
from rolediff.cli_market import market_app
from rolediff.cli_report import report_command
from rolediff.errors import RolediffError
from rolediff.render import OutputFormat, emit

app = typer.Typer(
    name="rolediff",
    help="Compare DevOps, SRE, DevSecOps, Cloud and Platform engineering roles on cited data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # every command's, inherited
)
data_app = typer.Typer(
    help="The packaged datasets: sources, vintages and licences.", no_args_is_help=True
)
app.add_typer(data_app, name="data")
app.command("fit")(fit_command)
app.add_typer(market_app, name="market")
app.command("report")(report_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rolediff {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Compare infrastructure roles on focus, responsibilities, skills, prospects and pay."""


@app.command("roles")
def roles_command(fmt: Format = OutputFormat.table) -> None:
    """List the roles rolediff profiles, with their focus and when they step in."""
    from rolediff.roles import list_roles
    from rolediff.views import roles_tables

    profiles = list_roles()
    emit(dump(profiles), roles_tables(profiles), fmt)


@app.command("role")
def role_command(
    role: Annotated[
        str,
        typer.Argument(
            metavar="ROLE", help="Role id or name: devops, sre, devsecops, cloud, platform."
        ),
    ],
    fmt: Format = OutputFormat.table,
) -> None:
    """Show one role's profile: focus, responsibilities, skills, background, education."""
    from rolediff.data import sources
    from rolediff.roles import get_role
    from rolediff.views import role_tables

    profile = get_role(role)
    registry = sources()
    cited = {s: registry[s] for s in profile.sources}
    emit(profile.model_dump(mode="json"), role_tables(profile, cited), fmt)


@app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(metavar="ROLE_A", help="First role (e.g. devops).")],
    b: Annotated[str, typer.Argument(metavar="ROLE_B", help="Second role (e.g. sre).")],
    city: Annotated[
        str | None,
        typer.Option(
            "--city", "-c", help="Focus the salary figures on a place, e.g. 'Raleigh, NC'."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="PATH", help="Postings-based prospects from your own market store."
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Compare two roles on the article's five dimensions, each figure with its source."""
    from rolediff.roles import compare
    from rolediff.views import comparison_tables

    result = compare(a, b, city=city, db=db)
    emit(lambda: result.model_dump(mode="json"), comparison_tables(result), fmt)


@app.command("where")
def where_command(
    place: Annotated[
        str,
        typer.Argument(
            metavar="PLACE", help="A city ('Raleigh, NC', 'NYC'), metro name or CBSA code."
        ),
    ],
    fmt: Format = OutputFormat.table,
) -> None:
    """Resolve a place to its principal city, metro (CBSA), state and county."""
    from rolediff.geo import resolve_place
    from rolediff.views import place_tables

    result = resolve_place(place)
    emit(result.model_dump(mode="json"), place_tables(result), fmt)


@app.command("posting")
def posting_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="A posting file (text, HTML, JSON, JSONL, CSV) or - for stdin."
        ),
    ],
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            "-t",
            help="Job title of a text posting (default: its first line, when that reads as a "
            "job title); in a batch, for records without.",
        ),
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location", "-l", help="Location of a text posting; in a batch, for records without."
        ),
    ] = None,
    salary: Annotated[
        str | None,
        typer.Option(
            "--salary",
            "-s",
            help="Pay as the job board shows it beside a text posting ('$120k - $150k a year'); "
            "in a batch, for records without.",
        ),
    ] = None,
    job_type: Annotated[
        str | None,
        typer.Option(
            "--job-type",
            help="Employment type the board gives (full-time, contract, internship, ...); "
            "in a batch, for records without.",
        ),
    ] = None,
    job_level: Annotated[
        str | None,
        typer.Option(
            "--job-level",
            help="Level the board gives ('Entry level', 'Director', '3-8 Yrs'), used when the "
            "title names none; in a batch, for records without.",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="text, html, json, jsonl or csv (default: guess)."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail (exit 2) on any malformed record instead of skipping it."
        ),
    ] = False,
    fmt: Format = OutputFormat.table,
) -> None:
    """Classify job postings (DevOps, SRE, ...) with evidence, and extract skills, pay and place."""
    from rolediff.answers import read_posting_file
    from rolediff.postings.analyze import analyze_postings
    from rolediff.postings.read import Given
    from rolediff.views import posting_tables

    given = Given(title, location, salary, job_type, job_level)
    read, postings, bad = read_posting_file(
        read_bytes(source), input_name(source), kind=input_format, given=given, strict=strict
    )
    for record in bad:
        typer.echo(f"{read.unit} {record.line}: skipped: {record.reason}", err=True)
    results = list(
        with_progress(
            analyze_postings(postings, workers=None if len(postings) > 64 else 1),
            len(postings),
            "Analysing postings",
        )
    )
    payload: Any = [r.model_dump(mode="json") for r in results]
    if not read.batch:
        (payload,) = payload
    detailed = fmt in (OutputFormat.table, OutputFormat.markdown)
    emit(payload, posting_tables(results, detailed), fmt)


DOLLARS = "<dollars>"
Salary = Annotated[
    float | None,
    typer.Option(
        "--salary",
        "-s",
        parser=parse_dollars,
        metavar=DOLLARS,
        help="Gross salary, dollars a year: 120000, 120,000 or $120k.",
    ),
]
Role = Annotated[
    str | None, typer.Option("--role", "-r", help="Estimate the salary of this role instead.")
]
Percentile = Annotated[
    int,
    typer.Option(
        "--percentile",
        "-p",
        parser=whole_number,
        metavar=INT,
        help="Salary percentile for --role: 10, 25, 50, 75, 90.",
    ),
]
Filing = Annotated[
    str,
    typer.Option(
        "--filing", help="Filing status: single, married_joint (mfj) or head_of_household (hoh)."
    ),
]
Bedrooms = Annotated[
    int,
    typer.Option(
        "--bedrooms", parser=whole_number, metavar=INT, help="Bedrooms for the HUD rent, 0-4."
    ),
]


@app.command("pay")
def pay_command(
    ctx: typer.Context,
    city: Annotated[str, typer.Option("--city", "-c", help="Where you live and work.")],
    salary: Salary = None,
    role: Role = None,
    percentile: Percentile = 50,
    year: Year = None,
    filing: Filing = "single",
    pretax: Annotated[
        float,
        typer.Option(
            "--pretax",
            parser=parse_dollars,
            metavar=DOLLARS,
            help="401(k)-type deferrals, dollars a year.",
        ),
    ] = 0.0,
    hsa: Annotated[
        float,
        typer.Option(
            "--hsa",
            parser=parse_dollars,
            metavar=DOLLARS,
            help="HSA / cafeteria-plan contributions, dollars a year.",
        ),
    ] = 0.0,
    rent: Annotated[
        float | None,
        typer.Option(
            "--rent",
            parser=parse_dollars,
            metavar=DOLLARS,
            help="Your rent, dollars a month (default: HUD).",
        ),
    ] = None,
    living: Annotated[
        float | None,
        typer.Option(
            "--living",
            parser=parse_dollars,
            metavar=DOLLARS,
            help="Your non-rent living costs, dollars a month.",
        ),
    ] = None,
    bedrooms: Bedrooms = 1,
    fmt: Format = OutputFormat.table,
) -> None:
    """Gross pay to taxes to monthly take-home after rent and living costs, in one place."""
    from rolediff import answers
    from rolediff.views import take_home_tables

    result = answers.pay(
        city,
        salary=salary,
        role=role,
        percentile=percentile,
        year=year,
        filing=filing,
        pretax=pretax,
        hsa=hsa,
        rent=rent,
        living=living,
        bedrooms=bedrooms,
    )
    emit(result.model_dump(mode="json"), take_home_tables(result), fmt)
    _note_unused(ctx, salary, role)
    if rent is not None and _given(ctx, "bedrooms"):
        typer.echo("Note: --bedrooms was not used: the rent given replaces HUD's.", err=True)


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave the parameter ``name`` (on the command line or from the
    environment), rather than leaving it at its default."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name != "DEFAULT"


def _note_unused(ctx: typer.Context, salary: float | None, role: str | None) -> None:
    """Say which of --role and --percentile a given salary left unused: the answer is the same
    without them, and a user who gave them should not think they counted."""
    if salary is not None and role is not None:
        typer.echo("Note: --role was not used: the salary given replaces its estimate.", err=True)
    if (salary is not None or role is None) and _given(ctx, "percentile"):
        typer.echo(
            "Note: --percentile was not used: it picks the estimate of --role's salary.", err=True
        )


def _sort_choice(value: str) -> str:
    """--sort's value as the library spells it ("After-Tax": after_tax), or a usage error."""
    from rolediff.answers import sort_key

    try:
        return sort_key(value)
    except RolediffError:
        raise typer.BadParameter(f"must be take_home, after_tax or gross; got {value!r}.") from None


@app.command("cities")
def cities_command(
    ctx: typer.Context,
    salary: Salary = None,
    role: Role = None,
    percentile: Percentile = 50,
    top: Annotated[
        int | None,
        typer.Option("--top", "-n", parser=one_or_more, metavar=INT, help="Show only the best N."),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Only metros whose principal city is in this state: NC or 'North Carolina'.",
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", parser=_sort_choice, help="take_home (default), after_tax or gross."
        ),
    ] = "take_home",
    year: Year = None,
    filing: Filing = "single",
    bedrooms: Bedrooms = 1,
    chart: Annotated[
        str | None,
        typer.Option(
            "--chart",
            metavar="FILE",
            help="Also draw the ranked cities as a bar chart: FILE.svg, FILE.png or FILE.html.",
        ),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Rank every US metro by monthly take-home for a salary or a role."""
    from rolediff import answers
    from rolediff.charts import check_chart_path, cities_title, save_cities_chart
    from rolediff.views import cities_tables, estimated_salary_note

    if chart is not None:
        check_chart_path(chart)  # fail before the ranking work
    sort = answers.sort_key(sort)  # "Take-Home" too; the table's title names the key
    rows = answers.cities(
        salary=salary,
        role=role,
        percentile=percentile,
        top=top,
        state=state,
        sort=sort,
        year=year,
        filing=filing,
        bedrooms=bedrooms,
    )
    basis = estimated_salary_note(role, percentile) if salary is None and role else None
    tables = cities_tables(rows, sort, basis=basis, for_csv=fmt is OutputFormat.csv)
    # The chart first: a chart that cannot be written fails the command before it prints.
    saved = save_cities_chart(rows, chart, cities_title(rows, role)) if chart else None
    emit(dump(rows), tables, fmt)
    _note_unused(ctx, salary, role)
    if saved is not None:
        typer.echo(f"Chart written to {saved}", err=True)


@app.command("match")
def match_command(
    salary: Annotated[
        float,
        typer.Option(
            "--salary",
            "-s",
            parser=parse_dollars,
            metavar=DOLLARS,
            help="Gross salary where you are now, dollars a year.",
        ),
    ],
    from_place: Annotated[str, typer.Option("--from", help="Where you are now.")],
    to_place: Annotated[str, typer.Option("--to", help="Where you might move.")],
    year: Year = None,
    filing: Filing = "single",
    bedrooms: Bedrooms = 1,
    fmt: Format = OutputFormat.table,
) -> None:
    """The salary needed elsewhere to keep the same monthly take-home."""
    from rolediff import answers
    from rolediff.views import match_tables

    result = answers.match(salary, from_place, to_place, year, filing, bedrooms)
    emit(result.model_dump(mode="json"), match_tables(result), fmt)


@data_app.command("sources")
def data_sources_command(fmt: Format = OutputFormat.table) -> None:
    """List the packaged datasets with publisher, vintage and licence."""
    from rolediff.data import datasets
    from rolediff.views import datasets_tables

    items = datasets()
    emit(dump(items), datasets_tables(items), fmt)


def _port(value: str | int) -> int:
    number = whole_number(value)
    if not 1 <= number <= 65535:
        raise typer.BadParameter(f"a TCP port is 1 to 65535; got {number}.")
    return number


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", parser=_port, metavar=INT, help="TCP port, 1-65535.")
    ] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH", help="Market store for the market pages and API."),
    ] = None,
) -> None:
    """Serve the dashboard and the JSON API (/api/v1, docs at /docs) until Ctrl-C."""
    from rolediff.api import serve

    def announce(url: str) -> None:
        typer.echo(
            f"rolediff dashboard on {url} (API docs at {url}docs); Ctrl-C stops it", err=True
        )

    serve(host=host, port=port, db=db, announce=announce)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status: 0 ok, 2 bad input (usage or data the user gave)."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="rolediff")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except RolediffError as exc:
        typer.echo(f"Error: {exc}", err=True)
        return 2
    except OSError as exc:  # a path the user gave cannot be read or written
        what = f"cannot use {exc.filename}" if exc.filename else "cannot read or write a file"
        typer.echo(f"Error: {what}: {exc.strerror or exc}.", err=True)
        return 2
    return 0


@data_app.command("coverage")
def data_coverage_command(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only: federal, fica, 'state income', 'state payroll', local."),
    ] = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """What the tax engine models per jurisdiction and year, how verified, and its cliffs."""
    from rolediff import answers
    from rolediff.views import coverage_tables

    entries = answers.coverage(kind)
    emit(dump(entries), coverage_tables(entries), fmt)
