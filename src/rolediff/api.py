"""The REST API (``/api/v1``) and the dashboard in one FastAPI app: ``rolediff serve``.

Thin, like the CLI: every route parses its parameters, calls the library and returns the same
JSON as ``rolediff ... --format json`` for the same question (:mod:`rolediff.answers` holds the
calls both use). The app reads no path from a request: the only file it opens is the market
store chosen when the app is made.

Routes that do more than a few milliseconds of work, or any I/O, are plain ``def``: FastAPI runs
them in its thread pool, so one slow upload never holds up the event loop and every other request.
Only the routes measured well under that (health, roles, places, one take-home) are ``async``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rolediff import answers
from rolediff._version import __version__
from rolediff.data.schema import Dataset, RoleProfile
from rolediff.errors import RolediffError
from rolediff.fit import FitReport
from rolediff.geo import Place
from rolediff.market import MarketReport, MarketSnapshot
from rolediff.pay.coverage import CoverageEntry
from rolediff.pay.estimate import percentiles
from rolediff.pay.living import bedroom_counts
from rolediff.pay.models import CityRow, TakeHome
from rolediff.pay.take_home import MAX_SALARY, SalaryMatch
from rolediff.postings.analyze import PostingAnalysis
from rolediff.resume import MAX_RESUME_CHARS
from rolediff.roles import Comparison

if TYPE_CHECKING:
    from rolediff.postings.read import Malformed
    from rolediff.web.salvage import FormSalvage

API = "/api/v1"
POSTING_BODY_LIMIT = 1_000_000
"""Bytes a posting request may carry (text or file)."""
RESUME_BODY_LIMIT = 10_000_000 + 100_000
"""Bytes a fit request may carry: a 10 MB résumé plus its form fields."""
DEFAULT_BODY_LIMIT = 100_000
NO_STORE = (
    "This server has no market store; its operator can create one with `rolediff market ingest` "
    "and restart `rolediff serve`."
)
"""Said with 503: the missing store is for the server's operator to fix, not the client."""
UNEXPECTED = "Something went wrong on the server; its log has the details."
SHOWN_SKIPPED = 20
"""Malformed records a posting answer lists (header and page); past these, it counts the rest."""
SHOWN_ERRORS = 5
"""Problems a 422 message lists; a list of 2,000 bad items is summed up after these."""


class JSONBody(Response):
    """JSON written as the CLI writes it (UTF-8, not ASCII-escaped), without re-encoding."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


def error_body(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONBody:
    """Every error the API returns: ``{"error": {"status": 400, "message": "..."}}``."""
    body = {"error": {"status": status, "message": message}}
    return JSONBody(body, status_code=status, headers=headers)


def wants_json(request: Request) -> bool:
    """True for everything under ``/api`` and for pages asked for ``?format=json``."""
    path = request.url.path
    api = path == "/api" or path.startswith("/api/")
    return api or request.query_params.get("format") == "json"


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error as its asker reads it: JSON for the API and JSON twins, else the error page.

    Characters that do not print (a NUL, a bidi override) are shown escaped as Python shows them
    (``\\x00``), whether the message quoted its input with ``repr`` or as is."""
    from rolediff.web.pages import error_page

    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    if wants_json(request):
        return error_body(status, shown, headers)
    return error_page(request, status, shown, headers)


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer (4xx, 5xx)."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A question rolediff cannot answer, and why."},
    413: {"model": ErrorBody, "description": "The request body is larger than allowed."},
    422: {"model": ErrorBody, "description": "A parameter is missing or malformed."},
}
NO_STORE_ERROR: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorBody, "description": "The server has no market store."}
}


def answers_as(model: Any) -> dict[int | str, dict[str, Any]]:
    """A route's documented answers: ``model`` (the CLI's ``--format json`` document), or an
    error body."""
    return {200: {"model": model, "description": "The same JSON as the CLI."}, **ERRORS}


def _limit_for(path: str) -> int:
    if path.startswith((f"{API}/fit", "/fit")):
        return RESUME_BODY_LIMIT
    if path.startswith((f"{API}/postings", "/posting")):
        return POSTING_BODY_LIMIT
    return DEFAULT_BODY_LIMIT


FORM_POSTS = ("/posting", "/fit")
"""The dashboard's pages that take a form by POST: one sent too large is read for what it held."""


class BodyLimit:
    """Refuse request bodies over the route's limit with 413, by Content-Length when sent and by
    counting the bytes as they arrive otherwise (chunked uploads).

    A form posted to a dashboard page is read to its end first, when it is not many times over
    (:mod:`rolediff.web.salvage`): its page comes back filled in as the asker left it, with a
    message naming what made it too large; and a browser is not cut off mid-upload (which over a
    network can show a reset connection instead of the answer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        form = _form_salvage(scope, headers)
        declared = headers.get(b"content-length")
        received = 0
        too_large = False

        async def refuse(complete: bool = False) -> None:
            request = Request(scope)
            message = f"Request body too large: at most {limit:,} bytes here."
            if form is not None and form.is_form and not wants_json(request):
                from rolediff.web.salvage import explain

                request.state.form = form.fields()  # the page shows them again
                size = int(declared) if declared is not None and declared.isdigit() else None
                message = explain(form, limit, complete, size)
            await error_response(request, 413, message)(scope, receive, send)

        async def drain() -> bool:
            """Read the rest of the body into ``form``, up to its cap; whether it ended."""
            nonlocal received
            from rolediff.web.salvage import DRAIN_FACTOR

            assert form is not None
            while received <= DRAIN_FACTOR * limit:
                message = await receive()
                if message["type"] != "http.request":
                    return False
                chunk = message.get("body", b"")
                received += len(chunk)
                form.feed(chunk)
                if not message.get("more_body", False):
                    return True
            return False

        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            complete = False
            if form is not None and declared.isdigit():
                from rolediff.web.salvage import DRAIN_FACTOR

                if int(declared) <= DRAIN_FACTOR * limit:
                    complete = await drain()
            await refuse(complete)
            return
        kept: list[bytes] = []  # a form's chunks so far, read again if it proves too large
        complete = False

        async def counted() -> Message:
            nonlocal received, too_large, complete
            message = await receive()
            if message["type"] == "http.request" and not too_large:
                chunk = message.get("body", b"")
                received += len(chunk)
                if form is not None:
                    kept.append(chunk)
                if received > limit:  # end the body here; the answer becomes the 413
                    too_large = True
                    if form is not None:
                        for earlier in kept:
                            form.feed(earlier)
                        kept.clear()
                        more = message.get("more_body", False)
                        complete = not more or await drain()
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def answered(message: Message) -> None:
            if not too_large:
                await send(message)
            elif message["type"] == "http.response.start":
                await refuse(complete)

        await self.app(scope, counted, answered)


def _form_salvage(scope: Scope, headers: Mapping[bytes, bytes]) -> FormSalvage | None:
    """A reader for the body of a form posted to a dashboard page (whose page is shown again on
    a 413), or None for any other request."""
    if scope["method"] != "POST" or scope["path"] not in FORM_POSTS:
        return None
    from rolediff.web.salvage import FormSalvage

    return FormSalvage(headers.get(b"content-type", b"").decode("latin-1"))


class HeadAsGet:
    """Answer HEAD wherever GET is answered, with GET's headers and no body (FastAPI's routes
    take only the methods they name)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


# --- request bodies ---------------------------------------------------------------------------


class PostingIn(BaseModel):
    """A job posting to analyse: its text and, when known, its title and location."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=POSTING_BODY_LIMIT, description="Description, plain or HTML.")
    title: str | None = Field(None, max_length=1_000)
    location: str | None = Field(None, max_length=1_000)
    salary_text: str | None = Field(
        None, max_length=1_000, description="Pay as the board shows it."
    )
    job_type: str | None = Field(
        None, max_length=200, description="Employment type as the board gives it ('Full-time')."
    )
    job_level: str | None = Field(
        None,
        max_length=200,
        description="Level as the board gives it ('Entry level'); read when the title names none.",
    )


class FitIn(BaseModel):
    """A person to score: skills (names or aliases) and/or résumé text."""

    model_config = ConfigDict(extra="forbid")

    skills: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=2_000)
    resume_text: str | None = Field(None, max_length=MAX_RESUME_CHARS)
    target: str | None = Field(None, max_length=100)
    from_role: str | None = Field(None, max_length=100)
    to_role: str | None = Field(None, max_length=100)


# --- shared parameters ------------------------------------------------------------------------
# The values' types carry their bounds, so that the dashboard's pages, which read the same
# parameters from forms (blank fields, "$120,000"), refuse a value with the same message.

Salary = Annotated[float, Field(gt=0, le=MAX_SALARY, allow_inf_nan=False)]
Dollars = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
MonthlyCost = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2200)]
Bedrooms = Annotated[int, Field(ge=min(bedroom_counts()), le=max(bedroom_counts()))]
Top = Annotated[int, Field(ge=1, le=10_000)]

RoleParam = Annotated[str, Query(min_length=1, max_length=100, description="devops, sre, ...")]
CityParam = Annotated[
    str, Query(min_length=1, max_length=200, description="'Raleigh, NC', 'NYC', a CBSA code.")
]
SalaryParam = Annotated[Salary | None, Query(description="Gross salary, dollars a year.")]
PercentileParam = Annotated[
    int,
    Query(
        description="Salary percentile for an estimated salary: "
        + ", ".join(map(str, percentiles()))
        + ".",
        json_schema_extra={"enum": list(percentiles())},
    ),
]
"""A query string carries text: a Literal of ints would refuse "75"; the library checks it."""
YearParam = Annotated[Year | None, Query(description="Tax year.")]
FilingParam = Annotated[
    str, Query(max_length=40, description="single, married_joint (mfj), head_of_household (hoh).")
]
BedroomsParam = Annotated[Bedrooms, Query(description="Bedrooms of the HUD rent.")]
SortParam = Literal["take_home", "after_tax", "gross"]


def posting_upload(file: UploadFile, strict: bool) -> tuple[Any, list[Malformed]]:
    """An uploaded posting file analysed as ``rolediff posting FILE`` analyses a file (its size
    is checked by ``BodyLimit``)."""
    return answers.posting_file(file.file.read(), file.filename or "upload.txt", strict)


def skipped_header(skipped: Sequence[Malformed]) -> dict[str, str]:
    """The ``X-Rolediff-Skipped`` header listing malformed records as ``line: reason``."""
    if not skipped:
        return {}
    listed = "; ".join(f"{m.line}: {m.reason}" for m in skipped[:SHOWN_SKIPPED])
    if len(skipped) > SHOWN_SKIPPED:
        listed += f"; and {len(skipped) - SHOWN_SKIPPED:,} more"
    return {"X-Rolediff-Skipped": listed.encode("ascii", "replace").decode("ascii")}


def create_app(db: str | Path | None = None) -> FastAPI:
    """The app: JSON API under ``/api/v1``, dashboard pages at ``/``; market statistics come from
    the store at ``db`` (default: ``rolediff market``'s own)."""
    app = FastAPI(
        title="rolediff",
        version=__version__,
        description=(
            "Compare DevOps, SRE, DevSecOps, Cloud and Platform engineering roles on cited data: "
            "the same answers as the rolediff CLI, as JSON."
        ),
        docs_url=None,  # served from the vendored Swagger UI below, not a CDN
        redoc_url=None,
    )
    if db is not None and not Path(db).expanduser().is_file():
        raise RolediffError(
            f"No market store at {db}: run 'rolediff market ingest FILE --db {db}'."
        )
    app.state.db = db
    app.add_middleware(BodyLimit)
    app.add_middleware(HeadAsGet)
    _errors(app)
    _routes(app)
    _docs(app)
    from rolediff.web.pages import add_pages

    add_pages(app)
    return app


def _errors(app: FastAPI) -> None:
    async def known(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if isinstance(exc.body, FormData):  # a page's form is shown again as it was filled
            request.state.form = {k: v for k, v in exc.body.items() if isinstance(v, str)}
        errors = exc.errors()
        described = [_describe(e, exc.body) for e in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            described.append(f"and {len(errors) - SHOWN_ERRORS:,} more")
        return error_response(request, 422, "; ".join(described) or "Malformed request.")

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        unread = _unreadable_body(exc)
        if unread is not None:
            return error_response(request, 422, unread)
        headers = dict(exc.headers or {})
        allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
        if "GET" in allowed and "HEAD" not in allowed:  # HeadAsGet answers HEAD wherever GET is
            headers["Allow"] = ", ".join([*allowed, "HEAD"])
        return error_response(request, exc.status_code, str(exc.detail), headers or None)

    async def unexpected(request: Request, exc: Exception) -> Response:
        """A bug: a generic message, no traceback (Starlette re-raises it to the server's log)."""
        return error_response(request, 500, UNEXPECTED)

    app.add_exception_handler(RolediffError, known)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, unexpected)


def _unreadable_body(exc: StarletteHTTPException) -> str | None:
    """What was wrong with a body FastAPI could not read, or None for any other HTTP error.

    FastAPI turns ``json.loads`` failing on anything but a syntax error into a vague 400 ("There
    was an error parsing the body"), keeping the failure as the exception's cause: JSON nested
    deeper than Python's parser goes, bytes that are no Unicode, a number too long to read."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None or isinstance(cause, StarletteHTTPException):
        return None
    if isinstance(cause, RecursionError):
        return (
            "The request body is JSON nested too deeply to read (arrays or objects hundreds of"
            " levels inside one another): send one JSON object of text fields and lists of text."
        )
    if isinstance(cause, UnicodeDecodeError):
        return f"The request body is not UTF-8 text (byte {cause.start:,}): send JSON as UTF-8."
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        digits = sys.get_int_max_str_digits()
        return f"The request body holds a number too long to read (over {digits:,} digits)."
    return f"The request body cannot be read ({type(cause).__name__}): send one JSON object."


def _describe(error: Any, body: Any) -> str:
    if error.get("type") == "json_invalid" and isinstance(body, str):
        at = error["loc"][-1]  # FastAPI puts the decoder's offset there and the document in body
        line, column = body.count("\n", 0, at) + 1, at - body.rfind("\n", 0, at)
        return f"The request body is not valid JSON (line {line}, column {column})."
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "body"))
    message = error.get("msg", "invalid")
    if "Expected UploadFile" in message:  # a text field, or a file part without a file name
        message = "expected a file (a multipart part with a file name), got text"
    elif error.get("type") == "model_attributes_type" and not where:
        message = "the body must be a JSON object (Content-Type: application/json)"
    return f"{where or 'request'}: {message}"


def _docs(app: FastAPI) -> None:
    vendor = "/static/vendor"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI from the vendored copy (web/static/vendor), so it works offline."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui.css",
            swagger_favicon_url=f"{vendor}/swagger-ui-favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no calls to validator.swagger.io
        )


def _routes(app: FastAPI) -> None:
    def db(request: Request) -> str | Path | None:
        store: str | Path | None = request.app.state.db
        return store

    @app.get("/healthz", tags=["meta"])
    async def healthz() -> dict[str, str]:
        """Liveness: the app answers and which version it is."""
        return {"status": "ok", "version": __version__}

    @app.get(f"{API}/roles", tags=["roles"], responses=answers_as(list[RoleProfile]))
    async def roles() -> JSONBody:
        """Every role profile (``rolediff roles``)."""
        return JSONBody(answers.roles())

    @app.get(f"{API}/roles/{{role}}", tags=["roles"], responses=answers_as(RoleProfile))
    async def role(role: Annotated[str, PathParam(min_length=1, max_length=100)]) -> JSONBody:
        """One role profile (``rolediff role ROLE``)."""
        return JSONBody(answers.role(role))

    @app.get(f"{API}/compare", tags=["roles"], responses=answers_as(Comparison))
    def compare(
        request: Request,
        a: RoleParam,
        b: RoleParam,
        city: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    ) -> JSONBody:
        """Two roles on the article's five dimensions (``rolediff compare A B [--city]``)."""
        return JSONBody(answers.compare(a, b, city, db(request)).model_dump(mode="json"))

    @app.get(f"{API}/where", tags=["places"], responses=answers_as(Place))
    async def where(place: CityParam) -> JSONBody:
        """A place resolved to its city, metro, state and county (``rolediff where``)."""
        return JSONBody(answers.where(place).model_dump(mode="json"))

    @app.get(f"{API}/pay", tags=["pay"], responses=answers_as(TakeHome))
    async def pay(
        city: CityParam,
        salary: SalaryParam = None,
        role: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        percentile: PercentileParam = 50,
        year: YearParam = None,
        filing: FilingParam = "single",
        pretax: Annotated[Dollars, Query()] = 0.0,
        hsa: Annotated[Dollars, Query()] = 0.0,
        rent: Annotated[MonthlyCost | None, Query()] = None,
        living: Annotated[MonthlyCost | None, Query()] = None,
        bedrooms: BedroomsParam = 1,
    ) -> JSONBody:
        """Gross pay → taxes → monthly take-home in one place (``rolediff pay``)."""
        result = answers.pay(
            city=city,
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
        return JSONBody(result.model_dump(mode="json"))

    @app.get(f"{API}/cities", tags=["pay"], responses=answers_as(list[CityRow]))
    def cities(
        salary: SalaryParam = None,
        role: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        percentile: PercentileParam = 50,
        top: Annotated[Top | None, Query()] = None,
        state: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        sort: SortParam = "take_home",
        year: YearParam = None,
        filing: FilingParam = "single",
        bedrooms: BedroomsParam = 1,
    ) -> JSONBody:
        """Every US metro ranked by monthly take-home (``rolediff cities``)."""
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
        return JSONBody([r.model_dump(mode="json") for r in rows])

    @app.get(f"{API}/match", tags=["pay"], responses=answers_as(SalaryMatch))
    def match(
        salary: Annotated[Salary, Query()],
        from_place: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
        to_place: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
        year: YearParam = None,
        filing: FilingParam = "single",
        bedrooms: BedroomsParam = 1,
    ) -> JSONBody:
        """The salary needed elsewhere for the same take-home (``rolediff match``)."""
        result = answers.match(salary, from_place, to_place, year, filing, bedrooms)
        return JSONBody(result.model_dump(mode="json"))

    @app.post(f"{API}/postings/analyze", tags=["postings"], responses=answers_as(PostingAnalysis))
    def analyze(posting: PostingIn) -> JSONBody:
        """Classify one posting with evidence; its skills, pay, place and seniority."""
        from rolediff.postings.read import Given

        given = Given(**posting.model_dump(exclude={"text"}))
        result = answers.posting(posting.text, given)
        return JSONBody(result.model_dump(mode="json"))

    file_answers = answers_as(PostingAnalysis | list[PostingAnalysis])
    file_answers[200]["headers"] = {
        "X-Rolediff-Skipped": {
            "description": "The malformed records skipped, as `line: reason; ...` (when any).",
            "schema": {"type": "string"},
        }
    }

    @app.post(f"{API}/postings/analyze-file", tags=["postings"], responses=file_answers)
    def analyze_file(
        file: Annotated[UploadFile, File(description="Text, HTML, JSON, JSONL or CSV postings.")],
        strict: Annotated[
            bool, Query(description="Refuse the file if any record is malformed.")
        ] = False,
    ) -> JSONBody:
        """Every posting of an uploaded file, as ``rolediff posting FILE --format json``.
        Malformed records are skipped (listed in the ``X-Rolediff-Skipped`` header as
        ``line: reason``) unless ``strict``."""
        results, skipped = posting_upload(file, strict)
        return JSONBody(results, headers=skipped_header(skipped))

    @app.post(f"{API}/fit", tags=["fit"], responses=answers_as(FitReport))
    def fit(person: FitIn) -> JSONBody:
        """A person's score for every role, gaps and learning path (``rolediff fit``)."""
        result = answers.fit(
            skills=person.skills,
            resume_text=person.resume_text,
            target=person.target,
            from_role=person.from_role,
            to_role=person.to_role,
        )
        return JSONBody(result.model_dump(mode="json"))

    @app.post(f"{API}/fit/resume", tags=["fit"], responses=answers_as(FitReport))
    def fit_resume(
        file: Annotated[UploadFile, File(description="A résumé: .txt, .md, .pdf or .docx.")],
        target: Annotated[str | None, Form(max_length=100)] = None,
        from_role: Annotated[str | None, Form(max_length=100)] = None,
        to_role: Annotated[str | None, Form(max_length=100)] = None,
    ) -> JSONBody:
        """``rolediff fit --resume FILE``: the file is read in memory and never stored."""
        text = answers.resume(file.file.read(), file.filename or "resume.txt")
        result = answers.fit(resume_text=text, target=target, from_role=from_role, to_role=to_role)
        return JSONBody(result.model_dump(mode="json"))

    @app.get(
        f"{API}/market", tags=["market"], responses={**answers_as(MarketReport), **NO_STORE_ERROR}
    )
    def market(
        request: Request,
        role: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        vs: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        metro: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        since: Annotated[str | None, Query(min_length=1, max_length=20)] = None,
    ) -> JSONBody:
        """Market statistics from the store (``rolediff market report``)."""
        if not answers.has_market_store(db(request)):  # the server's to fix, not the client's
            raise StarletteHTTPException(503, NO_STORE)
        result = answers.market(db(request), role=role, vs=vs, metro=metro, since=since)
        return JSONBody(result.model_dump(mode="json"))

    @app.get(f"{API}/market/snapshot", tags=["market"], responses=answers_as(MarketSnapshot))
    def snapshot() -> JSONBody:
        """The bundled market snapshot: statistics of the development corpus."""
        return JSONBody(answers.snapshot().model_dump(mode="json"))

    @app.get(f"{API}/sources", tags=["data"], responses=answers_as(list[Dataset]))
    def data_sources() -> JSONBody:
        """The packaged datasets (``rolediff data sources``)."""
        return JSONBody(answers.datasets())

    @app.get(f"{API}/coverage", tags=["data"], responses=answers_as(list[CoverageEntry]))
    def coverage(
        kind: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    ) -> JSONBody:
        """What the tax engine models per jurisdiction (``rolediff data coverage``)."""
        return JSONBody([e.model_dump(mode="json") for e in answers.coverage(kind)])


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    db: str | Path | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the app with uvicorn until interrupted, after checking the store and the port and
    warming the caches; ``announce`` gets the address once the app is ready to start."""
    import socket

    import uvicorn

    app = create_app(db)
    try:  # a clear message (exit 2) instead of the server's own error when the port is taken
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise RolediffError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    answers.warm()
    if announce is not None:
        announce(f"http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")
