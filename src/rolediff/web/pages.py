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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from rolediff import answers
from rolediff._version import __version__
from rolediff.charts import ChartSpec
from rolediff.errors import RolediffError
from rolediff.render import Table

HERE = Path(__file__).parent
FORMATS = ("html", "json", "svg")
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
    env.globals.update(version=__version__, role_ids=ROLE_IDS)
    return env


def error_page(status: int, message: str) -> HTMLResponse:
    html = templates().get_template("error.html.j2").render(status=status, message=message)
    return HTMLResponse(html, status_code=status)


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
            query = {k: v for k, v in request.query_params.items() if k not in ("format", "chart")}
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
    """The page in the format asked: HTML (default), its JSON twin, or chart N as SVG."""
    from rolediff.api import JSONBody

    fmt = _format(request)
    if fmt == "json":
        return JSONBody(payload())
    if fmt == "svg":
        from rolediff.charts import svg

        specs = charts()
        index = request.query_params.get("chart", "0")
        if not index.isdigit() or int(index) >= len(specs):
            raise RolediffError(f"This page has {len(specs)} chart(s): chart=0..{len(specs) - 1}.")
        return Response(svg(specs[int(index)][1]), media_type="image/svg+xml")
    drawn = _specs_to_charts(request, charts(), inline_svg)
    html = templates().get_template(template).render(charts=drawn, **context)
    return HTMLResponse(html)


def _dump(models: Sequence[Any]) -> list[Any]:
    return [m.model_dump(mode="json") for m in models]


def _text(value: str | None) -> str | None:
    """A form field: stripped, and None when empty (browsers send empty fields)."""
    value = (value or "").strip()
    return value or None


def _number(value: str | None, name: str, kind: type[int] | type[float] = float) -> Any:
    text = _text(value)
    if text is None:
        return None
    try:
        number = kind(text.replace(",", "").replace("$", "")) if kind is float else int(text)
    except ValueError:
        raise RolediffError(f"{name} must be a number; got {text!r}.") from None
    if number != number or abs(number) > 1e9:  # NaN or absurd
        raise RolediffError(f"{name} must be a number up to 1,000,000,000; got {text!r}.")
    return number


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
                out.append((title, score_chart(kept, title, scale=1.0)))
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
        salary: Annotated[str | None, Query(max_length=40)] = None,
        percentile: Annotated[str | None, Query(max_length=4)] = None,
        top: Annotated[str | None, Query(max_length=10)] = None,
        state: Annotated[str | None, Query(max_length=100)] = None,
        sort: Annotated[str, Query(max_length=20)] = "take_home",
        filing: Annotated[str, Query(max_length=40)] = "single",
        bedrooms: Annotated[str | None, Query(max_length=2)] = None,
    ) -> Response:
        from rolediff.views import cities_tables

        given_salary = _number(salary, "salary")
        chosen_role = _text(role) or (None if given_salary is not None else "devops")
        shown = _number(top, "top", int)
        rows = answers.cities(
            salary=given_salary,
            role=chosen_role,
            percentile=_number(percentile, "percentile", int) or 50,
            top=shown if shown is not None or _format(request) == "json" else 25,
            state=_text(state),
            sort=sort,
            filing=filing,
            bedrooms=_number(bedrooms, "bedrooms", int) if _text(bedrooms) else 1,
        )

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import cities_chart, cities_title

            return [(cities_title(rows), cities_chart(rows))]

        return _page(
            request,
            "cities.html.j2",
            lambda: _dump(rows),
            charts,
            title="Cities ranked by monthly take-home",
            tables=cities_tables(rows),
            form={
                "role": chosen_role or "",
                "salary": salary or "",
                "percentile": percentile or "50",
                "top": top or ("" if _format(request) == "json" else "25"),
                "state": state or "",
                "sort": sort,
                "filing": filing,
                "bedrooms": bedrooms or "1",
            },
        )

    @app.get("/pay", response_class=HTMLResponse, include_in_schema=False)
    def pay(
        request: Request,
        city: Annotated[str, Query(max_length=200)] = "Raleigh, NC",
        salary: Annotated[str | None, Query(max_length=40)] = None,
        role: Annotated[str | None, Query(max_length=100)] = None,
        percentile: Annotated[str | None, Query(max_length=4)] = None,
        year: Annotated[str | None, Query(max_length=6)] = None,
        filing: Annotated[str, Query(max_length=40)] = "single",
        pretax: Annotated[str | None, Query(max_length=40)] = None,
        hsa: Annotated[str | None, Query(max_length=40)] = None,
        rent: Annotated[str | None, Query(max_length=40)] = None,
        living: Annotated[str | None, Query(max_length=40)] = None,
        bedrooms: Annotated[str | None, Query(max_length=2)] = None,
    ) -> Response:
        from rolediff.views import take_home_tables

        given_salary = _number(salary, "salary")
        chosen_role = _text(role) or (None if given_salary is not None else "sre")
        result = answers.pay(
            city=_text(city) or "Raleigh, NC",
            salary=given_salary,
            role=chosen_role,
            percentile=_number(percentile, "percentile", int) or 50,
            year=_number(year, "year", int),
            filing=filing,
            pretax=_number(pretax, "pretax") or 0.0,
            hsa=_number(hsa, "hsa") or 0.0,
            rent=_number(rent, "rent"),
            living=_number(living, "living"),
            bedrooms=_number(bedrooms, "bedrooms", int) if _text(bedrooms) else 1,
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
                "salary": salary or "",
                "role": chosen_role or "",
                "percentile": percentile or "50",
                "year": year or "",
                "filing": filing,
                "pretax": pretax or "",
                "hsa": hsa or "",
                "rent": rent or "",
                "living": living or "",
                "bedrooms": bedrooms or "1",
            },
        )

    @app.get("/posting", response_class=HTMLResponse, include_in_schema=False)
    def posting_form(request: Request) -> Response:
        _format(request)
        html = (
            templates()
            .get_template("posting.html.j2")
            .render(title="Analyse a job posting", result=None, charts=[], form={})
        )
        return HTMLResponse(html)

    @app.post("/posting", response_class=HTMLResponse, include_in_schema=False)
    async def posting(
        request: Request,
        text: Annotated[str | None, Form(max_length=1_000_000)] = None,
        title: Annotated[str | None, Form(max_length=1_000)] = None,
        location: Annotated[str | None, Form(max_length=1_000)] = None,
        salary_text: Annotated[str | None, Form(max_length=1_000)] = None,
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        from rolediff.postings.analyze import analyze_raw
        from rolediff.views import posting_tables

        if file is not None and file.filename:
            data = await file.read()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise RolediffError(
                    f"{file.filename} is not UTF-8 text (byte {exc.start})."
                ) from None
        if not _text(text):
            raise RolediffError("Paste the posting's text or choose a file.")
        raw = answers.read_posting(text or "", _text(title), _text(location), _text(salary_text))
        result = analyze_raw(raw)

        def charts() -> list[tuple[str, ChartSpec]]:
            from rolediff.charts import score_chart

            title = "How strongly the posting reads as each role (probability, %)"
            return [(title, score_chart(result.role_scores, title))]

        return _page(
            request,
            "posting.html.j2",
            lambda: result.model_dump(mode="json"),
            charts,
            inline_svg=True,
            title="Analyse a job posting",
            result=result,
            tables=posting_tables([result], detailed=True),
            marked=highlight(raw.description, evidence_marks(raw.description, result)),
            form={
                "text": text or "",
                "title": title or "",
                "location": location or "",
                "salary_text": salary_text or "",
            },
        )

    def fit_page(
        request: Request,
        skills: str | None,
        resume_text: str | None,
        target: str | None,
        from_role: str | None,
        to_role: str | None,
        inline_svg: bool,
    ) -> Response:
        from rolediff.fit_views import fit_tables

        form = {
            "skills": skills or "",
            "target": target or "",
            "from_role": from_role or "",
            "to_role": to_role or "",
        }
        asked = any(_text(v) for v in (skills, resume_text, from_role, to_role))
        if not asked:
            _format(request)
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
            form=form,
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
    async def fit_post(
        request: Request,
        skills: Annotated[str | None, Form(max_length=20_000)] = None,
        target: Annotated[str | None, Form(max_length=100)] = None,
        from_role: Annotated[str | None, Form(max_length=100)] = None,
        to_role: Annotated[str | None, Form(max_length=100)] = None,
        resume: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        resume_text = None
        if resume is not None and resume.filename:
            resume_text = answers.resume(await resume.read(), resume.filename)
        return fit_page(request, skills, resume_text, target, from_role, to_role, inline_svg=True)

    @app.get("/market", response_class=HTMLResponse, include_in_schema=False)
    def market(
        request: Request,
        role: Annotated[str | None, Query(max_length=100)] = None,
        vs: Annotated[str | None, Query(max_length=100)] = None,
        metro: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[str | None, Query(max_length=20)] = None,
    ) -> Response:
        store = db(request)
        form = {"role": role or "", "vs": vs or "", "metro": metro or "", "since": since or ""}
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
                form=form,
            )
        if any(_text(v) for v in form.values()):
            raise RolediffError(
                "Filters need a market store: run 'rolediff market ingest FILE' and serve again."
            )
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
        from rolediff.api import JSONBody
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


def snapshot_tables(snap: Any) -> list[Table]:
    """The bundled snapshot as tables: postings, pay and remote share per role, top skills."""
    from rolediff.skills import taxonomy

    tax = taxonomy()
    roles = [
        [
            role,
            f"{r.n:,}",
            f"{r.remote_share:.0%}",
            f"{r.hybrid_share:.0%}",
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
        rows = [[tax.get(s).name, f"{v.share:.0%}", f"{v.n:,}"] for s, v in top]
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
        records = [{"skill": tax.get(s).name, "share_of_postings": v.share} for s, v in top]
        out.append((title, bar_chart(records, "share_of_postings", "skill", title)))
    return out
