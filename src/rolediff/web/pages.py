"""The dashboard: server-rendered HTML pages, each with its JSON twin (``?format=json``, the same
JSON as its ``/api/v1`` route and the CLI) and its chart as SVG (``?format=svg``).

Pages lay out the same tables as the CLI (:mod:`rolediff.views`); charts are the Vega-Lite specs
of :mod:`rolediff.charts`, drawn in the browser by the vendored Vega and, without JavaScript, by
the SVG fallback.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException

from rolediff import answers
from rolediff._version import __version__
from rolediff.amounts import AmountError, parse_dollars
from rolediff.api import (
    API,
    NO_STORE,
    SHOWN_SKIPPED,
    Bedrooms,
    Dollars,
    FilingParam,
    JSONBody,
    MonthlyCost,
    Salary,
    SortParam,
    Top,
    Year,
    posting_upload,
    skipped_header,
)
from rolediff.charts import ChartSpec
from rolediff.errors import RolediffError
from rolediff.pay.estimate import percentiles
from rolediff.pay.living import bedroom_counts
from rolediff.render import Table

HERE = Path(__file__).parent
FORMATS = ("html", "json", "svg")
PAGE_ROWS = 25
"""Rows of the cities ranking when no ``top`` is given (on the page and its JSON twin)."""
ROLE_IDS = ("devops", "sre", "devsecops", "cloud", "platform")


@dataclass(frozen=True)
class Chart:
    """A chart on a page: its spec for the browser and where its SVG fallback comes from."""

    id: str
    title: str
    spec: ChartSpec
    svg_src: str
    """A URL (``?format=svg&chart=N`` on GET pages) or an inline ``data:`` URI (POST pages)."""

    @property
    def spec_json(self) -> Markup:
        """The spec as JSON safe inside a ``<script type="application/json">`` element."""
        text = json.dumps(self.spec, ensure_ascii=False)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@cache
def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("rolediff.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        version=__version__,
        role_ids=ROLE_IDS,
        percentiles=[str(p) for p in percentiles()],
        bedroom_counts=[str(b) for b in bedroom_counts()],
    )
    return env


FORM_PAGES = {
    "/compare": ("compare.html.j2", "Compare two roles"),
    "/cities": ("cities.html.j2", "Cities ranked by monthly take-home"),
    "/pay": ("pay.html.j2", "Take-home pay"),
    "/posting": ("posting.html.j2", "Analyse a job posting"),
    "/fit": ("fit.html.j2", "Your fit to each role"),
    "/market": ("market.html.j2", "Job market"),
}
"""The pages with a form, shown again on an error with the message and the asker's input."""
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line ends, left out of a form shown again."""


def _filled(**fields: str | None) -> dict[str, str]:
    """A form's fields as the page shows them again ("" for one not given)."""
    return {name: value or "" for name, value in fields.items()}


def error_page(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """An error as a page: a form page again, with the message above its form and the fields as
    the asker filled them (``request.state.form`` for a POST, else the query); any other page,
    the message alone. The market form needs a store, so without one the message stands alone."""
    path = request.url.path
    page = FORM_PAGES.get(path)
    if page is None or (path == "/market" and not answers.has_market_store(request.app.state.db)):
        page = ("base.html.j2", "Cannot answer that")
    form = getattr(request.state, "form", None)
    if form is None:
        form = dict(request.query_params) if request.method == "GET" else {}
    form = {k: CONTROLS.sub("", v) for k, v in form.items()}  # a NUL is no field's content
    html = (
        templates()
        .get_template(page[0])
        .render(title=page[1], error=message, status=status, form=form, source="store", charts=[])
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _form_number(value: Any) -> Any:
    """A count typed in a form (top, year, percentile, bedrooms): a blank field is none given,
    "1,000" is 1000."""
    if isinstance(value, str):
        return value.strip().replace(",", "").replace("$", "") or None
    return value


def _form_dollars(value: Any) -> Any:
    """An amount typed in a form, read as the CLI reads its dollar options (120000, 120,000,
    $120,000, $120k: :func:`rolediff.amounts.parse_dollars`, with its message for anything
    else); a blank field is none given."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return parse_dollars(value)
    except AmountError as exc:  # the message as it is, not "Value error, ..."
        raise PydanticCustomError("dollars", "{message}", {"message": str(exc)}) from None


FormNumber = BeforeValidator(_form_number)
"""Read before the value's own type (shared with the API), which then checks it as the API does."""
FormDollars = BeforeValidator(_form_dollars)
"""The same for amounts of dollars: the value's type then checks its range as the API does."""


def _format(request: Request) -> str:
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        raise RolediffError(f"format must be html, json or svg; got {fmt!r}.")
    return fmt


def _specs_to_charts(
    request: Request, specs: Sequence[tuple[str, ChartSpec]], inline: bool
) -> list[Chart]:
    charts = []
    for i, (title, spec) in enumerate(specs):
        if inline:
            from rolediff.charts import svg

            encoded = base64.b64encode(svg(spec).encode("utf-8")).decode("ascii")
            src = f"data:image/svg+xml;base64,{encoded}"
        else:
            query = _understood(request)
            src = f"{request.url.path}?{urlencode({**query, 'format': 'svg', 'chart': i})}"
        charts.append(Chart(id=f"chart-{i}", title=title, spec=spec, svg_src=src))
    return charts


def _page(
    request: Request,
    template: str,
    payload: Callable[[], Any],
    charts: Callable[[], Sequence[tuple[str, ChartSpec]]],
    *,
    inline_svg: bool = False,
    **context: Any,
) -> Response:
    """The page in the format asked: HTML (default), its JSON twin, or chart N as SVG; a GET
    page links to its twin (a POST form has a button that posts to it)."""
    fmt = _format(request)
    if fmt == "json":
        return JSONBody(payload())
    if fmt == "svg":
        from rolediff.charts import svg

        specs = charts()
        index = request.query_params.get("chart", "0")
        if not specs:
            raise RolediffError("This page has no chart for these choices.")
        if not (index.isascii() and index.isdigit()) or int(index) >= len(specs):
            raise RolediffError(f"This page has {len(specs)} chart(s): chart=0..{len(specs) - 1}.")
        return Response(svg(specs[int(index)][1]), media_type="image/svg+xml")
    drawn = _specs_to_charts(request, charts(), inline_svg)
    twin = _twin_url(request) if request.method == "GET" else None
    html = templates().get_template(template).render(charts=drawn, json_url=twin, **context)
    return HTMLResponse(html)


def _twin_url(request: Request) -> str:
    return f"{request.url.path}?{urlencode({**_understood(request), 'format': 'json'})}"


def _understood(request: Request) -> dict[str, str]:
    """The query's parameters that the page reads (its route's query parameters), in the order
    given: what its links to its twin and its charts carry. Anything else a URL holds
    (``?foo=...``, a tracking tag) is not the page's to pass on."""
    route = request.scope.get("route")
    read = {p.alias for p in route.dependant.query_params} if isinstance(route, APIRoute) else ()
    return {k: v for k, v in request.query_params.items() if k in read}


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
"""How browsers send a form: what the dashboard's POST pages read."""


def _check_form(request: Request, api: str) -> None:
    """Refuse a body a form page cannot read (JSON, plain text) with 415 rather than read it as
    an empty form ("give your skills" to someone who sent them as JSON); ``api`` is the route
    that takes JSON. A POST with no body is an empty form."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind and kind not in FORM_TYPES:
        raise StarletteHTTPException(
            415,
            f"This page reads a form ({' or '.join(FORM_TYPES)}), not {kind}; to send JSON,"
            f" POST it to {api}.",
        )


def _dump(models: Sequence[Any]) -> list[Any]:
    return [m.model_dump(mode="json") for m in models]


def _shown(value: float | None) -> str:
    """A number as a form shows it back: 120000, 1500.5; blank for none."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)


def _text(value: str | None) -> str | None:
    """A form field: stripped, and None when empty (browsers send empty fields)."""
    value = (value or "").strip()
    return value or None


def _role_choice(value: str | None) -> str:
    """A role as the forms' role lists name it ("SRE", "Site Reliability Engineer" are "sre"), so
    that the form shown with an answer sends the same question again; blank for none, and a
    value rolediff does not know as it was sent."""
    from rolediff.roles import get_role

    text = _text(value)
    if text is None:
        return ""
    try:
        return get_role(text).id
    except RolediffError:
        return text


def _filing_choice(value: str) -> str:
    """A filing status as the forms' list names it ("mfj" is "married_joint")."""
    from rolediff.pay.common import check_status

    try:
        return check_status(value)
    except RolediffError:
        return value


def highlight(text: str, marks: Sequence[tuple[int, int, str, str]]) -> Markup:
    """``text`` escaped, with ``<mark>`` around each (start, stop, css class, title) span; spans
    that overlap an earlier one are dropped."""
    out: list[str] = []
    at = 0
    for start, stop, css, title in sorted(marks, key=lambda m: (m[0], -m[1])):
        if start < at or stop <= start or stop > len(text):
            continue
        out.append(str(escape(text[at:start])))
        out.append(
            f'<mark class="{escape(css)}" title="{escape(title)}">{escape(text[start:stop])}</mark>'
        )
        at = stop
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def evidence_marks(text: str, analysis: Any) -> list[tuple[int, int, str, str]]:
    """Where the classifier's evidence and the skills sit in the posting's text."""
    from rolediff.skills import skill_matcher

    marks: list[tuple[int, int, str, str]] = []
    for item in analysis.evidence:
        label = f"{item.kind} → {item.role} ({item.weight:+.3f})"
        if item.spans:
            marks.extend((a, b, f"ev ev-{item.kind}", label) for a, b in item.spans)
        elif item.kind == "term":
            words = [re.escape(w) for w in item.text.split()]
            pattern = re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", re.IGNORECASE)
            marks.extend((m.start(), m.end(), "ev ev-term", label) for m in pattern.finditer(text))
    for hit in skill_matcher().find(text):
        marks.extend((a, b, "skill", f"skill: {hit.name}") for a, b in hit.spans)
    return marks


# --- the pages --------------------------------------------------------------------------------


def add_pages(app: FastAPI) -> None:
    """Mount the static files and register every dashboard page on ``app``."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def db(request: Request) -> Any:
        return request.app.state.db

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        from rolediff.roles import list_roles
        from rolediff.views import roles_tables

        profiles = list_roles()
        snap = answers.snapshot()

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import bar_chart

            counts = [
                {"role": role, "postings": n}
                for role, n in snap.openings.by_role.items()
                if role != "other"
            ]
            title = f"Infrastructure postings per role in the bundled corpus (as of {snap.as_of})"
            return [(title, bar_chart(counts, "postings", "role", title))]

        return _page(
            request,
            "home.html.j2",
            lambda: _dump(profiles),
            charts,
            title="rolediff",
            tables=roles_tables(profiles),
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare(
        request: Request,
        a: Annotated[str, Query(max_length=100)] = "devops",
        b: Annotated[str, Query(max_length=100)] = "sre",
        city: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        from rolediff.views import comparison_tables

        result = answers.compare(a, b, _text(city), db(request))

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import salary_ranges_chart, score_chart

            published = [
                (ref.name, p.low, p.average, p.high)
                for ref, p in (
                    (result.a, result.salaries.published.a),
                    (result.b, result.salaries.published.b),
                )
                if p is not None
            ]
            out = []
            if published:
                title = "Salaries the article published (dollars a year)"
                out.append((title, salary_ranges_chart(published, title)))
            if result.salaries.take_home is not None:
                pair = result.salaries.take_home
                title = f"Monthly take-home in {pair.a.place} at each role's estimated salary"
                kept = {
                    result.a.name: pair.a.take_home_monthly,
                    result.b.name: pair.b.take_home_monthly,
                }
                chart = score_chart(kept, title, scale=1.0, x_title="$/month", x_format="$,.0f")
                out.append((title, chart))
            return out

        return _page(
            request,
            "compare.html.j2",
            lambda: result.model_dump(mode="json"),
            charts,
            title=f"{result.a.name} vs {result.b.name}",
            tables=comparison_tables(result),
            form={"a": result.a.id, "b": result.b.id, "city": _text(city) or ""},
        )

    @app.get("/cities", response_class=HTMLResponse, include_in_schema=False)
    def cities(
        request: Request,
        role: Annotated[str | None, Query(max_length=100)] = None,
        salary: Annotated[Salary | None, FormDollars, Query()] = None,
        percentile: Annotated[int | None, FormNumber, Query()] = None,
        top: Annotated[Top | None, FormNumber, Query()] = None,
        state: Annotated[str | None, Query(max_length=100)] = None,
        sort: SortParam = "take_home",
        year: Annotated[Year | None, FormNumber, Query()] = None,
        filing: FilingParam = "single",
        bedrooms: Annotated[Bedrooms | None, FormNumber, Query()] = None,
    ) -> Response:
        from rolediff.views import cities_tables

        chosen_role = _text(role) or (None if salary is not None else "devops")
        shown = PAGE_ROWS if top is None else top  # the JSON twin shows the same rows
        percentile = 50 if percentile is None else percentile
        bedrooms = 1 if bedrooms is None else bedrooms
        rows = answers.cities(
            salary=salary,
            role=chosen_role,
            percentile=percentile,
            top=shown,
            state=_text(state),
            sort=sort,
            year=year,
            filing=filing,
            bedrooms=bedrooms,
        )

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import cities_chart, cities_title

            title = cities_title(rows, chosen_role)  # with a salary, its own title
            return [(title, cities_chart(rows, title))]

        return _page(
            request,
            "cities.html.j2",
            lambda: _dump(rows),
            charts,
            title="Cities ranked by monthly take-home",
            tables=cities_tables(rows, sort),
            form={
                "role": _role_choice(chosen_role),
                "salary": _shown(salary),
                "percentile": str(percentile),
                "top": str(shown),
                "state": state or "",
                "sort": sort,
                "year": _shown(year),
                "filing": _filing_choice(filing),
                "bedrooms": str(bedrooms),
            },
        )

    @app.get("/pay", response_class=HTMLResponse, include_in_schema=False)
    def pay(
        request: Request,
        city: Annotated[str, Query(max_length=200)] = "Raleigh, NC",
        salary: Annotated[Salary | None, FormDollars, Query()] = None,
        role: Annotated[str | None, Query(max_length=100)] = None,
        percentile: Annotated[int | None, FormNumber, Query()] = None,
        year: Annotated[Year | None, FormNumber, Query()] = None,
        filing: FilingParam = "single",
        pretax: Annotated[Dollars | None, FormDollars, Query()] = None,
        hsa: Annotated[Dollars | None, FormDollars, Query()] = None,
        rent: Annotated[MonthlyCost | None, FormDollars, Query()] = None,
        living: Annotated[MonthlyCost | None, FormDollars, Query()] = None,
        bedrooms: Annotated[Bedrooms | None, FormNumber, Query()] = None,
    ) -> Response:
        from rolediff.views import take_home_tables

        chosen_role = _text(role) or (None if salary is not None else "sre")
        percentile = 50 if percentile is None else percentile
        bedrooms = 1 if bedrooms is None else bedrooms
        result = answers.pay(
            city=_text(city) or "Raleigh, NC",
            salary=salary,
            role=chosen_role,
            percentile=percentile,
            year=year,
            filing=filing,
            pretax=pretax or 0.0,
            hsa=hsa or 0.0,
            rent=rent,
            living=living,
            bedrooms=bedrooms,
        )

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import pay_chart

            return [("Where a month of pay goes", pay_chart(result))]

        return _page(
            request,
            "pay.html.j2",
            lambda: result.model_dump(mode="json"),
            charts,
            title=f"Take-home pay in {result.place}",
            tables=take_home_tables(result),
            form={
                "city": city,
                "salary": _shown(salary),
                "role": _role_choice(chosen_role),
                "percentile": str(percentile),
                "year": _shown(year),
                "filing": result.filing_status,
                "pretax": _shown(pretax),
                "hsa": _shown(hsa),
                "rent": _shown(rent),
                "living": _shown(living),
                "bedrooms": str(bedrooms),
            },
        )

    @app.get("/posting", response_class=HTMLResponse, include_in_schema=False)
    def posting_form(request: Request) -> Response:
        if _format(request) != "html":
            raise RolediffError(
                "Give a posting: POST its text (field text) or a file (field file) to this page."
            )
        html = (
            templates()
            .get_template("posting.html.j2")
            .render(title="Analyse a job posting", results=None, charts=[], form={})
        )
        return HTMLResponse(html)

    @app.post("/posting", response_class=HTMLResponse, include_in_schema=False)
    def posting(
        request: Request,
        text: Annotated[str | None, Form(max_length=1_000_000)] = None,
        title: Annotated[str | None, Form(max_length=1_000)] = None,
        location: Annotated[str | None, Form(max_length=1_000)] = None,
        salary_text: Annotated[str | None, Form(max_length=1_000)] = None,
        job_type: Annotated[str | None, Form(max_length=200)] = None,
        job_level: Annotated[str | None, Form(max_length=200)] = None,
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        from rolediff.postings.analyze import analyze_raw
        from rolediff.postings.read import Given
        from rolediff.views import posting_tables

        _check_form(request, f"{API}/postings/analyze")
        form = _filled(
            text=text, title=title, location=location, salary_text=salary_text,
            job_type=job_type, job_level=job_level,
        )  # fmt: skip
        request.state.form = form  # shown again if the posting cannot be read
        if file is not None and file.filename:
            return _posting_file_page(request, file)
        if not _text(text):
            raise RolediffError("Paste the posting's text or choose a file.")
        given = Given(
            _text(title), _text(location), _text(salary_text), _text(job_type), _text(job_level)
        )
        raw = answers.read_posting(text or "", given)
        result = analyze_raw(raw)
        return _page(
            request,
            "posting.html.j2",
            lambda: result.model_dump(mode="json"),
            lambda: _posting_charts([result]),
            inline_svg=True,
            title="Analyse a job posting",
            results=[result],
            tables=posting_tables([result], detailed=True),
            marked=highlight(raw.description, evidence_marks(raw.description, result)),
            form=form,
        )

    def fit_page(
        request: Request,
        skills: str | None,
        resume: UploadFile | None,
        target: str | None,
        from_role: str | None,
        to_role: str | None,
        inline_svg: bool,
    ) -> Response:
        from rolediff.fit_views import fit_tables

        form = _filled(skills=skills, target=target, from_role=from_role, to_role=to_role)
        request.state.form = form  # shown again if the question cannot be answered
        resume_text = None
        if resume is not None and resume.filename:
            resume_text = answers.resume(resume.file.read(), resume.filename)
        asked = any(_text(v) for v in (skills, resume_text, from_role, to_role))
        if not asked and _format(request) == "html" and request.method == "POST":
            raise RolediffError("Give your skills or a résumé (or the roles to move from and to).")
        if not asked and _format(request) == "html":  # the twins get the API's answer: an error
            html = (
                templates()
                .get_template("fit.html.j2")
                .render(title="Your fit to each role", report=None, charts=[], form=form)
            )
            return HTMLResponse(html)
        report = answers.fit(
            skills=_text(skills),
            resume_text=_text(resume_text),
            target=_text(target),
            from_role=_text(from_role),
            to_role=_text(to_role),
        )

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import score_chart

            title = "How close you are to each role (0-100)"
            return [(title, score_chart(report.scores, title))]

        return _page(
            request,
            "fit.html.j2",
            lambda: report.model_dump(mode="json"),
            charts,
            inline_svg=inline_svg,
            title="Your fit to each role",
            report=report,
            tables=fit_tables(report, True),
            form={
                **form,
                **{k: _role_choice(v) for k, v in form.items() if k != "skills"},
            },
        )

    @app.get("/fit", response_class=HTMLResponse, include_in_schema=False)
    def fit_get(
        request: Request,
        skills: Annotated[str | None, Query(max_length=20_000)] = None,
        target: Annotated[str | None, Query(max_length=100)] = None,
        from_role: Annotated[str | None, Query(max_length=100)] = None,
        to_role: Annotated[str | None, Query(max_length=100)] = None,
    ) -> Response:
        return fit_page(request, skills, None, target, from_role, to_role, inline_svg=False)

    @app.post("/fit", response_class=HTMLResponse, include_in_schema=False)
    def fit_post(
        request: Request,
        skills: Annotated[str | None, Form(max_length=20_000)] = None,
        target: Annotated[str | None, Form(max_length=100)] = None,
        from_role: Annotated[str | None, Form(max_length=100)] = None,
        to_role: Annotated[str | None, Form(max_length=100)] = None,
        resume: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        _check_form(request, f"{API}/fit")
        return fit_page(request, skills, resume, target, from_role, to_role, inline_svg=True)

    @app.get("/market", response_class=HTMLResponse, include_in_schema=False)
    def market(
        request: Request,
        role: Annotated[str | None, Query(max_length=100)] = None,
        vs: Annotated[str | None, Query(max_length=100)] = None,
        metro: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[str | None, Query(max_length=20)] = None,
    ) -> Response:
        store = db(request)
        form = _filled(role=role, vs=vs, metro=metro, since=since)
        if answers.has_market_store(store):
            from rolediff.market_views import market_tables

            result = answers.market(
                store, role=_text(role), vs=_text(vs), metro=_text(metro), since=_text(since)
            )

            def charts() -> list[tuple[str, ChartSpec]]:
                from rolediff.charts import market_charts

                return [
                    (str(spec.get("title", stem)), spec)
                    for stem, spec in market_charts(result).items()
                ]

            return _page(
                request,
                "market.html.j2",
                lambda: result.model_dump(mode="json"),
                charts,
                title="Job market",
                tables=market_tables(result),
                source="store",
                form={
                    **form,
                    "role": form["role"].strip().lower(),
                    "vs": form["vs"].strip().lower(),
                },
            )
        if any(_text(v) for v in form.values()):  # filters need the store the server lacks
            raise StarletteHTTPException(503, NO_STORE)
        snap = answers.snapshot()
        return _page(
            request,
            "market.html.j2",
            lambda: snap.model_dump(mode="json"),
            lambda: snapshot_charts(snap),
            title="Job market",
            tables=snapshot_tables(snap),
            source="snapshot",
            snapshot=snap,
            form=form,
        )

    @app.get("/report", response_class=HTMLResponse, include_in_schema=False)
    def report(
        request: Request,
        a: Annotated[str, Query(max_length=100)] = "devops",
        b: Annotated[str, Query(max_length=100)] = "sre",
        city: Annotated[str | None, Query(max_length=200)] = None,
        skills: Annotated[str | None, Query(max_length=20_000)] = None,
    ) -> Response:
        """The shareable report of ``rolediff report`` as one self-contained page to save."""
        from rolediff.report import build_report, render_html

        if _format(request) == "svg":
            raise RolediffError("The report draws its charts inline: ask for html or json.")
        built = build_report(a, b, city=_text(city), skills=_text(skills))
        if _format(request) == "json":
            return JSONBody(built.model_dump(mode="json"))
        name = f"rolediff-{built.comparison.a.id}-vs-{built.comparison.b.id}.html"
        return HTMLResponse(
            render_html(built), headers={"Content-Disposition": f'inline; filename="{name}"'}
        )

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources(request: Request) -> Response:
        from rolediff.data import datasets, sources
        from rolediff.pay.coverage import coverage_manifest
        from rolediff.views import coverage_tables, datasets_tables

        items = datasets()
        entries = coverage_manifest()
        cited = sorted(sources().values(), key=lambda s: s.id)

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import bar_chart

            counts: dict[str, int] = {}
            for entry in entries:
                for year in entry.years:
                    key = f"{year} {entry.kind}"
                    counts[key] = counts.get(key, 0) + 1
            records = [{"year and tax": k, "jurisdictions": n} for k, n in sorted(counts.items())]
            title = "Tax jurisdictions modelled, by year and kind"
            return [(title, bar_chart(records, "jurisdictions", "year and tax", title))]

        return _page(
            request,
            "sources.html.j2",
            lambda: {"datasets": _dump(items), "coverage": _dump(entries)},
            charts,
            title="Data sources and coverage",
            tables=datasets_tables(items) + coverage_tables(entries),
            cited=cited,
        )


def _posting_file_page(request: Request, file: UploadFile) -> Response:
    """An uploaded file read and analysed as the API's ``analyze-file`` (and ``rolediff posting
    FILE``) does, one analysis per record; the JSON twin is that route's answer."""
    from rolediff.postings.analyze import PostingAnalysis
    from rolediff.views import posting_tables

    found, skipped = posting_upload(file, strict=False)
    results = [
        PostingAnalysis.model_validate(r) for r in (found if isinstance(found, list) else [found])
    ]
    response = _page(
        request,
        "posting.html.j2",
        lambda: found,
        lambda: _posting_charts(results),
        inline_svg=True,
        title="Analyse a job posting",
        results=results,
        file_name=file.filename,
        skipped=skipped,
        shown_skipped=SHOWN_SKIPPED,
        tables=posting_tables(results, detailed=True),
        form={},
    )
    response.headers.update(skipped_header(skipped))
    return response


def _posting_charts(results: Sequence[Any]) -> list[tuple[str, ChartSpec]]:
    """One posting's score per role, or how many of the postings read as each role."""
    from rolediff.charts import bar_chart, score_chart

    if len(results) == 1:
        title = "How strongly the posting reads as each role (probability, %)"
        return [(title, score_chart(results[0].role_scores, title))]
    counts = Counter(r.role for r in results)
    records = [{"role": role, "postings": n} for role, n in counts.most_common()]
    title = f"The {len(results):,} postings by the role each reads as"
    return [(title, bar_chart(records, "postings", "role", title))]


def snapshot_tables(snap: Any) -> list[Table]:
    """The bundled snapshot as tables: postings, pay and remote share per role, top skills."""
    from rolediff.skills import taxonomy
    from rolediff.views import percent

    tax = taxonomy()
    roles = [
        [
            role,
            f"{r.n:,}",
            percent(r.remote_share, r.remote, r.n),
            percent(r.hybrid_share, r.hybrid, r.n),
            f"${r.pay.p50:,.0f}" if r.pay.p50 is not None else "—",
            f"{r.pay.n:,}",
            "yes" if r.small_sample else "",
        ]
        for role, r in snap.roles.items()
    ]
    tables = [
        Table(
            f"Postings per role (bundled corpus, as of {snap.as_of})",
            ["role", "postings", "remote", "hybrid work", "median pay", "pay n", "small sample"],
            roles,
            notes=list(snap.notes),
        )
    ]
    for role, r in snap.roles.items():
        if role == "other":
            continue
        top = sorted(r.skills.items(), key=lambda kv: -kv[1].share)[:10]
        rows = [[tax.get(s).name, percent(v.share, v.n, r.n), f"{v.n:,}"] for s, v in top]
        tables.append(
            Table(f"Top skills of {role} postings (n = {r.n:,})", ["skill", "share", "n"], rows)
        )
    return tables


def snapshot_charts(snap: Any) -> list[tuple[str, ChartSpec]]:
    from rolediff.charts import bar_chart
    from rolediff.skills import taxonomy

    tax = taxonomy()
    title = f"Postings per role (bundled corpus, as of {snap.as_of})"
    out = [
        (
            title,
            bar_chart(
                [{"role": k, "postings": n} for k, n in snap.openings.by_role.items()],
                "postings",
                "role",
                title,
            ),
        )
    ]
    for role, r in snap.roles.items():
        if role == "other" or not r.skills:
            continue
        top = sorted(r.skills.items(), key=lambda kv: -kv[1].share)[:15]
        title = f"Top skills of {role} postings (n = {r.n:,})"
        # From the counts: the shares are rounded, and the chart would round them again.
        records = [{"skill": tax.get(s).name, "share_of_postings": v.n / r.n} for s, v in top]
        out.append((title, bar_chart(records, "share_of_postings", "skill", title)))
    return out
