"""The REST API and the dashboard, in-process: same answers as the CLI, errors as JSON 4xx,
limits, escaping, and every page with its chart and its JSON twin."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import threading
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from rolediff import answers, market
from rolediff.api import RESUME_BODY_LIMIT, UNEXPECTED, create_app
from rolediff.errors import RolediffError

FIXTURES = Path(__file__).parent / "fixtures"
POSTINGS = FIXTURES / "postings"
RESUMES = FIXTURES / "resumes"
XSS = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app with no market store: the default store points where none exists."""
    missing = tmp_path_factory.mktemp("nostore") / "market.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEDIFF_MARKET_DB", str(missing))
        yield TestClient(create_app())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "market.duckdb"
    market.ingest([FIXTURES / "market" / "postings.jsonl"], db=db, workers=1)
    return db


def cli_json(cli: Any, *argv: str) -> Any:
    result = cli(*argv, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# --- the same answers as the CLI --------------------------------------------------------------

GET_CASES = [
    (["roles"], "/api/v1/roles"),
    (["role", "sre"], "/api/v1/roles/sre"),
    (["compare", "devops", "sre"], "/api/v1/compare?a=devops&b=sre"),
    (
        ["compare", "sre", "platform", "--city", "Raleigh, NC"],
        "/api/v1/compare?a=sre&b=platform&city=Raleigh,%20NC",
    ),
    (["where", "NYC"], "/api/v1/where?place=NYC"),
    (["pay", "--salary", "150000", "--city", "Raleigh"], "/api/v1/pay?salary=150000&city=Raleigh"),
    (
        ["pay", "--role", "sre", "--city", "New York, NY", "--filing", "mfj", "--year", "2025"],
        "/api/v1/pay?role=sre&city=New%20York,%20NY&filing=mfj&year=2025",
    ),
    (
        [
            "pay",
            "--salary",
            "90000",
            "--city",
            "Portland, OR",
            "--pretax",
            "5000",
            "--rent",
            "1500",
        ],
        "/api/v1/pay?salary=90000&city=Portland,%20OR&pretax=5000&rent=1500",
    ),
    (["cities", "--role", "sre", "--top", "10"], "/api/v1/cities?role=sre&top=10"),
    (
        ["pay", "--role", "sre", "--city", "Raleigh", "--percentile", "75"],
        "/api/v1/pay?role=sre&city=Raleigh&percentile=75",
    ),
    (
        ["cities", "--role", "devops", "--percentile", "90", "--top", "3"],
        "/api/v1/cities?role=devops&percentile=90&top=3",
    ),
    (
        ["cities", "--salary", "120000", "--state", "TX", "--sort", "gross"],
        "/api/v1/cities?salary=120000&state=TX&sort=gross",
    ),
    (
        ["match", "--salary", "150000", "--from", "San Francisco, CA", "--to", "Raleigh, NC"],
        "/api/v1/match?salary=150000&from=San%20Francisco,%20CA&to=Raleigh,%20NC",
    ),
    (["data", "sources"], "/api/v1/sources"),
    (["data", "coverage", "--kind", "local"], "/api/v1/coverage?kind=local"),
]


@pytest.mark.parametrize(("argv", "url"), GET_CASES, ids=[" ".join(a) for a, _ in GET_CASES])
def test_api_json_equals_cli_json(client: TestClient, cli: Any, argv: list[str], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == cli_json(cli, *argv)


def test_posting_analysis_equals_cli(client: TestClient, cli: Any) -> None:
    text = (POSTINGS / "sre.txt").read_text()
    response = client.post(
        "/api/v1/postings/analyze", json={"text": text, "title": "Site Reliability Engineer"}
    )
    assert response.status_code == 200, response.text
    expected = cli_json(
        cli, "posting", str(POSTINGS / "sre.txt"), "--title", "Site Reliability Engineer"
    )
    assert response.json() == expected


def test_the_boards_fields_read_alike_by_cli_api_and_dashboard(
    client: TestClient, cli: Any
) -> None:
    """Pay, employment type and level as a job board shows them beside a pasted posting."""
    path = POSTINGS / "devops.txt"
    board = {
        "title": "DevOps Engineer",
        "salary_text": "$120k - $150k a year",
        "job_type": "Contract",
        "job_level": "Entry level",
    }
    api = client.post("/api/v1/postings/analyze", json={"text": path.read_text(), **board})
    assert api.status_code == 200, api.text
    result = api.json()
    assert result["salary"]["annual_min"] == 120_000 and result["salary"]["source"] == "field"
    assert (result["employment_type"], result["seniority"]) == ("contract", "junior")
    flags = ["--title", board["title"], "--salary", board["salary_text"]]
    flags += ["--job-type", board["job_type"], "--job-level", board["job_level"]]
    assert cli_json(cli, "posting", str(path), *flags) == result
    form = {"text": path.read_text(), **board}
    assert client.post("/posting?format=json", data=form).json() == result
    page = client.post("/posting", data=form)
    assert 'name="job_level" value="Entry level"' in page.text
    bare = client.post(
        "/api/v1/postings/analyze", json={"text": path.read_text(), "title": board["title"]}
    ).json()
    assert (bare["salary"], bare["seniority"], bare["employment_type"]) == (
        None, None, "full_time"
    )  # fmt: skip


def test_posting_file_with_a_number_too_long_to_read_is_a_clear_400(client: TestClient) -> None:
    data = b'{"description": "SRE on-call", "x": ' + b"1" * 5_000 + b"}"
    response = client.post("/api/v1/postings/analyze-file", files={"file": ("a.json", data)})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Input holds a number too long to read (over 4,300 digits)."
    )


def test_posting_file_upload_equals_cli(client: TestClient, cli: Any) -> None:
    for name in ("batch.jsonl", "posting.html", "jobspy.csv"):
        data = (POSTINGS / name).read_bytes()
        response = client.post("/api/v1/postings/analyze-file", files={"file": (name, data)})
        assert response.status_code == 200, response.text
        assert response.json() == cli_json(cli, "posting", str(POSTINGS / name))
    batch = (POSTINGS / "batch.jsonl").read_bytes()
    skipped = client.post("/api/v1/postings/analyze-file", files={"file": ("b.jsonl", batch)})
    assert skipped.headers["x-rolediff-skipped"].startswith("3: invalid JSON")
    strict = client.post(
        "/api/v1/postings/analyze-file?strict=true", files={"file": ("b.jsonl", batch)}
    )
    assert strict.status_code == 400 and "malformed" in strict.json()["error"]["message"]


def test_fit_equals_cli(client: TestClient, cli: Any) -> None:
    response = client.post(
        "/api/v1/fit", json={"skills": ["linux", "docker", "k8s", "terraform"], "target": "sre"}
    )
    assert response.status_code == 200, response.text
    expected = cli_json(cli, "fit", "--skills", "linux, docker, k8s, terraform", "--target", "sre")
    assert response.json() == expected


@pytest.mark.parametrize("name", ["devops.pdf", "sre.docx", "sre.md"])
def test_fit_resume_upload_equals_cli(client: TestClient, cli: Any, name: str) -> None:
    data = (RESUMES / name).read_bytes()
    response = client.post(
        "/api/v1/fit/resume",
        files={"file": (name, data)},
        data={"from_role": "devops", "to_role": "sre"},
    )
    assert response.status_code == 200, response.text
    expected = cli_json(
        cli, "fit", "--resume", str(RESUMES / name), "--from", "devops", "--to", "sre"
    )
    assert response.json() == expected


def test_market_from_the_store_equals_cli(store: Path, cli: Any) -> None:
    client = TestClient(create_app(db=store))
    response = client.get("/api/v1/market?role=sre")
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(cli, "market", "report", "--db", str(store), "--role", "sre")
    page = client.get("/market?role=sre&format=json")
    assert page.json() == response.json()
    html = client.get("/market").text
    assert '<figure class="chart"' in html and "Postings per role" in html


def test_market_without_a_store_is_a_503_for_the_operator_and_the_page_shows_the_snapshot(
    client: TestClient,
) -> None:
    response = client.get("/api/v1/market")
    assert response.status_code == 503
    message = response.json()["error"]["message"]
    assert "rolediff market ingest" in message
    assert "/" not in message and "--" not in message  # no server path, no CLI flag
    filtered = client.get("/market?role=sre")
    assert filtered.status_code == 503 and filtered.headers["content-type"].startswith("text/html")
    assert "rolediff market ingest" in filtered.text
    page = client.get("/market")
    assert page.status_code == 200
    assert "statistics bundled with rolediff" in page.text
    assert client.get("/market?format=json").json() == client.get("/api/v1/market/snapshot").json()


# --- pages: a JSON twin, a chart and an SVG fallback each ----------------------------------------

PAGES = [
    ("/", "/api/v1/roles"),
    ("/compare?a=devops&b=sre&city=Raleigh", "/api/v1/compare?a=devops&b=sre&city=Raleigh"),
    ("/cities?role=sre&top=10", "/api/v1/cities?role=sre&top=10"),
    ("/cities", "/api/v1/cities?role=devops&top=25"),
    ("/pay?salary=150000&city=Raleigh", "/api/v1/pay?salary=150000&city=Raleigh"),
    ("/fit?skills=linux,docker,aws", None),
    ("/market", "/api/v1/market/snapshot"),
    ("/sources", None),
]


@pytest.mark.parametrize(("page", "twin"), PAGES, ids=[p for p, _ in PAGES])
def test_every_page_has_a_chart_a_json_twin_and_an_svg(
    client: TestClient, page: str, twin: str | None
) -> None:
    html = client.get(page)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    specs = re.findall(
        r'<script type="application/json" id="chart-\d+">(.*?)</script>', html.text, re.S
    )
    assert specs, "no chart on the page"
    for spec in specs:
        assert json.loads(spec)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert '<script src="/static/vendor/vega-lite.min.js">' in html.text
    assert "cdn" not in html.text.lower()
    joiner = "&" if "?" in page else "?"
    as_json = client.get(f"{page}{joiner}format=json")
    assert as_json.status_code == 200
    if twin is not None:
        assert as_json.json() == client.get(twin).json()
    link = re.search(r'<a id="json-twin" href="([^"]+)"', html.text)
    assert link, "no link to the JSON twin"
    assert client.get(unescape(link.group(1))).json() == as_json.json()
    svg = client.get(f"{page}{joiner}format=svg&chart=0")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")


class _Outline(HTMLParser):
    """What accessibility basics need of a page: headings, unlabelled fields, header cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.labels = 0
        self.unlabelled: list[str] = []
        self.bare_th = 0
        self.images_without_text = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self.labels += 1
        elif tag in ("input", "select", "textarea") and not self.labels:
            self.unlabelled.append(str(named.get("name")))
        elif tag == "th" and "scope" not in named:
            self.bare_th += 1
        elif (tag == "img" and not named.get("alt")) or (
            named.get("role") == "img" and not named.get("aria-label")
        ):
            self.images_without_text += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.labels -= 1


A11Y_PAGES = [page for page, _ in PAGES] + ["/posting", "/fit", "/pay?city=Atlantis&salary=1"]


@pytest.mark.parametrize("url", A11Y_PAGES)
def test_every_page_has_the_accessibility_basics(client: TestClient, url: str) -> None:
    page = client.get(url)
    outline = _Outline()
    outline.feed(page.text)
    assert re.search(r"<title>[^<]+ · rolediff</title>", page.text)
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    steps = zip(outline.headings, outline.headings[1:], strict=False)
    assert all(b <= a + 1 for a, b in steps), outline.headings  # no level skipped
    assert not outline.unlabelled, outline.unlabelled
    assert not outline.bare_th and not outline.images_without_text
    assert "javascript:" not in page.text


def test_fit_page_json_equals_the_api(client: TestClient) -> None:
    page = client.get("/fit?skills=linux,docker,aws&target=sre&format=json").json()
    api = client.post("/api/v1/fit", json={"skills": ["linux", "docker", "aws"], "target": "sre"})
    assert page == api.json()


def test_posting_form_shows_evidence_and_its_json_twin_equals_the_api(client: TestClient) -> None:
    text = (POSTINGS / "sre.txt").read_text()
    form = {"text": text, "title": "Site Reliability Engineer"}
    page = client.post("/posting", data=form)
    assert page.status_code == 200
    assert '<mark class="ev ev-' in page.text and '<mark class="skill"' in page.text
    assert "Reads as: <strong>sre</strong>" in page.text
    assert 'src="data:image/svg+xml;base64,' in page.text  # the SVG fallback travels inline
    twin = client.post("/posting?format=json", data=form).json()
    assert twin == client.post("/api/v1/postings/analyze", json=form).json()


def test_forms_accept_uploads(client: TestClient) -> None:
    data = (POSTINGS / "devops.txt").read_bytes()
    page = client.post(
        "/posting", files={"file": ("devops.txt", data)}, data={"title": "DevOps Engineer"}
    )
    assert page.status_code == 200 and "Reads as:" in page.text
    resume = (RESUMES / "sre.docx").read_bytes()
    fit = client.post("/fit", files={"resume": ("sre.docx", resume)}, data={"target": "sre"})
    assert fit.status_code == 200 and "How close you are to each role" in fit.text


@pytest.mark.parametrize("name", ["batch.jsonl", "jobspy.csv"])
def test_a_posting_file_on_the_dashboard_is_read_as_the_api_reads_it(
    client: TestClient, name: str
) -> None:
    """A JSONL or CSV file is many postings, not one posting's text: one row per record."""
    upload = {"file": (name, (POSTINGS / name).read_bytes())}
    api = client.post("/api/v1/postings/analyze-file", files=upload)
    twin = client.post("/posting?format=json", files=upload)
    assert twin.json() == api.json() and len(api.json()) > 1
    assert twin.headers.get("x-rolediff-skipped") == api.headers.get("x-rolediff-skipped")
    page = client.post("/posting", files=upload)
    assert page.status_code == 200
    postings = page.text.split("<h2>Postings</h2>", 1)[1].split("</section>", 1)[0]
    assert postings.count("<tr><td>") == len(api.json())
    assert 'id="posting-text"' not in page.text  # no file shown as one posting's text


def test_form_pages_asked_for_json_without_a_question_get_a_json_error(
    client: TestClient,
) -> None:
    fit = client.get("/fit?format=json")
    assert fit.status_code == 400
    assert fit.json() == client.post("/api/v1/fit", json={}).json()
    posting = client.get("/posting?format=json")
    assert posting.status_code == 400 and "POST its text" in posting.json()["error"]["message"]
    for form in ("/fit", "/posting"):  # the forms post to their twin with a second button
        assert f'formaction="{form}?format=json"' in client.get(form).text


def test_static_vega_is_vendored(client: TestClient) -> None:
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        response = client.get(f"/static/vendor/{name}")
        assert response.status_code == 200 and len(response.content) > 50_000
    assert client.get("/static/app.js").status_code == 200


# --- escaping, errors and limits ----------------------------------------------------------------


def test_script_in_a_posting_is_shown_as_text(client: TestClient) -> None:
    text = (
        f"Site reliability engineer. {XSS} Kubernetes, on-call, SLOs. <img src=x onerror=alert(1)>"
    )
    page = client.post("/posting", data={"text": text, "title": f"SRE {XSS}"})
    assert page.status_code == 200
    assert XSS not in page.text and "onerror=alert(1)>" not in page.text
    assert "&lt;script&gt;alert(" in page.text


def test_script_in_skills_is_shown_as_text(client: TestClient) -> None:
    page = client.get("/fit", params={"skills": f"linux, {XSS}"})
    assert page.status_code == 200
    assert XSS not in page.text
    assert "&lt;script&gt;" in page.text


def test_errors_are_json_with_a_message_and_a_4xx(client: TestClient) -> None:
    cases = {
        "/api/v1/compare?a=devops&b=nurse": 400,
        "/api/v1/compare?a=devops": 422,
        "/api/v1/pay?city=Atlantis&salary=100000": 400,
        "/api/v1/pay?city=Raleigh&role=sre&percentile=33": 400,
        "/api/v1/pay?city=Raleigh": 400,
        "/api/v1/pay?city=Raleigh&salary=-5": 422,
        "/api/v1/pay?city=Raleigh&salary=abc": 422,
        "/api/v1/pay?city=Raleigh&salary=100000&year=1999": 400,
        "/api/v1/cities?role=sre&sort=name": 422,
        "/api/v1/roles/nurse": 400,
        "/api/v1/nothing": 404,
    }
    for url, status in cases.items():
        response = client.get(url)
        assert response.status_code == status, (url, response.text)
        body = response.json()
        assert body["error"]["status"] == status and body["error"]["message"], url
    bad_body = client.post(
        "/api/v1/fit",
        content=b'{"skills": ["linux"],\n not json}',
        headers={"content-type": "application/json"},
    )
    assert bad_body.status_code == 422
    message = bad_body.json()["error"]["message"]
    assert message == "The request body is not valid JSON (line 2, column 2)."


def test_errors_under_api_are_json_and_on_pages_are_pages(client: TestClient) -> None:
    for url in ("/api", "/api/v2/roles", "/api/v1/nothing"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["error"]["status"] == 404, url
    wrong_method = client.post("/compare")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET, HEAD"
    assert wrong_method.headers["content-type"].startswith("text/html")
    assert client.post("/compare?format=json").json()["error"]["status"] == 405


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    head = client.head("/api/v1/roles")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(client.get("/api/v1/roles").content))
    assert client.head("/cities").status_code == 200
    assert client.head("/api/v1/fit").status_code == 405


PAGE_AND_API_VALUES = [
    ("/pay?year=99999", "/api/v1/pay?city=Raleigh&role=sre&year=99999"),
    ("/pay?percentile=12345", "/api/v1/pay?city=Raleigh&role=sre&percentile=12345"),
    ("/pay?salary=nan", "/api/v1/pay?city=Raleigh&salary=nan"),
    ("/pay?salary=100000&rent=-1", "/api/v1/pay?city=Raleigh&salary=100000&rent=-1"),
    ("/pay?bedrooms=9", "/api/v1/pay?city=Raleigh&role=sre&bedrooms=9"),
    ("/cities?top=0", "/api/v1/cities?role=devops&top=0"),
    ("/cities?sort=name", "/api/v1/cities?role=devops&sort=name"),
]


@pytest.mark.parametrize(
    ("page", "api"), PAGE_AND_API_VALUES, ids=[p for p, _ in PAGE_AND_API_VALUES]
)
def test_a_page_refuses_a_value_as_the_api_does(client: TestClient, page: str, api: str) -> None:
    expected = client.get(api)
    assert expected.status_code in (400, 422)
    assert client.get(f"{page}&format=json").json() == expected.json()
    shown = client.get(page)
    assert shown.status_code == expected.status_code
    assert escape_html(expected.json()["error"]["message"]) in shown.text


def escape_html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_a_salary_must_be_a_finite_number(client: TestClient) -> None:
    for value in ("nan", "inf"):
        message = client.get(f"/api/v1/pay?city=Raleigh&salary={value}").json()["error"]["message"]
        assert message == "salary: Input should be a finite number"


def test_a_page_form_takes_blank_fields_and_dollars(client: TestClient) -> None:
    page = client.get("/pay?city=Raleigh&salary=%24150%2C000&rent=&year=&bedrooms=")
    assert page.status_code == 200, page.text
    twin = client.get("/pay?city=Raleigh&salary=%24150%2C000&rent=&year=&bedrooms=&format=json")
    assert twin.json() == client.get("/api/v1/pay?city=Raleigh&salary=150000").json()


@pytest.mark.parametrize("typed", ["120k", "$120,000", "120,000", "$120K", " 1.2e5 "])
def test_a_page_form_reads_a_salary_as_the_cli_does(client: TestClient, typed: str) -> None:
    api = client.get("/api/v1/pay?city=Raleigh&salary=120000").json()
    for page in ("/pay", "/cities"):
        shown = client.get(page, params={"city": "Raleigh", "salary": typed})
        assert shown.status_code == 200, shown.text
        assert 'name="salary" value="120000"' in shown.text  # read, and shown as a number
    twin = client.get("/pay", params={"city": "Raleigh", "salary": typed, "format": "json"})
    assert twin.status_code == 200 and twin.json() == api
    ranked = client.get("/cities", params={"salary": typed, "top": "2", "format": "json"})
    assert ranked.json() == client.get("/api/v1/cities?salary=120000&top=2").json()


def test_every_dollar_field_of_a_form_reads_commas_dollar_signs_and_k(client: TestClient) -> None:
    typed = {"salary": "$100k", "pretax": "$20,000", "hsa": "4k", "rent": "$1,500"}
    twin = client.get(
        "/pay", params={"city": "Raleigh", **typed, "living": "1,000", "format": "json"}
    )
    assert twin.status_code == 200, twin.text
    plain = "salary=100000&pretax=20000&hsa=4000&rent=1500&living=1000"
    assert twin.json() == client.get(f"/api/v1/pay?city=Raleigh&{plain}").json()


@pytest.mark.parametrize(
    ("page", "field"), [("/pay", "salary"), ("/pay", "rent"), ("/cities", "salary")]
)
def test_a_form_amount_that_is_no_amount_gets_the_cli_message_and_keeps_the_input(
    client: TestClient, cli: Any, page: str, field: str
) -> None:
    said = cli("pay", "--city", "Raleigh", "--salary", "12x")
    assert said.code == 2
    (line,) = [line for line in said.err.splitlines() if line.startswith("Error:")]
    message = line.split(": ", 2)[-1]  # after "Error: Invalid value for '--salary' / '-s'"
    assert message.startswith("'12x' is not an amount of dollars")
    query = {"city": "Raleigh", "salary": "100000", field: "12x", "state": "NC"}
    shown = client.get(page, params=query)
    assert shown.status_code == 422 and shown.headers["content-type"].startswith("text/html")
    assert f'role="alert" data-status="422">{escape_html(f"{field}: {message}")}<' in shown.text
    assert f'name="{field}" value="12x"' in shown.text  # the form as it was filled
    twin = client.get(page, params={**query, "format": "json"})
    assert twin.status_code == 422
    assert twin.json() == {"error": {"status": 422, "message": f"{field}: {message}"}}


def test_characters_that_do_not_print_are_shown_escaped_in_every_message(
    client: TestClient,
) -> None:
    """Whether the library quoted the input with repr ('\\x00') or as is (a raw NUL)."""
    for url in ("/api/v1/where?place=%00", "/api/v1/coverage?kind=%00"):
        message = client.get(url).json()["error"]["message"]
        assert "'\\x00'" in message and "\x00" not in message, url
    page = client.get("/pay?city=%00&salary=1")
    assert "&#39;\\x00&#39;" in page.text and "\x00" not in page.text


def test_an_unexpected_error_is_a_500_with_a_generic_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The safety net for bugs: no plain-text 500, no traceback or detail for the client."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded in /srv/secret.py")

    monkeypatch.setattr(answers, "roles", broken)
    monkeypatch.setattr(answers, "snapshot", broken)
    client = TestClient(create_app(), raise_server_exceptions=False)
    api = client.get("/api/v1/roles")
    assert api.status_code == 500
    assert api.json() == {"error": {"status": 500, "message": UNEXPECTED}}
    page = client.get("/")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert UNEXPECTED in page.text and "secret" not in page.text
    assert client.get("/?format=json").json()["error"]["status"] == 500


def test_a_pdf_posting_upload_is_refused_as_the_cli_refuses_it(
    client: TestClient, cli: Any, tmp_path: Path
) -> None:
    fake = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    (tmp_path / "job.pdf").write_bytes(fake)
    refused = cli("posting", str(tmp_path / "job.pdf"))
    assert refused.code == 2 and "is a PDF; give the text" in refused.err
    message = "job.pdf is a PDF; give the text (or HTML, JSON, CSV) instead."
    for name in ("job.pdf", "job.txt"):  # the content says PDF, whatever the name
        upload = {"file": (name, fake)}
        api = client.post("/api/v1/postings/analyze-file", files=upload)
        assert api.status_code == 400
        assert api.json()["error"]["message"] == message.replace("job.pdf", name)
    page = client.post("/posting", files={"file": ("job.pdf", fake)})
    assert page.status_code == 400 and message in page.text


# Uploads whose handling is slow: each route's slow call, and the form field of its file.
SLOW_UPLOADS = [
    ("/api/v1/fit/resume", "resume", "file"),
    ("/fit", "resume", "resume"),
    ("/api/v1/postings/analyze-file", "posting_file", "file"),
    ("/posting", "posting_file", "file"),
]


@pytest.mark.parametrize(
    ("url", "slow", "field"), SLOW_UPLOADS, ids=[u for u, _, _ in SLOW_UPLOADS]
)
def test_a_slow_upload_does_not_hold_up_other_requests(
    monkeypatch: pytest.MonkeyPatch, url: str, slow: str, field: str
) -> None:
    released = threading.Event()

    def stuck(*args: Any) -> Any:
        released.wait(5)  # blocks the event loop for 5 s if the route runs on it
        raise RolediffError("released")

    monkeypatch.setattr(answers, slow, stuck)

    async def meanwhile() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            upload = asyncio.create_task(client.post(url, files={field: ("a.txt", b"linux")}))
            await asyncio.sleep(0.3)  # the upload reaches its handler
            health = await client.get("/healthz")
            answered_first = not upload.done()
            released.set()
            return health.status_code, answered_first, (await upload).status_code

    assert asyncio.run(meanwhile()) == (200, True, 400)


def test_only_quick_routes_run_on_the_event_loop() -> None:
    """Every route with uploads, a market store or more than a few ms of work runs in threads."""
    on_loop = {
        route.name
        for route in create_app().routes
        if isinstance(route, APIRoute) and inspect.iscoroutinefunction(route.endpoint)
    }
    assert on_loop == {"healthz", "roles", "role", "where", "pay", "docs"}


def test_error_messages_name_no_cli_flags(client: TestClient, store: Path) -> None:
    """The library's messages reach HTTP clients too: they name parameters, not "--flags"."""
    with_store = TestClient(create_app(db=store))
    responses = [
        client.get("/api/v1/pay?city=Raleigh"),
        with_store.get("/api/v1/market?since=March"),
        with_store.get("/api/v1/market?vs=sre"),
        with_store.get("/api/v1/market?vs=sre&role=sre"),
        client.post("/api/v1/fit", json={}),
        client.post("/api/v1/fit", json={"from_role": "devops"}),
        client.post("/api/v1/fit", json={"from_role": "sre", "to_role": "sre"}),
    ]
    for response in responses:
        assert response.status_code == 400, response.text
        assert "--" not in response.json()["error"]["message"], response.text


def test_page_errors_are_pages_with_the_message(client: TestClient) -> None:
    response = client.get("/compare?a=devops&b=nurse")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "nurse" in response.text
    fmt = client.get("/compare?a=devops&b=sre&format=xml")
    assert fmt.status_code == 400 and "format must be html, json or svg" in fmt.text


def test_a_form_page_with_an_error_shows_the_message_above_the_input_as_given(
    client: TestClient,
) -> None:
    """No JavaScript "Back" needed: the form comes back filled in as the asker left it."""
    pay = client.get("/pay?city=Atlantis&salary=%24100%2C000&role=sre")
    assert pay.status_code == 400
    assert '<p class="error" role="alert" data-status="400">Unknown place' in pay.text
    assert 'name="city" value="Atlantis"' in pay.text and 'value="$100,000"' in pay.text
    assert '<option value="sre" selected>' in pay.text
    assert '<option value="50" selected>' in pay.text  # the defaults, not the first option
    assert '<option value="1" selected>' in pay.text
    assert "<title>Error: Take-home pay" in pay.text and "javascript:" not in pay.text
    refused = client.get("/cities?top=abc&state=NC")  # refused before the page runs
    assert refused.status_code == 422
    assert 'name="top" value="abc"' in refused.text and 'name="state" value="NC"' in refused.text
    pdf = {"file": ("job.pdf", b"%PDF-1.4\n")}
    posting = client.post("/posting", data={"text": f"keep {XSS}", "title": "SRE"}, files=pdf)
    assert posting.status_code == 400 and "is a PDF" in posting.text
    assert f"keep {escape_html(XSS)}</textarea>" in posting.text
    assert 'name="title" value="SRE"' in posting.text
    long_title = client.post("/posting", data={"text": "keep", "title": "t" * 1_001})
    assert long_title.status_code == 422 and ">keep</textarea>" in long_title.text
    fit = client.post(
        "/fit", data={"skills": "linux, k8s", "target": "sre"}, files={"resume": ("cv.exe", b"MZ")}
    )
    assert fit.status_code == 400 and "cannot read" in fit.text
    assert 'value="linux, k8s"' in fit.text and '<option value="sre" selected>' in fit.text
    for url in ("/nothing", "/market?role=sre"):  # no form to show: the message alone
        alone = client.get(url)
        assert "<form" not in alone.text and '<p class="error" role="alert"' in alone.text


@pytest.mark.parametrize("chart", ["\u00b2", "\u0661", "-1", "", "1"])
def test_a_chart_number_not_on_the_page_is_refused(client: TestClient, chart: str) -> None:
    response = client.get("/", params={"format": "svg", "chart": chart})
    assert response.status_code == 400 and "chart=0..0" in response.text


def test_malformed_bodies_get_a_422_that_says_what_to_send(client: TestClient) -> None:
    as_text = client.post("/api/v1/fit/resume", data={"file": "linux, docker"})
    assert as_text.json()["error"]["message"] == (
        "file: expected a file (a multipart part with a file name), got text"
    )
    for body in ({"content": b"[1]"}, {"data": {"text": "sre"}}):
        response = client.post("/api/v1/postings/analyze", **body)  # type: ignore[arg-type]
        assert response.status_code == 422
        assert "the body must be a JSON object" in response.json()["error"]["message"]
    many = client.post("/api/v1/fit", json={"skills": ["x" * 201] * 2_000})
    message = many.json()["error"]["message"]
    assert message.endswith("; and 1,995 more") and len(message) < 500


def test_the_spec_documents_the_skipped_records_header(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/v1/postings/analyze-file"]["post"]["responses"]["200"]
    assert "X-Rolediff-Skipped" in ok["headers"]


def test_bodies_over_the_limits_get_413(client: TestClient) -> None:
    big = "x" * 1_000_001
    response = client.post("/api/v1/postings/analyze", json={"text": big})
    assert response.status_code == 413 and "too large" in response.json()["error"]["message"]
    page = client.post("/posting", data={"text": big})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "too large" in page.text
    twin = client.post("/posting?format=json", data={"text": big})
    assert twin.status_code == 413 and "too large" in twin.json()["error"]["message"]
    huge = b"a" * (RESUME_BODY_LIMIT + 1)
    resume = client.post("/api/v1/fit/resume", files={"file": ("cv.txt", huge)})
    assert resume.status_code == 413

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(12):
            yield b"y" * 100_000

    streamed = client.post(
        "/api/v1/postings/analyze", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


def test_a_scanned_resume_gets_the_no_text_message(client: TestClient) -> None:
    data = (RESUMES / "scanned.pdf").read_bytes()
    response = client.post("/api/v1/fit/resume", files={"file": ("scanned.pdf", data)})
    assert response.status_code == 400
    assert "no text layer" in response.json()["error"]["message"]


def test_no_route_takes_a_file_path(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    names = {
        p["name"].lower()
        for path in spec["paths"].values()
        for op in path.values()
        for p in op.get("parameters", [])
    }
    assert not names & {"db", "path", "file_path", "store", "output", "dir"}


def test_healthz_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert "/api/v1/pay" in client.get("/openapi.json").json()["paths"]


def test_the_api_docs_are_served_from_vendored_files(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assets = re.findall(r"""(?:href|src)=["']([^"']+)["']|url: ["']([^"']+)["']""", docs.text)
    urls = [a or b for a, b in assets]
    assert "/static/vendor/swagger-ui-bundle.js" in urls and "/openapi.json" in urls
    for url in urls:
        assert url.startswith("/"), url  # nothing from a CDN
        assert client.get(url).status_code == 200, url
    assert "http" not in docs.text.replace("http-equiv", "")
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN


def test_a_missing_store_is_refused_when_the_app_is_made(tmp_path: Path) -> None:
    from rolediff.errors import RolediffError

    with pytest.raises(RolediffError, match="No market store"):
        create_app(db=tmp_path / "none.duckdb")


def test_serve_refuses_a_taken_port_with_a_clear_message() -> None:
    import socket

    from rolediff.api import serve
    from rolediff.errors import RolediffError

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(RolediffError, match=f"Cannot listen on 127.0.0.1:{port}"):
            serve(port=port)


def test_serve_binds_loopback_by_default() -> None:
    import inspect

    from rolediff.api import serve
    from rolediff.cli import serve_command

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(serve_command).parameters["host"].default == "127.0.0.1"


def test_the_shareable_report_page_is_the_cli_report(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/report?a=devops&b=sre&city=Raleigh")
    assert page.status_code == 200 and page.text.count("<svg") >= 2
    assert "<script" not in page.text and 'src="http' not in page.text
    assert 'filename="rolediff-devops-vs-sre.html"' in page.headers["content-disposition"]
    as_json = client.get("/report?a=devops&b=sre&city=Raleigh&format=json").json()
    assert as_json["comparison"] == client.get("/api/v1/compare?a=devops&b=sre&city=Raleigh").json()
    assert client.get("/report?a=devops&b=nurse").status_code == 400


def test_the_compare_take_home_chart_is_in_dollars_a_month(client) -> None:  # type: ignore[no-untyped-def]
    """Its axis had neither title nor "$" (drawn by the chart for 0-100 scores)."""
    svg = client.get("/compare?a=devops&b=sre&city=Raleigh%2C+NC&format=svg&chart=1").text
    assert "$/month" in svg and "$4,000" in svg


def test_the_cities_chart_names_the_role_whose_salary_it_estimates(client) -> None:  # type: ignore[no-untyped-def]
    svg = client.get("/cities?role=sre&top=3&format=svg&chart=0").text
    assert "estimated SRE salary" in svg
    same = client.get("/cities?salary=120000&top=3&format=svg&chart=0").text
    assert "$120,000 a year" in same and "estimated" not in same


def test_percentiles_and_bedrooms_offered_are_the_datas(client: TestClient) -> None:
    from rolediff.pay.estimate import percentiles
    from rolediff.pay.living import bedroom_counts

    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/pay"]["get"]["parameters"]}
    assert params["percentile"]["schema"]["enum"] == list(percentiles())
    bounds = params["bedrooms"]["schema"]
    assert (bounds["minimum"], bounds["maximum"]) == (min(bedroom_counts()), max(bedroom_counts()))
    page = client.get("/pay").text
    for p in percentiles():
        assert f'<option value="{p}"' in page
    for b in bedroom_counts():
        assert f'<option value="{b}"' in page


def _selected(html: str) -> dict[str, str | None]:
    """Each select of a page's form and the value it sends as shown (None: the browser's first)."""
    chosen: dict[str, str | None] = {}
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        picked = re.search(r'<option value="([^"]*)" selected', options)
        chosen[name] = picked.group(1) if picked else None
    return chosen


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/pay?filing=mfj&role=Platform", {"filing": "married_joint", "role": "platform"}),
        ("/cities?role=SRE&filing=hoh", {"filing": "head_of_household", "role": "sre"}),
        (
            "/fit?skills=linux&target=SRE&from_role=DevOps&to_role=Site%20Reliability%20Engineer",
            {"target": "sre", "from_role": "devops", "to_role": "sre"},
        ),
    ],
)
def test_a_form_shown_with_its_answer_sends_the_same_question_again(
    client: TestClient, url: str, expected: dict[str, str]
) -> None:
    """A role or filing status written as the API takes it ("mfj", "SRE") was selected in no
    list, so the browser showed the first option ("single", "(use salary)") and the next
    submit asked another question."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    chosen = _selected(page.text)
    assert {name: chosen[name] for name in expected} == expected


def test_a_form_shown_with_an_error_keeps_a_choice_its_list_does_not_hold(
    client: TestClient,
) -> None:
    page = client.get("/pay?city=Atlantis&role=nurse&filing=mfj")
    assert page.status_code == 400
    assert _selected(page.text)["role"] == "nurse" and _selected(page.text)["filing"] == "mfj"


def test_the_cities_page_takes_the_tax_year_as_its_api_does(client: TestClient) -> None:
    """The page dropped ``year``: its twin answered for the latest year, unlike the API."""
    api = client.get("/api/v1/cities?salary=100000&year=2023&top=25").json()
    twin = client.get("/cities?salary=100000&year=2023&format=json").json()
    assert twin == api
    assert twin != client.get("/cities?salary=100000&format=json").json()
    page = client.get("/cities?salary=100000&year=2023")
    assert 'name="year" value="2023"' in page.text


def test_an_empty_fit_form_sent_says_what_to_give(client: TestClient) -> None:
    """Sending the form with no skills, résumé or roles showed the empty form again, silently."""
    page = client.post("/fit", data={"skills": " ", "target": "sre"})
    assert page.status_code == 400
    assert '<p class="error" role="alert" data-status="400">Give your skills' in page.text
    assert _selected(page.text)["target"] == "sre"
    assert client.get("/fit").status_code == 200  # a first visit is the form alone


def test_the_market_page_json_link_keeps_its_filters(store: Path) -> None:
    client = TestClient(create_app(db=store))
    page = client.get("/market?role=SRE&since=2024-01")
    assert page.status_code == 200, page.text
    links = re.findall(r'<p class="json"><a href="([^"]+)">JSON</a>', page.text)
    assert links, "no JSON link"
    shown = client.get(unescape(links[0])).json()
    assert shown == client.get("/api/v1/market?role=sre&since=2024-01").json()
    assert _selected(page.text)["role"] == "sre"
    assert _selected(client.get("/market?role=other").text)["role"] == "other"


def test_many_malformed_records_are_counted_not_all_listed(client: TestClient) -> None:
    upload = {"file": ("x.jsonl", b'{"description": "sre kubernetes"}\n' + b"oops\n" * 500)}
    header = client.post("/api/v1/postings/analyze-file", files=upload).headers
    assert header["x-rolediff-skipped"].endswith("; and 480 more")
    page = client.post("/posting", files=upload)
    assert page.status_code == 200 and "and 480 more</p>" in page.text
    assert page.text.count("invalid JSON") == 20


def test_a_page_without_a_chart_says_so_when_asked_for_one(client: TestClient) -> None:
    """Cloud and Platform have no published salaries: no chart, and no "chart=0..-1"."""
    page = client.get("/compare?a=cloud&b=platform")
    assert page.status_code == 200 and 'class="chart"' not in page.text
    svg = client.get("/compare?a=cloud&b=platform&format=svg&chart=0")
    assert svg.status_code == 400 and "This page has no chart" in svg.text
    assert "-1" not in svg.text


def test_a_wrong_method_lists_head_where_get_is_answered(client: TestClient) -> None:
    refused = client.delete("/api/v1/roles")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"
    assert client.head("/api/v1/roles").status_code == 200
    assert client.get("/api/v1/postings/analyze").headers["allow"] == "POST"


# --- bodies that cannot be read, links, forms sent too large ---------------------------------

UNREADABLE_BODIES = [
    (b"[" * 100_000 + b"]" * 100_000, "is JSON nested too deeply to read"),
    (b'{"skills": ' + b'{"a": ' * 5_000 + b"1" + b"}" * 5_001, "is JSON nested too deeply"),
    (b'{"skills": ["linux \xff"]}', "is not UTF-8 text (byte 19)"),
    (b'{"skills": [' + b"1" * 5_000 + b"]}", "holds a number too long to read (over 4,300"),
]


@pytest.mark.parametrize(
    ("body", "said"), UNREADABLE_BODIES, ids=["array", "object", "utf8", "number"]
)
def test_a_body_json_cannot_read_gets_a_422_saying_why(
    client: TestClient, body: bytes, said: str
) -> None:
    """FastAPI answered these with a vague 400: "There was an error parsing the body"."""
    for url in ("/api/v1/fit", "/api/v1/postings/analyze"):
        response = client.post(url, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["status"] == 422 and error["message"].startswith("The request body ")
        assert said in error["message"]


def test_a_page_links_carry_only_the_parameters_it_reads(client: TestClient) -> None:
    """``?foo=<junk>`` went into the page's JSON link and every chart's SVG link."""
    page = client.get("/cities", params={"role": "sre", "top": "3", "foo": XSS, "utm_x": "1"})
    assert page.status_code == 200, page.text
    links = [unescape(u) for u in re.findall(r'(?:href|src)="([^"]*format=[^"]*)"', page.text)]
    assert len(links) >= 3, links  # the twin, the chart's fallback image and its download
    for link in links:
        assert "foo" not in link and "utm_x" not in link and "script" not in link, link
        assert "role=sre" in link and "top=3" in link, link
    twin = next(u for u in links if "format=json" in u)
    assert client.get(twin).json() == client.get("/api/v1/cities?role=sre&top=3").json()
    for url in ("/?zq=1", "/fit?skills=linux&zq=1", "/pay?city=Raleigh&zq=1&salary=1e5"):
        shown = client.get(url)
        assert shown.status_code == 200 and "zq=" not in shown.text, url


def _textarea(html: str) -> str:
    found = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no posting text field"
    return unescape(found.group(1))


def test_a_posting_form_sent_too_large_comes_back_filled_in(client: TestClient) -> None:
    """A 413 showed the form empty: a pasted posting just over the limit was lost."""
    text = "Kubernetes on-call, SLOs; é " * 45_000  # 1.3 MB: over the page's 1,000,000 bytes
    sent = {"text": text, "title": "SRE <b>", "location": "Austin, TX"}
    for files in (None, {"file": ("", b"")}):  # urlencoded, and multipart as a browser sends it
        page = client.post("/posting", data=sent, files=files)  # type: ignore[arg-type]
        assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
        alert = unescape(re.search(r'role="alert"[^>]*>([^<]*)', page.text).group(1))  # type: ignore[union-attr]
        assert alert.startswith("Request body too large: at most 1,000,000 bytes here")
        assert re.search(r"The posting text is [\d,]+ bytes \(", alert), alert
        assert f"({len(text):,} characters): it is shown again below" in alert
        assert "Your other fields are kept" in alert
        assert _textarea(page.text) == text
        assert 'name="title" value="SRE &lt;b&gt;"' in page.text
        assert 'name="location" value="Austin, TX"' in page.text
    twin = client.post("/posting?format=json", data=sent)
    assert twin.status_code == 413
    assert (
        twin.json()["error"]["message"] == "Request body too large: at most 1,000,000 bytes here."
    )


def test_a_file_too_large_for_a_form_is_named_and_the_other_fields_kept(
    client: TestClient,
) -> None:
    cv = {"resume": ("cv.pdf", b"%PDF-1.4\n" + b"x" * (RESUME_BODY_LIMIT + 10))}
    page = client.post("/fit", data={"skills": "linux, k8s", "target": "sre"}, files=cv)
    assert page.status_code == 413, page.text
    assert f"The file cv.pdf is {RESUME_BODY_LIMIT + 19:,} bytes: choose a smaller one" in page.text
    assert "a browser does not let a page choose a file again" in page.text
    assert 'value="linux, k8s"' in page.text and '<option value="sre" selected>' in page.text
    posting = {"file": ("jobs.csv", b"title\n" + b"x" * 1_000_000)}
    shown = client.post("/posting", data={"text": "keep me"}, files=posting)
    assert shown.status_code == 413 and "The file jobs.csv is 1,000,006 bytes" in shown.text
    assert _textarea(shown.text) == "keep me"


def test_a_form_far_too_large_is_refused_unread_and_says_so(client: TestClient) -> None:
    cv = {"resume": ("cv.pdf", b"x" * (4 * RESUME_BODY_LIMIT + 1))}
    page = client.post("/fit", data={"skills": "linux"}, files=cv)
    assert page.status_code == 413 and '<form method="post" action="/fit"' in page.text
    assert "is not read at all, so what you entered cannot be shown again" in page.text


def test_a_form_streamed_too_large_comes_back_filled_in(client: TestClient) -> None:
    def chunks() -> Any:  # no Content-Length: counted as it arrives
        yield b"title=SRE&text="
        for _ in range(12):
            yield b"y" * 100_000

    page = client.post(
        "/posting", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert page.status_code == 413
    assert "sent 1,200,015" in page.text and "The posting text is 1,200,000 bytes" in page.text
    assert _textarea(page.text) == "y" * 1_200_000 and 'name="title" value="SRE"' in page.text


def test_the_form_reader_reads_a_body_however_it_is_cut() -> None:
    from rolediff.web.salvage import FormSalvage

    boundary = "----b0undary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\nSRE, é\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="a b.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n" + "z" * 300 + f"\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="text"\r\n\r\nline 1\r\nline 2\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    for step in (1, 7, 64, len(body)):
        form = FormSalvage(f"multipart/form-data; boundary={boundary}")
        for at in range(0, len(body), step):
            form.feed(body[at : at + step])
        assert form.fields() == {"title": "SRE, é", "text": "line 1\r\nline 2"}, step
        assert [(p.filename, p.size) for p in form.parts if p.filename] == [("a b.txt", 300)]
        assert not form.broken and form.received == len(body)
    encoded = b"title=SRE%2C+%C3%A9&empty=&text=a+b%26c"
    form = FormSalvage("application/x-www-form-urlencoded")
    for at in range(len(encoded)):
        form.feed(encoded[at : at + 1])
    assert form.fields() == {"title": "SRE, é", "empty": "", "text": "a b&c"}
    cut = FormSalvage(f"multipart/form-data; boundary={boundary}")
    cut.feed(body[: body.index(b"zzz")])
    assert cut.fields() == {"title": "SRE, é"} and cut.broken
    assert not FormSalvage("application/json").is_form


def test_a_form_page_sent_json_says_it_reads_forms(client: TestClient) -> None:
    """JSON posted to /fit read as an empty form: "Give your skills", though they were sent."""
    for page, api in (("/fit", "/api/v1/fit"), ("/posting", "/api/v1/postings/analyze")):
        sent = client.post(page, json={"skills": ["linux"], "text": "sre"})
        assert sent.status_code == 415 and sent.headers["content-type"].startswith("text/html")
        assert f"not application/json; to send JSON, POST it to {api}." in sent.text
        twin = client.post(
            f"{page}?format=json", content=b"linux", headers={"content-type": "text/plain"}
        )
        assert twin.status_code == 415 and "not text/plain" in twin.json()["error"]["message"]
    assert client.post("/fit", data={"skills": "linux"}).status_code == 200
    assert client.post("/fit").status_code == 400  # no body at all: an empty form
