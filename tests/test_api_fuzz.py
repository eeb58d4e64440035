"""schemathesis against the app's own OpenAPI spec: whatever it generates, no answer is a 5xx,
and every answer matches its documented status code, content type and schema.

Two of schemathesis' checks are left out on purpose: ``positive_data_acceptance`` (a query the
schema allows may still name a place or role that does not exist: that is a 400 with a message,
not a 2xx) and ``negative_data_rejection`` (multipart fields are text on the wire, and an
oversized body is rightly a 413, which that check does not expect).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from rolediff import market
from rolediff.api import create_app

_POSTINGS = Path(__file__).parent / "fixtures" / "market" / "postings.jsonl"
_STORE = tempfile.TemporaryDirectory(prefix="rolediff-fuzz-")  # removed when the run ends
_DB = Path(_STORE.name) / "market.duckdb"
market.ingest([_POSTINGS], db=_DB, workers=1)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db=_DB))


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_answers_match_the_spec(case: schemathesis.Case) -> None:
    response = case.call_and_validate(
        excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )
    assert response.status_code < 500


def test_the_spec_lists_every_api_route() -> None:
    paths = set(schema.raw_schema["paths"])
    assert {
        "/api/v1/compare",
        "/api/v1/pay",
        "/api/v1/cities",
        "/api/v1/postings/analyze",
        "/api/v1/fit",
        "/api/v1/market",
    } <= paths
    assert not [p for p in paths if not p.startswith(("/api/v1/", "/healthz"))]


@pytest.fixture(autouse=True)
def _quiet_market_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROLEDIFF_MARKET_DB", str(tmp_path / "none.duckdb"))
