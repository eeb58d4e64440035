"""Posting analysis end to end: reading formats, classification with evidence, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rolediff.errors import RolediffError
from rolediff.postings.analyze import analyze_posting, analyze_postings
from rolediff.postings.classify import classify
from rolediff.postings.features import ROLES, mentions, title_roles
from rolediff.postings.read import Malformed, RawPosting, read_postings, sniff, strip_html

FIXTURES = Path(__file__).parent / "fixtures" / "postings"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "role"), [("sre.txt", "sre"), ("devops.txt", "devops"), ("other.txt", "other")]
)
def test_classifies_from_the_description_alone(name: str, role: str) -> None:
    result = classify(fixture(name))
    assert result.role == role
    assert set(result.scores) == set(ROLES)
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-3)


def test_evidence_explains_the_answer() -> None:
    text = fixture("sre.txt")
    result = classify(text)
    kinds = {e.kind for e in result.evidence}
    assert {"phrase", "term", "skill"} <= kinds
    phrase = next(e for e in result.evidence if e.kind == "phrase")
    assert phrase.role == "sre"
    for start, stop in phrase.spans:
        assert "reliability" in text[start:stop].lower() or "sre" in text[start:stop].lower()


def test_title_is_extra_evidence_and_two_families_make_a_hybrid() -> None:
    text = (
        "You will run Kubernetes clusters on AWS, automate with Terraform and Python, "
        "and monitor services with Prometheus and Grafana."
    )
    assert classify(text, title="Site Reliability Engineer").role == "sre"
    assert classify(text, title="DevOps Engineer").role == "devops"
    both = classify(text, title="DevOps / SRE Engineer")
    assert both.hybrid and set(both.hybrid_of) == {"devops", "sre"}
    assert title_roles("Senior DevSecOps Engineer") == ["devsecops"]
    assert title_roles("Cloud Platform Engineer") == ["platform"]
    assert title_roles("Accountant") == []


def test_mentions_find_role_phrases() -> None:
    found = mentions("Join our SRE team. DevOps engineers and the platform team; cloud costs.")
    assert [(m.role, m.is_role) for m in found] == [
        ("sre", True),
        ("devops", True),
        ("platform", True),
        ("cloud", False),
    ]


def test_analyze_posting_extracts_everything() -> None:
    result = analyze_posting(fixture("sre.txt"), title="Senior SRE")
    assert result.role == "sre"
    assert {"slo", "kubernetes", "terraform", "prometheus"} <= {s.id for s in result.skills}
    assert result.salary is not None and result.salary.annual_min == 150000
    assert result.location is not None and result.location.remote == "remote"
    assert result.seniority == "senior"
    assert result.model_version


@pytest.mark.parametrize("bad", ["", "   ", "x" * 1_000_001])
def test_empty_or_huge_posting_is_a_clear_error(bad: str) -> None:
    with pytest.raises(RolediffError):
        analyze_posting(bad)


def test_batch_keeps_order_and_reports_malformed_lines() -> None:
    records = list(read_postings(fixture("batch.jsonl"), "jsonl"))
    bad = [r for r in records if isinstance(r, Malformed)]
    assert [(m.line, m.reason.split(" (")[0]) for m in bad] == [
        (3, "invalid JSON"),
        (5, "expected a JSON object"),
        (6, "no description"),
    ]
    good = [r for r in records if isinstance(r, RawPosting)]
    results = list(analyze_postings(good, workers=1))
    assert [r.id for r in results] == ["a1", "a2", "a3"]
    assert [r.role for r in results] == ["sre", "devops", "other"]


def test_parallel_batch_equals_serial() -> None:
    good = [r for r in read_postings(fixture("batch.jsonl"), "jsonl") if isinstance(r, RawPosting)]
    many = good * 40
    assert list(analyze_postings(many, workers=2, chunk_size=16)) == list(
        analyze_postings(many, workers=1)
    )


def test_jobspy_csv_columns() -> None:
    records = list(read_postings(fixture("jobspy.csv"), "csv"))
    assert all(isinstance(r, RawPosting) for r in records)
    first = records[0]
    assert isinstance(first, RawPosting)
    assert first.salary_text == "USD 140000-175000 per year" and first.job_type == "fulltime"
    result = analyze_postings([r for r in records if isinstance(r, RawPosting)], workers=1)
    roles = [r.role for r in result]
    assert roles == ["platform", "cloud"]


def test_html_is_stripped_of_tags_and_scripts() -> None:
    text = strip_html(fixture("posting.html"))
    assert "alert" not in text and "<" not in text and "color:red" not in text
    assert "DevSecOps team" in text
    [record] = list(read_postings(fixture("posting.html")))
    assert isinstance(record, RawPosting)
    assert analyze_posting(record.description).role == "devsecops"


def test_sniffing() -> None:
    assert sniff('{"description": "x"}') == "json"
    assert sniff('{"a": 1}\n{"a": 2}\n') == "jsonl"
    assert sniff("[{}]") == "json"
    assert sniff("<p>hi</p>") == "html"
    assert sniff("plain words") == "text"
    assert sniff("anything", "jobs.csv") == "csv"


def test_cli_posting_text_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("posting", str(FIXTURES / "sre.txt"), "--format", "json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    for key in (
        "id",
        "title",
        "role",
        "role_scores",
        "hybrid",
        "evidence",
        "skills",
        "salary",
        "location",
        "seniority",
    ):
        assert key in out
    assert out["role"] == "sre"


def test_cli_posting_batch_jsonl_reports_and_skips(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("posting", str(FIXTURES / "batch.jsonl"), "--format", "jsonl")
    assert result.code == 0
    lines = [json.loads(x) for x in result.out.splitlines()]
    assert [x["id"] for x in lines] == ["a1", "a2", "a3"]
    assert "line 3: skipped: invalid JSON" in result.err
    strict = cli("posting", str(FIXTURES / "batch.jsonl"), "--strict")
    assert strict.code == 2 and "--strict" in strict.err


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_cli_posting_other_formats(cli, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("posting", str(FIXTURES / "jobspy.csv"), "--format", fmt)
    assert result.code == 0, result.err
    assert "platform" in result.out


def test_cli_posting_missing_file(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("posting", "/no/such/file.txt")
    assert result.code == 2 and "No such file" in result.err


def test_a_devops_posting_asking_for_sre_practices_is_a_hybrid() -> None:
    text = (
        "We are hiring a DevOps Engineer. You will build CI/CD pipelines with Jenkins, manage "
        "Terraform and Kubernetes, and take part in our on-call rotation. You will define SLOs "
        "and error budgets with product teams and write blameless postmortems after incidents."
    )
    result = classify(text)
    assert result.role == "devops"
    assert result.hybrid and result.hybrid_of == ["devops", "sre"]
    assert {e.text for e in result.evidence if e.role == "sre"} >= {"SLO", "Postmortems"}
    plain = classify(fixture("devops.txt"))
    assert not plain.hybrid
