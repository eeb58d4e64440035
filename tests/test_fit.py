"""Fit: scores, gaps, learning path, transition advice, résumé reading and the prerequisite data."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rolediff.data import DataError, read_toml
from rolediff.errors import RolediffError
from rolediff.fit import (
    PROFILE_ONLY,
    MarketWeights,
    PrerequisiteGraph,
    breakdown,
    default_market,
    fit,
    load_profile,
    prerequisite_graph,
    transition,
)
from rolediff.resume import read_resume
from rolediff.skills import taxonomy

RESUMES = Path(__file__).parent / "fixtures" / "resumes"
DOC = Path(__file__).parent.parent / "docs" / "fit.md"

SNAPSHOT = {
    "version": 1,
    "as_of": "2026-11-01",
    "roles": {
        "devops": {
            "n": 400,
            "pay": {"p50": 130000},
            "skills": {
                "ci-cd": {"share": 0.62, "n": 248, "pay": {"p50": 134000, "n": 90}},
                "jenkins": {"share": 0.41, "n": 164},
                "aws": {"share": 0.58, "n": 232, "pay": {"p50": 138000, "n": 80}},
                "docker": {"share": 0.47, "n": 188},
                "kubernetes": {"share": 0.52, "n": 208},
                "terraform": {"share": 0.49, "n": 196},
                "ansible": {"share": 0.33, "n": 132},
                "python": {"share": 0.44, "n": 176},
                "linux": {"share": 0.38, "n": 152},
                "git": {"share": 0.30, "n": 120},
                "prometheus": {"share": 0.18, "n": 72},
            },
        },
        "sre": {
            "n": 250,
            "pay": {"p50": 150000},
            "skills": {
                "kubernetes": {"share": 0.56, "n": 140},
                "linux": {"share": 0.60, "n": 150},
                "python": {"share": 0.52, "n": 130, "pay": {"p50": 152000, "n": 40}},
                "go": {"share": 0.30, "n": 75},
                "prometheus": {"share": 0.36, "n": 90},
                "incident-response": {"share": 0.44, "n": 110, "pay": {"p50": 158000, "n": 12}},
                "on-call": {"share": 0.40, "n": 100},
                "slo": {"share": 0.34, "n": 85},
                "capacity-planning": {"share": 0.22, "n": 55},
                "terraform": {"share": 0.40, "n": 100},
                "aws": {"share": 0.48, "n": 120},
                "distributed-systems": {"share": 0.30, "n": 75},
                "git": {"share": 0.25, "n": 62},
            },
        },
    },
}


def _resume(name: str) -> str:
    return read_resume(RESUMES / name)


# --- scores and gaps ------------------------------------------------------------------------


@pytest.mark.parametrize("market", [SNAPSHOT, PROFILE_ONLY], ids=["market", "profile"])
def test_devops_resume_fits_devops_better_and_lacks_sre_practices(market: object) -> None:
    report = fit(resume_text=_resume("devops.txt"), market=market)  # type: ignore[arg-type]
    assert report.scores["devops"] > report.scores["sre"]
    sre_gaps = [g.id for g in report.gaps["sre"]]
    assert "incident-response" in sre_gaps
    assert "capacity-planning-load-testing" in sre_gaps


@pytest.mark.parametrize("market", [SNAPSHOT, PROFILE_ONLY], ids=["market", "profile"])
def test_sre_resume_fits_sre_better_and_lacks_devops_delivery(market: object) -> None:
    report = fit(resume_text=_resume("sre.md"), market=market)  # type: ignore[arg-type]
    assert report.scores["sre"] > report.scores["devops"]
    assert "ci-cd" in [g.id for g in report.gaps["devops"]]
    assert "SRE than to DevOps" in report.difference


def test_scores_are_in_range_and_deterministic() -> None:
    first = fit(skills="linux, docker, k8s, terraform", market=SNAPSHOT)
    again = fit(skills="k8s, linux, docker, terraform", market=SNAPSHOT)
    assert first.scores == again.scores
    assert all(0.0 <= s <= 1.0 for s in first.scores.values())
    assert list(first.scores.values()) == sorted(first.scores.values(), reverse=True)


SKILL_IDS = sorted(taxonomy().by_id)


@settings(max_examples=60, deadline=None)
@given(
    base=st.lists(st.sampled_from(SKILL_IDS), min_size=1, max_size=8),
    extra=st.sampled_from(SKILL_IDS),
    with_market=st.booleans(),
)
def test_adding_a_skill_never_lowers_a_score(
    base: list[str], extra: str, with_market: bool
) -> None:
    market = SNAPSHOT if with_market else PROFILE_ONLY
    before = fit(skills=base, market=market).scores
    after = fit(skills=[*base, extra], market=market).scores
    for role, score in before.items():
        assert after[role] >= score


def test_gaps_are_ranked_with_shares_counts_and_pay() -> None:
    report = fit(skills="linux, docker, kubernetes, prometheus, git", market=SNAPSHOT)
    gaps = report.gaps["sre"]
    assert [g.importance for g in gaps] == sorted((g.importance for g in gaps), reverse=True)
    scripting = next(g for g in gaps if g.id == "scripting-programming")
    assert (scripting.share, scripting.n, scripting.postings) == (0.52, 130, 250)
    assert (scripting.pay_premium, scripting.pay_n) == (2000, 40)
    incidents = next(g for g in gaps if g.id == "incident-response")
    assert incidents.pay_premium is None and incidents.pay_n == 12, "n=12 is too small"
    assert incidents.prerequisites == ["monitoring-logging"] and incidents.prerequisites_met
    assert report.weights_source == "market" and report.market_as_of == "2026-11-01"


def test_missing_prerequisites_are_reported() -> None:
    report = fit(skills="python", market=PROFILE_ONLY)
    incidents = next(g for g in report.gaps["sre"] if g.id == "incident-response")
    assert incidents.missing_prerequisites == ["monitoring-logging"]
    assert not incidents.prerequisites_met


def test_path_puts_prerequisites_first() -> None:
    report = fit(skills="python, aws", target="sre", market=SNAPSHOT)
    order = [s.id for s in report.path]
    assert report.target == "sre"
    on_call = next(s for s in report.path if s.id == "on-call")
    assert on_call.after, "monitoring comes first, through one of its tools"
    assert {taxonomy().by_id[a].area for a in on_call.after} == {"monitoring-logging"}
    graph = prerequisite_graph()
    by_id = taxonomy().by_id
    for i, step in enumerate(report.path):
        assert set(step.after) <= set(order[:i])
        for prior in step.after:  # a prerequisite, or a skill of a prerequisite area
            assert prior in graph.before(step.id) or by_id[prior].area in graph.before(step.id)
    assert {"sre-book-practices"} <= set(report.references)


def test_path_defaults_to_the_best_role() -> None:
    report = fit(skills="jenkins, ansible, docker, aws", market=PROFILE_ONLY)
    assert report.target == next(iter(report.scores)) == "devops"


def test_path_puts_the_most_asked_for_skill_first_on_a_tie() -> None:
    """Python and Go are worth the same points toward SRE; 52% of postings ask for Python and
    30% for Go, so Python comes first, as in the gap's "start with" (once, alphabetically, Go
    did). The same holds for the monitoring tool that incident response builds on."""
    report = fit(skills="linux", target="sre", market=SNAPSHOT)
    steps = {s.id: s for s in report.path}
    assert steps["python"].value == steps["go"].value
    assert steps["python"].step < steps["go"].step
    monitoring = next(g for g in report.gaps["sre"] if g.id == "monitoring-logging")
    first_tool = monitoring.learn[0].id
    assert steps["on-call"].after == [first_tool] == ["prometheus"]


def test_difference_names_the_points() -> None:
    report = fit(skills="prometheus, on-call, postmortems, linux", market=PROFILE_ONLY)
    assert re.fullmatch(r"\d+ points? closer to SRE than to \w+", report.difference)


# --- inputs ---------------------------------------------------------------------------------


def test_skills_resolve_aliases_and_report_unknown_items() -> None:
    report = fit(skills="K8s, golang, argocd, blorptastic", market=PROFILE_ONLY)
    assert [(r.id, r.matched) for r in report.recognised] == [
        ("kubernetes", ["K8s"]),
        ("go", ["golang"]),
        ("argo-cd", ["argocd"]),
    ]
    assert [u.text for u in report.unrecognised] == ["blorptastic"]


@pytest.mark.parametrize(
    ("item", "credited"),
    [
        ("AWS certification", {"aws", "cloud-certification"}),
        ("Certified Kubernetes Administrator", {"kubernetes-certification", "kubernetes"}),
        ("Azure DevOps Engineer Expert", {"cloud-certification", "azure"}),
    ],
)
def test_a_listed_item_counts_toward_every_skill_its_words_do_in_text(
    item: str, credited: set[str]
) -> None:
    # A form that also counts toward a second skill ([[also]] in the context rules) does so as a
    # list item too: the item and the same words in a résumé credit the same skills.
    from rolediff.skills import find_skills

    in_text = {h.id for h in find_skills(item)}
    assert credited <= in_text
    as_item = {r.id for r in fit(skills=item, market=PROFILE_ONLY).recognised}
    assert as_item == in_text
    as_resume = {r.id for r in fit(resume_text=f"Skills: {item}.", market=PROFILE_ONLY).recognised}
    assert credited <= as_resume


def test_resume_lists_matched_text_and_unknown_technical_terms() -> None:
    report = fit(resume_text=_resume("devops.txt"), market=PROFILE_ONLY)
    jenkins = next(r for r in report.recognised if r.id == "jenkins")
    assert "Jenkins" in jenkins.matched
    unknown = [u.text for u in report.unrecognised]
    assert "FooCI" in unknown
    assert not {"Raleigh", "NC", "DevOps", "SUMMARY", "Built"} & set(unknown)


def test_resume_skill_lists_name_skills_and_links_are_not_terms() -> None:
    """ "Go" alone fails the matcher's context rule, but an item of a list of skills that names
    a skill exactly is that skill; a link (its label too, or a bare domain) and a skill's own
    name are never listed as unrecognised."""
    text = (
        "Tools: Go, Chef, Puppet, Salt, FooCI\n"
        "Links: [GitHub](https://github.com/me) · linkedin.com/in/me · me.dev\n"
        "Austin, TX · me@example.com · linkedin.com/in/me\n"  # links do not make a skill list
        "I build ASP.NET services.\n"
    )
    report = fit(resume_text=text, market=PROFILE_ONLY)
    go = next(r for r in report.recognised if r.id == "go")
    assert go.matched == ["Go"]
    # once each: an unknown list item is not counted again as a technical-looking token
    assert [(u.text, u.count) for u in report.unrecognised] == [("FooCI", 1), ("ASP.NET", 1)]


def test_resume_terms_are_found_in_linear_time() -> None:
    """Résumés up to 1,000,000 characters are accepted (the API takes uploads); looking for
    links and unknown terms once took quadratic time, minutes for a run of 100,000 characters
    without a space or for a long list of skills.

    A generous complexity guard, not a speed target (benchmarks/ hold those): the run takes
    under a second, so the 10 s bound only trips on a quadratic blow-up, never on a slow CI
    machine."""
    import time

    text = "x" * 300_000 + "\nTools: Kubernetes, FooBar, linkedin.com/in/me\n" * 10_000
    start = time.perf_counter()
    report = fit(resume_text=text, market=PROFILE_ONLY)
    assert time.perf_counter() - start < 10
    assert [(u.text, u.count) for u in report.unrecognised] == [("FooBar", 10_000)]


def test_profile_levels_count_for_less(tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(
        "skills:\n  - {name: k8s, level: Beginner, years: 1}\n  - docker\n", encoding="utf-8"
    )
    profile = load_profile(path)
    assert profile.skills[0].level == "beginner"
    weak = fit(profile=path, market=PROFILE_ONLY)
    strong = fit(skills="k8s, docker", market=PROFILE_ONLY)
    assert weak.scores["platform"] < strong.scores["platform"]
    k8s = next(r for r in weak.recognised if r.id == "kubernetes")
    assert (k8s.level, k8s.years) == ("beginner", 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("skills: [k8s\n", "not valid YAML at line"),
        ("- k8s\n", "expected a mapping"),
        ("skills: []\n", "skills"),
        ("skills: [{name: k8s, level: guru}]\n", "skills.0.level"),
        ("skills: [k8s]\nhobbies: [chess]\n", "hobbies"),
    ],
)
def test_bad_profiles_get_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RolediffError, match=re.escape(message)):
        load_profile(path)


def test_no_input_is_an_error() -> None:
    with pytest.raises(RolediffError, match="Give skills, a résumé or a profile"):
        fit(market=PROFILE_ONLY)
    with pytest.raises(RolediffError, match="both"):
        fit(skills="git", from_role="devops", market=PROFILE_ONLY)
    # empty input is refused whatever its form (the API once scored an empty list as zeros)
    for empty in ("", " , ", [], ["", " "]):
        with pytest.raises(RolediffError, match="No skills given"):
            fit(skills=empty, market=PROFILE_ONLY)
    with pytest.raises(RolediffError, match="résumé text is empty"):
        fit(resume_text=" \n", market=PROFILE_ONLY)


def test_the_summary_counts_points_of_the_unrounded_difference() -> None:
    report = fit(skills=["linux", "kubernetes"], market=SNAPSHOT, target="sre")
    gap = 100 * (report.scores["devops"] - report.scores["sre"])
    assert report.difference.startswith(f"{round(gap)} point"), (gap, report.difference)


# --- transition ---------------------------------------------------------------------------


def test_devops_to_sre_takes_on_incidents_capacity_and_slos() -> None:
    change = transition("devops", "sre", market=PROFILE_ONLY)
    duties = " ".join(d.text for d in change.take_on)
    for words in ("incident response", "postmortems", "capacity", "SLOs"):
        assert words in duties
    added = [a.id for a in change.areas_to_add]
    assert {"incident-response", "capacity-planning-load-testing"} <= set(added)
    assert "linux-administration" in [a.id for a in change.areas_to_deepen]
    assert "incident-response" in [g.id for g in change.gaps]


def test_fit_with_transition_uses_the_persons_gaps() -> None:
    report = fit(skills="jenkins, docker", from_role="devops", to_role="sre", market=SNAPSHOT)
    assert report.transition is not None
    assert report.transition.gaps == report.gaps["sre"]
    assert report.target == "sre"
    assert "SRE" in report.difference and "DevOps" in report.difference


# --- market weights -------------------------------------------------------------------------


def test_market_module_missing_falls_back_to_profile_weights(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "rolediff.market", None)
    default_market.cache_clear()
    try:
        report = fit(skills="git")
    finally:
        default_market.cache_clear()
    assert report.weights_source == "profile"
    assert "rolediff.market" in report.notes[0]


def test_market_weights_come_from_role_skill_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolediff.market import load_snapshot

    fake = type(sys)("rolediff.market")
    fake.role_skill_shares = lambda db=None: {"sre": {"incident-response": 0.9}}  # type: ignore[attr-defined]
    fake.load_snapshot = load_snapshot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rolediff.market", fake)
    default_market.cache_clear()
    try:
        report = fit(skills="git")
    finally:
        default_market.cache_clear()
    assert report.weights_source == "market"
    assert report.gaps["sre"][0].id == "incident-response"


def test_snapshot_parsing() -> None:
    weights = MarketWeights.from_snapshot(SNAPSHOT)
    assert weights.postings == {"devops": 400, "sre": 250}
    assert weights.pay_premiums["devops"]["aws"] == (8000.0, 80)
    assert weights.has("sre") and not weights.has("cloud")


# --- résumé files -------------------------------------------------------------------------


def test_pdf_and_docx_resumes_are_read() -> None:
    assert "Jenkins" in read_resume(RESUMES / "devops.pdf")
    text = read_resume(RESUMES / "sre.docx")
    assert "blameless postmortems" in text
    assert fit(resume_text=text, market=PROFILE_ONLY).scores["sre"] > 0.5


def test_docx_text_in_nested_tables_and_text_boxes_is_read(tmp_path: Path) -> None:
    """Résumé templates lay out columns with tables inside tables and text boxes; Word writes a
    text box twice (DrawingML and a VML fallback), and its text counts once."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Sam Example")
    cell = document.add_table(rows=1, cols=2).cell(0, 1)
    cell.add_table(rows=1, cols=1).cell(0, 0).text = "Kubernetes, Terraform"
    box = "<w:txbxContent><w:p><w:r><w:t>Prometheus</w:t></w:r></w:p></w:txbxContent>"
    run = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
        ' xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp>'
        f"</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    document.paragraphs[0]._p.append(parse_xml(run))
    path = tmp_path / "cv.docx"
    document.save(str(path))
    text = read_resume(path)
    assert "Kubernetes, Terraform" in text
    assert text.count("Prometheus") == 1


def test_docx_with_malformed_xml_gets_a_clear_message(tmp_path: Path) -> None:
    from zipfile import ZipFile

    path = tmp_path / "cv.docx"
    with ZipFile(RESUMES / "sre.docx") as source, ZipFile(path, "w") as target:
        for item in source.infolist():
            broken = item.filename == "word/document.xml"
            target.writestr(item.filename, b"<w:document><oops" if broken else source.read(item))
    with pytest.raises(RolediffError, match=r"cv\.docx is not a readable \.docx file"):
        read_resume(path)


def test_scanned_pdf_gets_the_no_text_message() -> None:
    with pytest.raises(RolediffError, match="no text layer"):
        read_resume(RESUMES / "scanned.pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n", "holds no text"),
        ("cv.doc", b"x", "Save it as .docx"),
        ("cv.odt", b"x", "cannot read '.odt'"),
        ("latin.txt", "Résumé".encode("latin-1"), "not UTF-8"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "not a readable PDF"),
        ("broken.docx", b"PK nonsense", "not a readable .docx"),
    ],
)
def test_unreadable_resumes_get_a_clear_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RolediffError, match=re.escape(message)):
        read_resume(path)


def test_oversized_resume_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(10_000_001)
    with pytest.raises(RolediffError, match="over 10 MB"):
        read_resume(path)


def test_reading_a_resume_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "cv.txt"
    source.write_text("Jenkins, Docker, AWS", encoding="utf-8")
    assert read_resume(source) == "Jenkins, Docker, AWS"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cv.txt"]


# --- the prerequisite data ------------------------------------------------------------------


def test_prerequisite_graph_is_valid_and_cited() -> None:
    graph = prerequisite_graph()
    assert graph.find_cycle() == []
    assert len(graph.edges) >= 20
    assert {r for e in graph.edges for r in e.references} == set(graph.references)
    assert graph.before("argo-cd") >= {"kubernetes", "git"}, "area edges reach members"


def _with_edge(before: str, after: str) -> dict[str, object]:
    raw = read_toml("prerequisites/prerequisites.toml")
    edge = {"before": before, "after": after, "references": ["roadmap-devops"], "note": "x"}
    return {**raw, "edge": [*raw["edge"], edge]}


def test_cycles_are_rejected() -> None:
    with pytest.raises(DataError, match="cycle"):
        PrerequisiteGraph.from_data(_with_edge("kubernetes", "linux"))
    with pytest.raises(DataError, match="cycle"):  # through the area rule: helm is a member
        PrerequisiteGraph.from_data(_with_edge("helm", "containers-orchestration"))


def test_unknown_ids_and_references_are_rejected() -> None:
    with pytest.raises(DataError, match="unknown skill"):
        PrerequisiteGraph.from_data(_with_edge("linux", "no-such-skill"))
    raw = _with_edge("linux", "awk")
    raw["edge"][-1]["references"] = ["nowhere"]  # type: ignore[index]
    with pytest.raises(DataError, match="undefined reference"):
        PrerequisiteGraph.from_data(raw)


# --- the documented worked example ----------------------------------------------------------

EXAMPLE_SKILLS = "linux, prometheus, on-call, python, docker"


def test_docs_worked_example_numbers_are_true() -> None:
    doc = DOC.read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `([a-z-]+)` \| (\w+) \| ([\d.—]+) \| ([\d.]+) \| ([\d.]+) \|", doc, re.M
    )
    expected = {r.area: r for r in breakdown("sre", EXAMPLE_SKILLS, SNAPSHOT)}
    assert {r[0] for r in rows} == set(expected)
    for area, level, share, weight, coverage in rows:
        row = expected[area]
        assert level == row.level
        assert share == ("—" if row.share is None else f"{row.share:.2f}")
        assert float(weight) == pytest.approx(row.weight, abs=0.0005)
        assert float(coverage) == row.coverage
    report = fit(skills=EXAMPLE_SKILLS, market=SNAPSHOT)
    assert f"score {report.scores['sre']:.4f}" in doc
    assert f"score {report.scores['devops']:.4f}" in doc
    assert report.difference in doc


# --- CLI and speed --------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    app = typer_app()
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def typer_app():  # type: ignore[no-untyped-def]
    import typer

    from rolediff.cli_fit import fit_command

    app = typer.Typer()
    app.command("fit")(fit_command)
    app.command("noop")(lambda: None)
    return app


def test_cli_json_and_tables(tmp_path: Path) -> None:
    code, out = _cli("fit", "--skills", "jenkins, ansible, docker, aws", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"scores", "recognised", "unrecognised", "gaps", "path", "difference"}
    for fmt in ("table", "markdown", "csv"):
        code, out = _cli(
            "fit",
            "--resume",
            str(RESUMES / "devops.pdf"),
            "--from",
            "devops",
            "--to",
            "sre",
            "--format",
            fmt,
        )
        assert code == 0 and "sre" in out.lower()
    saved = tmp_path / "cv.txt"
    _cli("fit", "--resume", str(RESUMES / "sre.docx"), "--save", str(saved), "-f", "json")
    assert "postmortems" in saved.read_text(encoding="utf-8")


def test_tables_name_skills_where_json_gives_ids() -> None:
    """The table, Markdown and CSV cells name skills ("Monitoring, logging and observability"),
    never their ids, as the "start with" and "after" columns always did."""
    from rolediff.fit_views import fit_tables

    report = fit(skills="python, docker", target="sre", market=PROFILE_ONLY)
    incidents = next(g for g in report.gaps["sre"] if g.id == "incident-response")
    assert incidents.missing_prerequisites == ["monitoring-logging"]
    cells = {
        cell
        for detailed in (True, False)
        for table in fit_tables(report, detailed)
        for row in table.rows
        for cell in row
    }
    assert "missing: Monitoring, logging and observability" in cells
    assert "Containerization and orchestration" in cells  # Docker's area
    ids = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")  # monitoring-logging, on-call
    assert not [c for c in cells if ids.search(c)]


def test_fit_tables_show_gap_shares_from_their_counts() -> None:
    """A share is held rounded (17 of 179 is 9.497%, held as 0.095): the table shows the
    percentage of the counts (9%), as the report does, not of the rounded share (10%)."""
    from rolediff.fit_views import fit_tables

    report = fit(skills="python, docker", target="sre", market=PROFILE_ONLY)
    gap = report.gaps["sre"][0].model_copy(update={"share": 0.095, "n": 17, "postings": 179})
    shown = report.model_copy(update={"gaps": {**report.gaps, "sre": [gap]}})
    cells = [cell for table in fit_tables(shown) for row in table.rows for cell in row]
    assert any(c.startswith("9% (") and "17 of 179" in c for c in cells)
    assert not any(c.startswith("10%") for c in cells)


def test_cli_errors_are_rolediff_errors() -> None:
    with pytest.raises(RolediffError, match="no text layer"):
        _cli("fit", "--resume", str(RESUMES / "scanned.pdf"))
    with pytest.raises(RolediffError, match="--resume"):
        _cli("fit", "--skills", "git", "--save", "x.txt")


def test_save_never_overwrites_an_input(tmp_path: Path) -> None:
    resume = tmp_path / "cv.docx"
    resume.write_bytes((RESUMES / "sre.docx").read_bytes())
    profile = tmp_path / "me.yaml"
    profile.write_text("skills: [k8s]\n", encoding="utf-8")
    with pytest.raises(RolediffError, match=r"cv\.docx is an input"):
        _cli("fit", "--resume", str(resume), "--save", str(tmp_path / "." / "cv.docx"))
    with pytest.raises(RolediffError, match=r"me\.yaml is an input"):
        _cli("fit", "--resume", str(resume), "--profile", str(profile), "--save", str(profile))
    assert resume.read_bytes() == (RESUMES / "sre.docx").read_bytes()
    assert profile.read_text(encoding="utf-8") == "skills: [k8s]\n"


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_save_that_fails_midway_keeps_the_old_file(tmp_path: Path) -> None:
    """The disk fills up (here: a file-size limit) while --save writes: the file it was to
    replace is kept whole and no temporary file is left, instead of half a résumé."""
    import os
    import resource
    import signal
    import subprocess

    resume = tmp_path / "cv.txt"
    resume.write_text("Linux, Docker and Kubernetes engineer.\n" * 8_000, encoding="utf-8")
    saved = tmp_path / "saved.txt"
    saved.write_text("the text saved last time\n", encoding="utf-8")

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    argv = ["fit", "--resume", str(resume), "--save", str(saved), "-f", "json"]
    result = subprocess.run(
        [sys.executable, "-m", "rolediff", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=limit_file_size,
        timeout=60,
        check=False,
    )
    assert saved.read_text(encoding="utf-8") == "the text saved last time\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cv.txt", "saved.txt"]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"Cannot write {saved}: File too large." in result.stderr


def test_links_in_a_resume_name_no_skills() -> None:
    """A link such as github.com/jordan in a résumé's header is no GitHub experience."""
    text = "Jordan Lee · github.com/jordan · gitlab.com/jl/tf-demo\nSkills: Kubernetes, Docker"
    report = fit(resume_text=text, market=PROFILE_ONLY)
    assert {r.id for r in report.recognised} == {"kubernetes", "docker"}
    plain = fit(resume_text="Jordan Lee, GitHub and Terraform", market=PROFILE_ONLY)
    assert {"github", "terraform"} <= {r.id for r in plain.recognised}


def test_a_skill_list_item_given_many_times_counts_once() -> None:
    """10,000 copies of one item took 11 s (a fuzzy search for suggestions per copy)."""
    report = fit(skills=",".join(["k8s", "foobarx"] * 5_000), market=PROFILE_ONLY)
    assert [r.id for r in report.recognised] == ["kubernetes"]
    assert [(u.text, u.count) for u in report.unrecognised] == [("foobarx", 5_000)]
    assert report.scores == fit(skills="k8s, foobarx", market=PROFILE_ONLY).scores


# --- certifications, résumé forms, nothing recognised ----------------------------------------


@pytest.mark.parametrize(
    ("certification", "skill", "reference"),
    [
        ("CKA", "kubernetes", "lf-cka"),
        ("CKS", "kubernetes", "lf-cka"),
        ("RHCSA", "linux", "lf-lfcs"),
    ],
)
def test_a_certification_credits_the_skill_it_certifies(
    certification: str, skill: str, reference: str
) -> None:
    """A CKA holder knows Kubernetes: it is neither a gap's missing prerequisite nor a step to
    learn, and the report says where the credit came from."""
    for target in ("platform", "devsecops", "sre"):
        report = fit(skills=f"{certification}, docker", market=SNAPSHOT, target=target)
        held = {r.id: r.matched for r in report.recognised}
        assert held[skill] == [certification]
        assert skill not in {s.id for s in report.path}
        for gap in report.gaps[target]:
            assert skill not in gap.missing_prerequisites, gap.id
        assert reference in report.references
    # and the score is that of naming the skill beside the certification
    alone = fit(skills=certification, market=SNAPSHOT).scores
    both = fit(skills=f"{certification}, {skill}", market=SNAPSHOT).scores
    assert alone == both
    assert breakdown("sre", certification, SNAPSHOT) == breakdown(
        "sre", f"{certification}, {skill}", SNAPSHOT
    )


def test_a_certification_at_a_level_credits_its_skill_at_that_level() -> None:
    report = fit(profile={"skills": [{"name": "CKA", "level": "beginner"}]}, market=SNAPSHOT)
    kubernetes = next(r for r in report.recognised if r.id == "kubernetes")
    assert kubernetes.level == "beginner"
    stronger = fit(profile={"skills": ["kubernetes", {"name": "CKA", "level": "beginner"}]})
    assert next(r for r in stronger.recognised if r.id == "kubernetes").level is None


def test_certifications_data_names_known_skills_and_references() -> None:
    graph = prerequisite_graph()
    assert {c.certification for c in graph.certifies} >= {
        "kubernetes-certification",
        "linux-certification",
    }
    raw = read_toml("prerequisites/prerequisites.toml")
    raw["certifies"] = [*raw["certifies"], {**raw["certifies"][0], "skills": ["no-such-skill"]}]
    with pytest.raises(DataError, match="unknown skill"):
        PrerequisiteGraph.from_data(raw)
    raw["certifies"][-1] = {**raw["certifies"][0], "references": ["nowhere"]}
    with pytest.raises(DataError, match="undefined reference"):
        PrerequisiteGraph.from_data(raw)


def test_a_match_across_a_line_break_is_shown_on_one_line() -> None:
    """A .docx table's rows are lines: "Terraform" ending one and "Cloud" starting the next
    read as Terraform Cloud (an alias of Terraform); the form shown has no line break."""
    text = "Skills | Kubernetes, Helm, Terraform\nCloud | AWS, GCP"
    report = fit(resume_text=text, market=SNAPSHOT)
    matched = [m for r in report.recognised for m in r.matched]
    assert "Terraform Cloud" in matched
    assert not any("\n" in m for m in matched)


def test_company_suffixes_of_other_countries_are_not_unrecognised_skills() -> None:
    text = (
        "Site Reliability Engineer, Beispiel GmbH (2019 - heute)\n"
        "Systemadministrator, Muster AG; Example Ltd; Exemple SARL; Voorbeeld B.V.\n"
        "Kenntnisse: Linux, Kubernetes, Docker, Python"
    )
    report = fit(resume_text=text, market=SNAPSHOT)
    assert {u.text.lower() for u in report.unrecognised} & {"gmbh", "ag", "sarl"} == set()


@pytest.mark.parametrize(
    "given",
    [
        {"resume_text": "https://github.com/someone\nsomeone.dev\n[Blog](https://k8s.io/me)"},
        {"skills": "foo, bar baz"},
    ],
)
def test_a_report_without_any_recognised_skill_says_so(given: dict[str, str]) -> None:
    report = fit(market=SNAPSHOT, **given)  # type: ignore[arg-type]
    assert report.recognised == []
    assert set(report.scores.values()) == {0.0}
    assert any(note.startswith("No skill was recognised") for note in report.notes)
    assert not any("No skill" in n for n in fit(skills="linux", market=SNAPSHOT).notes)


def test_an_unknown_skill_is_offered_only_close_whole_names() -> None:
    report = fit(skills="React, Promethus, Ansibel, ticketing")
    offered = {u.text: u.suggestions for u in report.unrecognised}
    assert offered["Promethus"][0] == "Prometheus" and offered["Ansibel"][0] == "Ansible"
    assert offered["React"] == [] and offered["ticketing"] == []  # not "C", not "Capacity..."


def test_many_unknown_items_are_matched_against_the_names_in_one_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """2,000 unknown items took over a second: one fuzzy search over every name per item, each
    preparing all the names again. Now the number of searches does not grow with the items."""
    from rapidfuzz import process

    searches: list[str] = []
    for name in ("extract", "extractOne", "cdist"):
        real = getattr(process, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            searches.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(process, name, counted)
    items = [f"zzq{i}x" for i in range(2_000)] + ["Promethus", "Ansibel", "kubernetis"]
    report = fit(skills=items, market=PROFILE_ONLY)
    assert len(report.unrecognised) == 2_003
    assert len(searches) == 1, searches[:5]


def test_suggestions_for_many_unknown_items_are_those_for_each_alone() -> None:
    from rolediff.errors import suggest, suggest_many

    names = [s.name for s in taxonomy().by_id.values()]
    typos = ["Promethus", "kubernetis", "terafform", "lnux", "awss", "argocdd", "postgress"]
    queries = [*typos, "React", "", "!!!", "C", "x" * 200, "Go lang", "c++", "ticketing"]
    for whole, cutoff in ((True, 70.0), (False, 60.0), (True, 0.0)):
        alone = [suggest(q, names, cutoff=cutoff, whole=whole) for q in queries]
        assert suggest_many(queries, names, cutoff=cutoff, whole=whole) == alone
    report = fit(skills=typos, market=PROFILE_ONLY)
    assert [u.suggestions for u in report.unrecognised] == [
        suggest(t, names, cutoff=70.0, whole=True) for t in typos
    ]
    assert report.unrecognised[0].suggestions[0] == "Prometheus"
    assert suggest_many([], names) == [] and suggest_many(["x"], []) == [[]]
