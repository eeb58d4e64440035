"""The REST API and the dashboard, in-process: same answers as the CLI, errors as JSON 4xx,
limits, escaping, and every page with its chart and its JSON twin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rolediff import market
from rolediff.api import RESUME_BODY_LIMIT, create_app

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


def test_market_without_a_store_is_a_clear_4xx_and_the_page_shows_the_snapshot(
    client: TestClient,
) -> None:
    response = client.get("/api/v1/market")
    assert response.status_code == 400
    assert "market ingest" in response.json()["error"]["message"]
    page = client.get("/market")
    assert page.status_code == 200
    assert "statistics bundled with rolediff" in page.text
    assert client.get("/market?format=json").json() == client.get("/api/v1/market/snapshot").json()


# --- pages: a JSON twin, a chart and an SVG fallback each ----------------------------------------

PAGES = [
    ("/", "/api/v1/roles"),
    ("/compare?a=devops&b=sre&city=Raleigh", "/api/v1/compare?a=devops&b=sre&city=Raleigh"),
    ("/cities?role=sre&top=10", "/api/v1/cities?role=sre&top=10"),
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
    svg = client.get(f"{page}{joiner}format=svg&chart=0")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")


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
        "/api/v1/fit", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_body.status_code == 422 and bad_body.json()["error"]["message"]


def test_error_messages_name_no_cli_flags(client: TestClient) -> None:
    """The library's messages reach HTTP clients too: they name parameters, not "--flags"."""
    responses = [
        client.get("/api/v1/pay?city=Raleigh"),
        client.get("/api/v1/market?since=March"),
        client.get("/api/v1/market?vs=sre"),
        client.get("/api/v1/market?vs=sre&role=sre"),
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


def test_bodies_over_the_limits_get_413(client: TestClient) -> None:
    big = "x" * 1_000_001
    response = client.post("/api/v1/postings/analyze", json={"text": big})
    assert response.status_code == 413 and "too large" in response.json()["error"]["message"]
    page = client.post("/posting", data={"text": big})
    assert page.status_code == 413
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
    assert client.get("/docs").status_code == 200
    assert "/api/v1/pay" in client.get("/openapi.json").json()["paths"]


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
