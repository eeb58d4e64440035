"""Posting analysis end to end: reading formats, classification with evidence, the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.errors import RolediffError
from rolediff.postings.analyze import analyze_posting, analyze_postings, analyze_raw
from rolediff.postings.classify import classify
from rolediff.postings.features import ROLES, mentions, title_roles
from rolediff.postings.read import Malformed, RawPosting, read_postings, sniff, strip_html
from tests.conftest import compiled_kernel

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


@pytest.mark.parametrize(
    ("text", "role", "said"),
    [
        ("Dev-Ops engineer: Terraform, Jenkins, AWS. Austin, TX.", "devops", "Dev-Ops engineer"),
        (fixture("devops.txt"), "devops", None),
        (fixture("sre.txt"), "sre", None),
    ],
)
def test_a_role_phrase_is_shown_with_what_its_family_features_pulled(
    text: str, role: str, said: str | None
) -> None:
    # The family's phrase features (role phrases, all mentions, named early, named first) pull
    # together: a DevOps posting's "DevOps engineer" pulls through its mentions and place even
    # where the role-phrase count alone pulls the other way. The phrase's weight is what those
    # features add to the role's logit over the average of the others.
    from rolediff.postings.classify import _weights
    from rolediff.postings.features import INFRA_ROLES, phrase_features
    from rolediff.skills import Prepared

    result = classify(text)
    assert result.role == role
    phrase = next(e for e in result.evidence if e.kind == "phrase")
    assert phrase.role == role
    if said is not None:
        assert phrase.text == said
    assert all(role in text[a:b].lower().replace("-", "") or role == "sre" for a, b in phrase.spans)
    w = _weights()
    values = phrase_features(mentions(Prepared.of(text)))
    k, label = INFRA_ROLES.index(role), w.labels.index(role)
    family = [3 * k, 3 * k + 1, 3 * k + 2, 3 * len(INFRA_ROLES) + k]
    pulled = sum(
        float(w.pull[label][w.n_vocab + j]) * values[j] * float(w.extra_scale[j]) for j in family
    )
    assert pulled > 0
    assert phrase.weight == pytest.approx(pulled, abs=6e-4)


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


def test_a_hybrid_shows_what_pulled_toward_its_other_role() -> None:
    """The second role of a hybrid had no reasons but its title: now its phrase, strongest
    terms and skills (at most three of each), each pulling toward it."""
    text = (
        "Own CI/CD pipelines with Jenkins and Terraform on AWS, define SLOs with the SRE team "
        "and run postmortems."
    )
    result = classify(text, title="DevOps / SRE Engineer")
    assert result.hybrid
    (second,) = [r for r in result.hybrid_of if r != result.role]
    reasons = [e for e in result.evidence if e.role == second]
    assert reasons[0].kind == "title"
    assert {"term", "skill"} <= {e.kind for e in reasons}
    for kind in ("phrase", "term", "skill"):
        assert len([e for e in reasons if e.kind == kind]) <= 3
    assert all(e.weight > 0 for e in reasons if e.kind != "title")
    # Without the flag, only the role's own reasons are given.
    single = classify(fixture("devops.txt"), title="DevOps Engineer")
    assert not single.hybrid
    assert {e.role for e in single.evidence} == {"devops"}


def test_mentions_find_role_phrases() -> None:
    found = mentions("Join our SRE team. DevOps engineers and the platform team; cloud costs.")
    assert [(m.role, m.is_role) for m in found] == [
        ("sre", True),
        ("devops", True),
        ("platform", True),
        ("cloud", False),
    ]


_MENTION_FRAGMENTS = [
    *("dev", "DevOps", "dev-ops", "Dev Ops", "dev\u3000ops", "dev_ops", "development", "devsecops"),
    *("Dev-Sec-Ops", "dev sec ops", "dev\u3000sec\u3000ops", "SRE", "sres", "SREs", "ensure"),
    *("site", "Site-Reliability", "site\u3000reliability", "site\nreliability", "websites"),
    *("service reliability", "Service-Reliability", "services", "cloud", "AWS", "azure", "gcp"),
    *("platform", "platforms", " engineer", " team", " ", "-", "\u3000", "\n", ".", "x", "é"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MENTION_FRAGMENTS), max_size=20).map("".join))
def test_every_place_a_role_family_mention_can_start_is_tried(text: str) -> None:
    # mentions() tries the mention regex only where the scan (or, in a short text, str.find in
    # the spaced text) found a start: every place the regex matches must be among them.
    from rolediff.postings.features import _MENTION
    from rolediff.postings.scan import MENTION, scan
    from rolediff.skills import Prepared, lower_same_length

    low = lower_same_length(text)
    can_start = {pos for pos in range(len(low)) if _MENTION.match(low, pos)}
    found = scan(text)
    assert can_start <= {start for start, _ in found.of(MENTION)}
    assert mentions(text) == mentions(Prepared.of(text), found)  # the short path reads alike
    assert {m.start for m in mentions(text)} <= can_start


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


def test_a_job_boards_level_field_gives_the_level_the_title_does_not() -> None:
    """JobSpy's LinkedIn rows carry LinkedIn's level ("Entry level", "Director") in job_level."""
    text = (
        "site,title,job_level,description\n"
        "linkedin,DevOps Engineer,Entry level,Build CI/CD pipelines. 5+ years of experience.\n"
        "linkedin,Senior DevOps Engineer,Entry level,Build CI/CD pipelines.\n"
        "linkedin,DevOps Engineer,Mid-Senior level,Build CI/CD. 5+ years of experience.\n"
        "linkedin,Head of Infrastructure,Director,Lead our SRE and platform teams.\n"
    )
    records = [r for r in read_postings(text, "csv") if isinstance(r, RawPosting)]
    assert [r.job_level for r in records] == [
        "Entry level",
        "Entry level",
        "Mid-Senior level",
        "Director",
    ]
    levels = [a.seniority for a in analyze_postings(records, workers=1)]
    # the field before the description's years; the title before the field; "Mid-Senior level"
    # spans several levels and is not read
    assert levels == ["junior", "senior", "senior", "director"]
    assert analyze_posting("Build CI/CD pipelines.", job_level="Internship").seniority == "intern"


def test_naukris_experience_range_gives_the_level_by_the_years_it_asks() -> None:
    """JobSpy's Naukri rows say the years asked ("3-8 Yrs") in experience_range: the fewest
    years asked, read by the same thresholds as a description's years."""
    text = (
        "site,title,experience_range,description\n"
        "naukri,DevOps Engineer,3-8 Yrs,Build CI/CD pipelines. 10+ years of experience.\n"
        "naukri,DevOps Engineer,0-2 Yrs,Build CI/CD pipelines.\n"
        "naukri,Senior DevOps Engineer,0-2 Yrs,Build CI/CD pipelines.\n"
        "naukri,DevOps Engineer,45 Yrs,Build CI/CD pipelines.\n"
    )
    records = [r for r in read_postings(text, "csv") if isinstance(r, RawPosting)]
    levels = [a.seniority for a in analyze_postings(records, workers=1)]
    assert levels == ["mid", "junior", "senior", None]  # 45 years is no credible ask


def test_a_jobspy_interval_rolediff_cannot_annualise_gives_no_pay() -> None:
    """ "fortnightly" pay is no pay rather than "USD 50-70", which would read as an hourly rate."""
    from rolediff.postings.read import from_mapping

    row = {"description": "Terraform on AWS.", "min_amount": 50, "max_amount": 70}
    cases = {"fortnightly": None, "Hourly": "USD 50-70 per hour", "": "USD 50-70"}
    for interval, expected in cases.items():
        posting = from_mapping({**row, "interval": interval}, 1)
        assert isinstance(posting, RawPosting) and posting.salary_text == expected, interval


def test_jobspy_pay_taken_from_the_description_is_read_from_the_description() -> None:
    """JobSpy fills min/max_amount from the description's first dollar range when a job has no
    pay ('salary_source': 'description'): here a signing bonus, not the salary."""
    from rolediff.postings.read import from_mapping

    row = {
        "description": "Run Kubernetes. Signing bonus $5,000 - $10,000. "
        "The salary range is $150,000 - $170,000 a year.",
        "min_amount": 5000, "max_amount": 10000, "interval": "yearly", "currency": "USD",
    }  # fmt: skip
    for source, text in (("description", None), ("direct_data", "USD 5000-10000 per year")):
        posting = from_mapping({**row, "salary_source": source}, 1)
        assert isinstance(posting, RawPosting) and posting.salary_text == text, source
    salary = analyze_raw(from_mapping({**row, "salary_source": "description"}, 1)).salary
    assert salary is not None and salary.source == "description" and salary.annual_min == 150000


def test_jobspy_is_remote_flag_says_remote() -> None:
    from rolediff.postings.read import from_mapping

    text = "Run Kubernetes and on-call for SLOs."
    rows = [
        {"description": text, "location": "Austin, TX", "is_remote": "True"},
        {"description": text, "location": "Austin, TX", "is_remote": False},
        {"description": text, "is_remote": True},
        {"description": text, "location": "Remote - US", "is_remote": True},
    ]
    locations = [getattr(from_mapping(r, i), "location", None) for i, r in enumerate(rows)]
    assert locations == ["Austin, TX (Remote)", "Austin, TX", "Remote", "Remote - US"]
    first = from_mapping(rows[0], 0)
    assert isinstance(first, RawPosting)
    analysis = analyze_posting(first.description, location=first.location)
    assert analysis.location is not None and analysis.location.remote == "remote"


@pytest.mark.parametrize(
    ("row", "remote"),
    [
        # JobSpy set the flag from "remote" in the text: rolediff reads that text itself.
        ({"description": "Tools for remote monitoring of our fleet.", "is_remote": True}, None),
        (
            {"description": "On-site in Austin; this is not a remote role.", "is_remote": True},
            "onsite",
        ),
        ({"description": "Fully remote within the US.", "is_remote": True}, "remote"),
        ({"description": "Run SLOs.", "title": "SRE (Remote)", "is_remote": True}, "remote"),
        # Nothing in the text says remote: the flag is the board's own data.
        ({"description": "Run SLOs.", "location": "Austin, TX", "is_remote": True}, "remote"),
        # Naukri's guess from words anywhere in the text ("hybrid cloud"), or by default.
        ({"description": "We build hybrid cloud tools.", "work_from_home_type": "Hybrid"}, None),
        ({"description": "Run SLOs.", "work_from_home_type": "Work from office"}, None),
    ],
)
def test_jobspy_remote_flags_count_only_where_the_text_cannot_have_set_them(
    row: dict[str, object], remote: str | None
) -> None:
    from rolediff.postings.read import from_mapping

    record = from_mapping(row, 1)
    assert isinstance(record, RawPosting)
    analysis = analyze_raw(record)
    assert (analysis.location.remote if analysis.location else None) == remote


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
    assert strict.code == 2 and "nothing analysed (strict)" in strict.err


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


# --- the fast paths give what the plain definitions give ---------------------------------------


def _reference_text_vector(text: str) -> dict[int, float]:
    """The classifier's tf-idf vector computed the slow, obvious way from features.tokens (the
    tokenizer the model is trained with) and a dictionary of the vocabulary."""
    import math

    from rolediff.postings.classify import _weights
    from rolediff.postings.features import tokens

    w = _weights()
    column = {term: i for i, term in enumerate(w.spec.vocabulary)}
    counts: dict[int, int] = {}
    for token in tokens(text):
        if token in column:
            counts[column[token]] = counts.get(column[token], 0) + 1
    values = {i: (1 + math.log(c)) * float(w.idf[i]) for i, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {i: v / norm for i, v in values.items()} if norm else values


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("kubernetes", "on-call", "SRE", "the", "team", "CI/CD", "C++", "ci", "cd"),
                *("#devops", "reliability", "cloud", "Terraform", "site", "naïve", "\u3000"),
                *(", ", "\n"),
            ]
        ),
        max_size=40,
    ).map(" ".join)
)
def test_hashed_text_vector_equals_the_dictionary_lookup(text: str) -> None:
    _check_text_vector(text)


@pytest.mark.parametrize("name", ["sre.txt", "devops.txt", "other.txt"])
def test_hashed_text_vector_on_real_postings(name: str) -> None:
    assert _check_text_vector(fixture(name)) > 20


def _check_text_vector(text: str) -> int:
    """The text vector and its logits, with the compiled kernel (when built) and in NumPy, equal
    the reference; returns how many terms were found."""
    from unittest.mock import patch

    import numpy as np

    from rolediff.postings.classify import _text_vector, _weights
    from rolediff.skills import Prepared, speedups

    w = _weights()
    expected = _reference_text_vector(text)
    columns = sorted(expected)
    reference = [expected[i] for i in columns]
    logits = np.asarray(reference) @ w.coef[:, columns].T if columns else np.zeros(6)
    for kernel in (speedups(), None):
        with (
            patch("rolediff.skills.speedups", lambda k=kernel: k),
            patch("rolediff.postings.classify.speedups", lambda k=kernel: k),
        ):
            idx, values, text_logits = _text_vector(Prepared.of(text), w)
        assert idx.tolist() == columns
        assert values.tolist() == pytest.approx(reference, rel=1e-12)
        assert text_logits.tolist() == pytest.approx(logits.tolist(), rel=1e-9, abs=1e-12)
    return len(columns)


def _naive_scan(text: str) -> list[list[tuple[int, int]]]:
    """What each reader used to search with str.find, one needle at a time."""
    from rolediff.postings.parse import pay_needles
    from rolediff.postings.scan import (
        EMPLOYMENT_NEEDLES,
        LEVEL_NEEDLES,
        MENTION_STARTS,
        REMOTE_NEEDLES,
        TERMS_NEEDLES,
        YEARS_NEEDLES,
    )
    from rolediff.skills import lower_same_length, spaced

    low = lower_same_length(text)
    out = []
    for haystack, needles in (
        (spaced(low), MENTION_STARTS),  # "dev ops" as the spaced text writes "dev-ops"
        (text, REMOTE_NEEDLES),
        (text, pay_needles()),
        (text, YEARS_NEEDLES),
        (spaced(low), LEVEL_NEEDLES),  # "a senior" as the spaced text writes "a-senior"
        (low, EMPLOYMENT_NEEDLES),
        (spaced(low), TERMS_NEEDLES),  # "full time" as the spaced text writes "Full-Time"
    ):
        spans = set()
        for needle in needles:
            at = haystack.find(needle)
            while at != -1:
                spans.add((at, at + len(needle)))
                at = haystack.find(needle, at + 1)
        out.append(sorted(spans))
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("Remote", "REMOTE", "ReMote", "on-site", "On site", "on_site", "from home"),
                *("Office", "$120k", "USD", "usd", "Usd", "€", "lakh", "LPA", "lpa", "Kč", "zł"),
                *("a senior", "A-Senior", "an", "a", "junior", "entry-level", "ENTRY"),
                *("years", "Year", "yrs", "DevOps", "dev-ops", "SRE", "Site Reliability", "GCP"),
                *("platform", "x", " ", "\n", "-", "#", "\u00e9", "\u0130", "\u212a"),
                *("Job Type: Contract", "prototype", "TYPE", "Full-Time", "full_time"),
                *("contractor", "Permanent", "freelancer", "fixed-term", "TEMPORARY"),
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_one_scan_finds_what_each_search_found(text: str) -> None:
    from rolediff.postings.scan import scan

    found = scan(text)
    assert [sorted(set(g)) for g in found.groups] == _naive_scan(text)


_KEY_FRAGMENTS = [
    *("ci/cd", "CI / CD", "ci cd", "Azure Kubernetes Service (AKS)", "aks)", "(", ")"),
    *("Google Kubernetes Engine", "kubernetes", "k8s", "GO", "go", "terraform", ".NET", "c++"),
    *("c#", "SLOs, error budgets, toil", "reliability practices", "DevOps", "on-site", "onsite"),
    *("remote", "from home", "USD", "lakh", "Kč", "zł", "years", "yrs", "platform", "site"),
    *(" ", "  ", "\n", "/", ".", "-", "\u3000", "\u00e9", "\U0001f600", "x"),
    *("a senior", "A Senior", "an", "a", "junior", "entry-level", "Entry", "Job type:", "TYPE"),
    *("Full-Time", "part time", "Contract", "internship", "fixed-term"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_KEY_FRAGMENTS), max_size=25).map("".join))
def test_the_kernel_finds_what_the_scan_automaton_finds(text: str) -> None:
    _assert_kernel_scans_as_the_automaton(text)


def _assert_kernel_scans_as_the_automaton(text: str) -> int:
    """The kernel's skill matches and places equal the automaton's, placed in Python; how many."""
    from rolediff.postings.scan import GROUPS, _automaton, _key_table, _place_matches
    from rolediff.skills import Prepared

    kernel = compiled_kernel()
    prepared = Prepared.of(text)
    expected_groups: tuple[list[tuple[int, int]], ...] = tuple([] for _ in range(GROUPS))
    matches = list(_automaton().iter(f" {prepared.spaced} "))
    expected = _place_matches(matches, prepared.text, expected_groups)
    groups: tuple[list[tuple[int, int]], ...] = tuple([] for _ in range(GROUPS))
    assert kernel.scan_keys(prepared.codes, _key_table(), prepared.text, groups) == expected
    assert groups == expected_groups
    return len(matches)


def test_the_kernel_finds_the_scan_automatons_matches_in_real_postings() -> None:
    matches = sum(
        _assert_kernel_scans_as_the_automaton(fixture(name))
        for name in ("sre.txt", "devops.txt", "other.txt")
    )
    assert matches > 40


@pytest.mark.parametrize(
    "text", ["ab abc a", "abcab", "ca", "xa", "b", "zzab", "abcabcab\u3000ab", "a" * 5, "cba"]
)
def test_the_kernel_finds_needles_of_one_two_and_three_code_points_anywhere(text: str) -> None:
    # scan_keys looks for a needle where its first code points are (a needle shorter than that
    # matches any code point in the places it has none), up to the text's last code point.
    import numpy as np

    kernel = compiled_kernel()
    i32, u32, u64 = np.int32, np.uint32, np.uint64
    needles = ["a", "ab", "abc"]
    table = kernel.key_table(
        np.asarray([7], dtype=u64), np.asarray([0], dtype=i32),  # one skill key, "q"
        np.asarray([0, 1], dtype=i32), np.asarray([0], dtype=i32),
        np.asarray([ord("q")], dtype=u32), np.asarray([0, 1], dtype=i32),
        np.asarray([1], dtype=i32), np.asarray([1], dtype=i32),
        np.asarray([ord(c) for n in needles for c in n], dtype=u32),
        np.asarray([0, 1, 3, 6], dtype=i32),
        1, 1,
        ("key", *((len(n), ((g, None),)) for g, n in enumerate(needles))),
    )  # fmt: skip
    codes = np.asarray([ord(c) for c in text], dtype=np.uint32)
    groups: tuple[list[tuple[int, int]], ...] = ([], [], [])
    assert kernel.scan_keys(codes, table, text, groups) == []
    for group, needle in enumerate(needles):
        expected = [(i, i + len(needle)) for i in range(len(text)) if text.startswith(needle, i)]
        assert groups[group] == expected, needle


def test_the_key_table_refuses_inconsistent_tables() -> None:
    import numpy as np

    kernel = compiled_kernel()
    i32, u32, u64 = np.int32, np.uint32, np.uint64
    good = (
        np.asarray([7], dtype=u64), np.asarray([0], dtype=i32),  # one prefix, completing core 0
        np.asarray([0, 1], dtype=i32), np.asarray([0], dtype=i32),  # core 0 has key 0
        np.asarray([ord("a")], dtype=u32), np.asarray([0, 1], dtype=i32),  # core 0 is "a"
        np.asarray([1], dtype=i32), np.asarray([1], dtype=i32),  # key 0: one space each side
        np.asarray([ord("b")], dtype=u32), np.asarray([0, 1], dtype=i32),  # needle "b"
        1, 1, ("key", "needle"),
    )  # fmt: skip
    kernel.key_table(*good)
    for position, bad in (
        (3, np.asarray([5], dtype=i32)),  # a key that does not exist
        (1, np.asarray([3], dtype=i32)),  # a core that does not exist
        (6, np.asarray([0], dtype=i32)),  # no space before a key
        (9, np.asarray([0, 0], dtype=i32)),  # an empty needle
        (12, ("key",)),  # a value missing
    ):
        args = list(good)
        args[position] = bad
        with pytest.raises((ValueError, TypeError)):
            kernel.key_table(*args)
    with pytest.raises(ValueError, match="distinct"):
        kernel.key_table(np.asarray([7, 7], dtype=u64), np.asarray([0, -1], dtype=i32), *good[2:])
    groups: tuple[list[tuple[int, int]], ...] = ([],)
    with pytest.raises(TypeError):
        kernel.scan_keys(np.zeros(3, dtype=np.uint16), kernel.key_table(*good), "abc", groups)
    with pytest.raises(ValueError):
        kernel.scan_keys(np.zeros(3, dtype=np.uint8), "not a table", "abc", groups)
    b = np.asarray([ord("b")], dtype=np.uint8)
    with pytest.raises(TypeError):  # the needle's value is not (length, entries)
        kernel.scan_keys(b, kernel.key_table(*good), "b", groups)
    table = kernel.key_table(*good[:12], ("key", (1, ((3, None),))))
    with pytest.raises(ValueError, match="group"):  # a group with no list
        kernel.scan_keys(b, table, "b", groups)
    with pytest.raises(ValueError, match="text"):  # a text shorter than the codes
        kernel.scan_keys(b, table, "", ([],) * 4)
    table = kernel.key_table(*good[:12], ("key", (1, ((0, frozenset({"B"})),))))
    kernel.scan_keys(b, table, "b", groups)
    assert groups == ([],)  # "b" is not a spelling the group accepts
    kernel.scan_keys(b, table, "B", groups)
    assert groups == ([(0, 1)],)


def test_scan_on_real_postings_and_its_skill_matches() -> None:
    from rolediff.postings.scan import scan
    from rolediff.skills import Prepared, find_skills, skill_matcher

    for name in ("sre.txt", "devops.txt", "other.txt"):
        prepared = Prepared.of(fixture(name))
        found = scan(prepared)
        assert [sorted(set(g)) for g in found.groups] == _naive_scan(prepared.text)
        assert skill_matcher().find(prepared, found.skills) == find_skills(prepared.text)


def test_analysis_is_what_validating_its_own_json_gives() -> None:
    from rolediff.postings.analyze import PostingAnalysis

    result = analyze_posting(fixture("sre.txt"), title="Senior SRE", location="Austin, TX")
    assert PostingAnalysis.model_validate_json(result.model_dump_json()) == result
    assert classify(fixture("sre.txt")).evidence == [
        e for e in result.evidence if e.kind != "title"
    ]


@pytest.mark.parametrize("name", ["sre.txt", "devops.txt"])
def test_fields_without_evidence_are_the_analysis_without_it(name: str) -> None:
    from rolediff.postings.analyze import PostingAnalysis, analysis_fields

    text = fixture(name)
    full = analyze_posting(text, title="Platform SRE", location="Austin, TX").model_dump()
    fields = analysis_fields(text, title="Platform SRE", location="Austin, TX", evidence=False)
    assert fields["evidence"] == []
    rest = {k: v for k, v in full.items() if k != "evidence"}
    assert PostingAnalysis.model_validate(fields).model_dump(exclude={"evidence"}) == rest


def test_batches_hold_the_garbage_collector_only_while_analysing() -> None:
    import gc

    good = [r for r in read_postings(fixture("batch.jsonl"), "jsonl") if isinstance(r, RawPosting)]
    assert gc.isenabled()
    seen = [gc.isenabled() for _ in analyze_postings(good * 3, workers=1, chunk_size=2)]
    assert seen == [True] * len(seen) and gc.isenabled()
    gc.disable()
    try:
        list(analyze_postings(good, workers=1))
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    with pytest.raises(RolediffError):
        list(analyze_postings([RawPosting(id="x", description=" ")], workers=1))
    assert gc.isenabled()


def _both_paths(text: str, title: str | None = None) -> tuple[str, str]:
    """A posting's analysis (as JSON) with the compiled kernel, and on the NumPy path."""
    from unittest.mock import patch

    out = []
    for kernel in (compiled_kernel(), None):  # without the kernel both would be the NumPy path
        with (
            patch("rolediff.skills.speedups", lambda k=kernel: k),
            patch("rolediff.postings.classify.speedups", lambda k=kernel: k),
        ):
            out.append(analyze_posting(text, title=title).model_dump_json())
    return out[0], out[1]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("SRE", "DevOps", "on-call", "SLOs", "Kubernetes", "Terraform", "CI/CD", "AWS"),
                *("cloud", "platform", "team", "the", "we", "build", "$150,000", "remote"),
                *("naïve", "Straße", "ΣΊΣΥΦΟΣ", "İstanbul", "\u3000", "\u2014", "\ud800", "😀"),
                *(", ", ".\n", "•", "5+ years"),
            ]
        ),
        min_size=1,
        max_size=60,
    )
    .map(" ".join)
    .filter(str.strip),
    st.none() | st.sampled_from(["Site Reliability Engineer", "DevOps Engineer", "Barista"]),
)
def test_the_compiled_kernel_and_numpy_give_the_same_analysis(text: str, title: str | None) -> None:
    with_kernel, numpy_path = _both_paths(text, title)
    assert with_kernel == numpy_path


@pytest.mark.parametrize("name", ["sre.txt", "devops.txt", "other.txt"])
def test_the_compiled_kernel_and_numpy_agree_on_real_postings(name: str) -> None:
    with_kernel, numpy_path = _both_paths(fixture(name))
    assert with_kernel == numpy_path


def test_evidence_terms_strongest_first_ties_by_column_on_both_paths() -> None:
    from dataclasses import replace
    from unittest.mock import patch

    import numpy as np

    from rolediff.postings.classify import _records, _top_terms, _weights
    from rolediff.skills import speedups

    w = _weights()
    shown = np.flatnonzero(w.explains)[:8]  # columns of terms shown as evidence, ascending
    idx = shown.astype(np.int64)
    # Coefficients toward label 0 only: each term's pull toward it is its coefficient.
    coef = np.zeros_like(w.coef)
    coef[0, idx] = [0.5, 0.2, 0.5, -1.0, 0.2, 0.0, 0.9, 0.2]
    others = (coef.sum(axis=0) - coef) / (len(w.labels) - 1)
    fake = replace(w, pull=coef - others, records=_records(w.idf, coef, w.explains))
    values = np.ones(len(idx))
    expected = ([idx[6], idx[0], idx[2], idx[1], idx[4]], [0.9, 0.5, 0.5, 0.2, 0.2])
    for kernel in (speedups(), None):
        with patch("rolediff.postings.classify.speedups", lambda k=kernel: k):
            assert _top_terms(idx, values, 0, fake, 5) == (
                [int(i) for i in expected[0]],
                expected[1],
            )
            assert _top_terms(idx, values, 0, fake, 2)[0] == [idx[6], idx[0]]
            assert _top_terms(idx[:0], values[:0], 0, fake, 5) == ([], [])
            assert _top_terms(idx, values, 0, fake, 0) == ([], [])
    if speedups() is not None:
        with pytest.raises(ValueError, match="out of range"):
            speedups().top_terms(
                np.asarray([len(w.idf)], dtype=np.int64), np.ones(1), w.records, 6, 0, 5
            )
        with pytest.raises(ValueError, match="inconsistent"):  # no such label
            speedups().top_terms(idx, values, w.records, 6, 6, 5)


def test_the_kernel_computes_every_pull_as_numpy_does() -> None:
    # The kernel reckons each term's pull from its record; it must equal classify's to the bit,
    # or evidence ties would be broken differently on the two paths.
    import numpy as np

    from rolediff.postings.classify import _weights

    kernel = compiled_kernel()
    w = _weights()
    idx = np.flatnonzero(w.explains).astype(np.int64)
    values = np.ones(len(idx))
    for label in range(len(w.labels)):
        columns, weights = kernel.top_terms(idx, values, w.records, len(w.labels), label, 1024)
        pull = w.pull[label]
        assert len(columns) == min(1024, int((pull[idx] > 0).sum()))
        assert weights == pull[columns].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 10), min_size=1, max_size=60), st.integers(1, 8), st.randoms())
def test_the_kernel_adds_the_extra_features_as_numpy_does(
    features: list[float], n_labels: int, rng: random.Random
) -> None:
    # role_scores' logits: (intercept + the terms' part) + (features * scale) @ columns.
    import numpy as np

    kernel = compiled_kernel()
    m = len(features)
    scale = np.asarray([rng.uniform(0, 1) for _ in range(m)])
    columns = np.asarray([[rng.uniform(-5, 5) for _ in range(n_labels)] for _ in range(m)])
    intercept = np.asarray([rng.uniform(-5, 5) for _ in range(n_labels)])
    text_logits = np.asarray([rng.uniform(-5, 5) for _ in range(n_labels)])
    got = kernel.add_features(features, scale, columns, intercept, text_logits)
    expected = intercept + text_logits + (np.asarray(features) * scale) @ columns
    assert got == pytest.approx(expected.tolist(), rel=1e-12, abs=1e-12)


def test_the_extra_features_kernel_refuses_inconsistent_arguments() -> None:
    import numpy as np

    kernel = compiled_kernel()
    one, two = np.ones(1), np.ones(2)
    assert kernel.add_features([2.0], one, two, two, two) == [4.0, 4.0]  # (1 + 1) + 2 * 1 * 1
    with pytest.raises(ValueError, match="inconsistent"):
        kernel.add_features([2.0, 1.0], one, two, two, two)  # two features, one weight
    with pytest.raises(ValueError, match="inconsistent"):
        kernel.add_features([2.0], one, two, two, one)  # the terms' part for one label of two
    with pytest.raises(TypeError):
        kernel.add_features((2.0,), one, two, two, two)  # a tuple, not a list
    with pytest.raises(TypeError):
        kernel.add_features(["2"], one, two, two, two)


def test_evidence_is_what_pushed_toward_the_role_in_words_that_say_something() -> None:
    """No function word or single letter is shown as a reason ("you", "you will", the "w" of
    "(m/w/d)"), and every reason for the predicted role pulled toward it."""
    from rolediff.postings.classify import _stopwords

    text = (
        "DevOps Engineer (m/w/d). You will own our CI/CD pipelines. You will automate with "
        "Terraform and Ansible, and you will run Kubernetes on AWS. You will be on our DevOps team."
    )
    result = analyze_posting(text)
    terms = [e for e in result.evidence if e.kind == "term"]
    assert terms
    for e in terms:
        words = e.text.split()
        assert any(len(w) > 1 and w not in _stopwords() for w in words), e.text
    assert all(e.weight > 0 for e in result.evidence if e.role == result.role)


def test_pay_stated_in_the_description_replaces_a_bare_figure_in_the_pay_field() -> None:
    """Job boards fill pay fields with bare sums ("350000.0" for "$160,000-$190,000")."""
    text = "Run our Kubernetes platform. The base salary range is $160,000 - $190,000 USD."
    bare = analyze_posting(text, salary_text="350000.0").salary
    assert bare is not None and (bare.annual_min, bare.annual_max) == (160000, 190000)
    assert bare.source == "description"
    stated = analyze_posting(text, salary_text="USD 150,000 - 170,000 per year").salary
    assert stated is not None and stated.source == "field" and stated.annual_min == 150000
    alone = analyze_posting("Run our Kubernetes platform.", salary_text="150000").salary
    assert alone is not None and alone.source == "field" and alone.annual_min == 150000


def test_a_job_boards_placeholder_pay_gives_way_to_the_description() -> None:
    """RemoteWLB wrote "65k-95k USD" on postings that state no pay, or other pay."""
    stated = analyze_posting(
        "Run our Kubernetes platform. Salary: $165,000-$185,000/year.", salary_text="65k-95k USD"
    ).salary
    assert stated is not None and stated.source == "description" and stated.annual_min == 165000
    assert analyze_posting("Run our Kubernetes platform.", salary_text="65k-95k USD").salary is None
    assert analyze_posting("Run Kubernetes.", salary_text="65k-96k USD").salary is not None


def test_a_job_boards_estimate_is_kept_as_such_and_gives_way_to_stated_pay() -> None:
    """Glassdoor's "(Glassdoor est.)" figures are its own estimate, not the employer's pay."""
    estimate = analyze_posting(
        "Run our Kubernetes platform.", salary_text="$81K-$167K (Glassdoor est.)"
    )
    assert estimate.salary is not None and estimate.salary.estimate
    assert estimate.salary.source == "field"
    assert (estimate.salary.annual_min, estimate.salary.annual_max) == (81000, 167000)
    stated = analyze_posting(
        "Run our Kubernetes platform. The salary range is $150,000 - $170,000 a year.",
        salary_text="$81K-$167K (Glassdoor est.)",
    ).salary
    assert stated is not None and stated.source == "description" and not stated.estimate
    assert stated.annual_min == 150000
    for own in ("$190K-$220K(Employer est.)", "$120,000 - $150,000 (estimated annual base)"):
        employer = analyze_posting("Run Kubernetes.", salary_text=own).salary
        assert employer is not None and employer.source == "field" and not employer.estimate


def test_a_pay_field_in_bare_dollars_takes_the_currency_the_description_names() -> None:
    """An aggregator copied "$107,200 - $160,800" into the pay field and left "Currency: CAD"."""
    text = (
        "Build our platform.\nCompensation range:\n"
        "* MIN: $107,200 - MID: $134,000 - MAX: $160,800 Currency: CAD\n"
    )
    salary = analyze_posting(text, salary_text="$107,200 - $160,800").salary
    assert salary is not None and salary.source == "field"
    assert (salary.currency, salary.min, salary.max) == ("CAD", 107200, 160800)
    # Other figures, or a field that says US dollars, keep the field's reading.
    other = analyze_posting(text, salary_text="$120,000 - $150,000").salary
    assert other is not None and other.currency == "USD"
    said = analyze_posting(text, salary_text="$107,200 - $160,800 USD").salary
    assert said is not None and said.currency == "USD"


CANADA_PAY = "Run our Kubernetes platform. The range for this remote role is $120,000-$145,000."


@pytest.mark.parametrize(
    ("text", "location", "pay_field", "expected"),
    [
        # A bare "$" in a posting placed in a dollar country is that country's dollars...
        (CANADA_PAY, "Remote Location - Canada", None, ("CAD", 120000)),
        (CANADA_PAY, "Sydney, Australia", None, ("AUD", 120000)),
        # ...unless the posting writes US dollars by name where it states pay.
        (CANADA_PAY + " All figures are in USD.", "Canada", None, ("USD", 120000)),
        (CANADA_PAY.replace("$1", "US$1"), "Canada", None, ("USD", 120000)),
        # The euro and the pound are no dollars: a "$" there stays US dollars.
        (CANADA_PAY, "Dublin, Ireland", None, ("USD", 120000)),
        # In the US, in several countries, or nowhere stated: US dollars, as before.
        (CANADA_PAY, "Austin, TX", None, ("USD", 120000)),
        (CANADA_PAY, "Canada,United States", None, ("USD", 120000)),
        (CANADA_PAY, None, None, ("USD", 120000)),
        # A pay field's figure naming no currency is in the one country's currency...
        ("Support our customers.", "Poland", "264000.0", ("PLN", 264000)),
        ("Support our customers.", "Berlin, Germany", "85000", ("EUR", 85000)),
        ("Support our customers.", "Austin, TX", "264000.0", ("USD", 264000)),
        # ...and not read where rolediff knows no currency of the country (ringgit).
        ("Support our customers.", "Malaysia", "270000.0", None),
        # A field that names its currency keeps it.
        ("Support our customers.", "Poland", "USD 16100.0~23200.0", ("USD", 16100)),
    ],
)
def test_pay_naming_no_currency_is_in_the_currency_of_the_postings_one_country(
    text: str, location: str | None, pay_field: str | None, expected: tuple[str, int] | None
) -> None:
    salary = analyze_posting(text, location=location, salary_text=pay_field).salary
    assert (salary and (salary.currency, salary.annual_min)) == expected


def test_every_country_has_at_most_one_currency() -> None:
    from pydantic import ValidationError

    from rolediff.postings.parse import PayConventions, explain_salary, pay_conventions

    conventions = pay_conventions()
    assert conventions.currency_of("CA") == "CAD" and conventions.currency_of("MY") is None
    raw = conventions.model_dump()
    raw["currencies"]["GBP"]["countries"] = ["GB", "IE"]
    with pytest.raises(ValidationError, match="country IE has two currencies: GBP, EUR"):
        PayConventions.model_validate(raw)
    assert explain_salary("264000.0", "field", unnamed=None) == (
        None,
        "no currency: the figure names none, and the posting's country says none",
    )


def test_prepositions_alone_explain_nothing() -> None:
    """ "per" had been shown as a reason for SRE (+0.145)."""
    from rolediff.postings.classify import _explains

    assert not any(_explains(t) for t in ("per", "across", "per the", "towards"))
    assert _explains("per hour") and _explains("on call")


def test_terms_do_not_repeat_the_role_phrase_shown() -> None:
    """ "DevOps Engineer" as the phrase, then "devops engineer" and "devops" as terms, said one
    thing three times and kept two other terms out of the six shown."""
    for name in ("devops.txt", "sre.txt"):  # "Site Reliability Engineer": three words
        result = classify(fixture(name))
        phrase = next(e for e in result.evidence if e.kind == "phrase")
        said = set(phrase.text.lower().replace("-", " ").split())
        terms = [e for e in result.evidence if e.kind == "term" and e.role == result.role]
        assert len(terms) == 6, name
        assert not any(set(e.text.split()) <= said for e in terms), name


def test_fragments_of_sentences_are_not_shown_as_evidence() -> None:
    """One shown term in eight had been a pair holding a function word: "millions of", "the
    data", "terraform and", "is building"."""
    from rolediff.postings.classify import _explains, _stopwords

    fragments = ("millions of", "the data", "terraform and", "a devops", "is building")
    assert not any(_explains(t) for t in fragments)
    assert all(_explains(t) for t in ("devops engineer", "in production", "site reliability"))
    text = (
        "We are looking for a DevOps engineer to own the data platform: millions of events a "
        "day through Kafka, Terraform and Ansible on AWS, with Kubernetes in production."
    )
    for e in classify(text).evidence:
        if e.kind == "term" and len(e.text.split()) == 2:
            assert e.text.split()[-1] not in _stopwords(), e.text


def test_terms_few_employers_use_are_not_shown_as_evidence() -> None:
    """Employer and product names ("opentable", "at axon") pull toward the role their few
    training postings had, but say nothing about it: they were one shown term in ten."""
    from rolediff import data
    from rolediff.postings.classify import _explains

    spec = json.loads(data.read_text("classifier/role_model.json"))
    least, column = spec["evidence_min_employers"], spec["labels"].index("devops")
    coef = spec["coef"]
    pull = {
        term: coef[column][j] - sum(row[j] for row in coef) / len(coef)
        for j, term in enumerate(spec["vocabulary"])
        if " " not in term and _explains(term)
    }
    used = dict(zip(spec["vocabulary"], spec["term_employers"], strict=True))
    rare = sorted((t for t in pull if used[t] < least), key=lambda t: -pull[t])[:5]
    common = sorted((t for t in pull if used[t] >= least), key=lambda t: -pull[t])[:5]
    assert len(rare) == len(common) == 5
    text = "Our DevOps engineer works with " + ", ".join(rare + common) + "."
    shown = {e.text for e in classify(text).evidence if e.kind == "term"}
    assert shown and not shown & set(rare)
    assert all(used[t] >= least for t in shown)


def test_a_model_file_without_a_familys_phrase_features_is_refused_as_data() -> None:
    from unittest.mock import patch

    from rolediff import data
    from rolediff.postings import classify

    spec = json.loads(data.read_text("classifier/role_model.json"))
    spec["extra_features"] = [f for f in spec["extra_features"] if f != "sre:early"]
    broken = json.dumps(spec)
    classify._weights.cache_clear()
    try:
        with (
            patch.object(classify.data, "read_text", lambda _path: broken),
            pytest.raises(data.DataError, match="sre:early"),
        ):
            classify._weights()
    finally:
        classify._weights.cache_clear()


def test_a_pair_opener_that_is_no_stopword_is_refused_as_data() -> None:
    from unittest.mock import patch

    from rolediff import data
    from rolediff.postings import classify

    real = data.read_text

    def read(path: str) -> str:
        return "on\nkubernetes\n" if path.endswith("pair_openers.txt") else real(path)

    classify._pair_openers.cache_clear()
    try:
        with (
            patch.object(classify.data, "read_text", read),
            pytest.raises(data.DataError, match="pair opener"),
        ):
            classify._pair_openers()
    finally:
        classify._pair_openers.cache_clear()


def test_fields_an_analysis_repeats_must_be_characters() -> None:
    """The library had returned analyses that model_dump_json could not write."""
    with pytest.raises(RolediffError, match="title holds \\\\ud800, half of a surrogate pair"):
        analyze_posting("Run Kubernetes.", title="SRE \ud800")
    # In the text itself it is read past, and no line holding one is repeated as a place.
    result = analyze_posting("SRE\nAcme · Austin, TX \ud800 · 2 days ago\n\nRun Kubernetes.")
    assert result.location is None
    result.model_dump_json()
