"""Docs that cannot drift: generated pages are current, the README quick start has two commands,
docs/json.md names every key of the --format json documents."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _gen_docs():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current() -> None:
    pages = _gen_docs().pages()
    assert {"cli.md", "data-sources.md"} <= set(pages), "no page would pass vacuously"
    for name, text in pages.items():
        path = ROOT / "docs" / name
        assert path.exists(), f"docs/{name} missing: run python scripts/gen_docs.py"
        assert path.read_text(encoding="utf-8") == text, (
            f"docs/{name} stale: run python scripts/gen_docs.py"
        )


def test_readme_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, commands


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    test_command = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# --- docs/json.md names every key the --format json documents carry ---------------------------

FIXTURES = ROOT / "tests" / "fixtures"

# command → (its section's heading in docs/json.md, other sections its nested documents refer to)
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "compare": ("`rolediff compare", ("`rolediff where", "`rolediff pay`", "`rolediff cities`")),
    "where": ("`rolediff where", ()),
    "roles": ("`rolediff roles`", ()),
    "role": ("`rolediff roles`", ()),
    "data sources": ("`rolediff data sources`", ()),
    "data coverage": ("`rolediff data coverage`", ()),
    "posting": ("`rolediff posting", ()),
    "posting batch": ("`rolediff posting", ()),
    "pay": ("`rolediff pay`", ()),
    "cities": ("`rolediff cities`", ()),
    "match": ("`rolediff match`", ("`rolediff pay`",)),
    "fit": ("`rolediff fit`", ()),
    "market ingest": ("`market ingest`", ()),
    "market report": ("`rolediff market report`", ()),
    "market run": ("`rolediff market run`", ("`rolediff market report`",)),
    "market collect": ("`rolediff market collect`", ("`market ingest`",)),
}

# nested objects whose keys are data (ids, places, percentiles), not field names
MAPS = {"sources", "references", "scores", "gaps", "role_scores", "local_taxes", "payroll_taxes"}
MAPS |= {"percentiles", "fetched"}


def _section(heading: str) -> str:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    found = [p for p in text.split("\n## ")[1:] if heading in p.split("\n", 1)[0]]
    assert len(found) == 1, f"docs/json.md: {len(found)} sections headed {heading!r}"
    return found[0].split("\n", 1)[1]


def _named(*headings: str) -> set[str]:
    """The names a section writes as code: `key`, `{a, b}`, `a, b, c`."""
    spans = [s for h in headings for s in re.findall(r"`([^`]+)`", _section(h))]
    return {w for s in spans for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", s)}


def _top_keys(document: object) -> set[str]:
    items = document if isinstance(document, list) else [document]
    assert items and all(isinstance(i, dict) for i in items), "no object to check"
    return {k for i in items for k in i}  # type: ignore[union-attr]


def _keys(value: object, key: str) -> set[str]:
    """The field names in ``value`` (the value of ``key``), skipping the keys of data-keyed maps."""
    if isinstance(value, list):
        return {k for v in value for k in _keys(v, "")}  # an item is never a map
    if not isinstance(value, dict):
        return set()
    own = set() if key in MAPS else set(value)
    return own | {k for name, v in value.items() for k in _keys(v, name)}


def _nested_keys(document: object) -> set[str]:
    """Every field name below the top level."""
    items = document if isinstance(document, list) else [document]
    return {k for i in items for name, v in i.items() for k in _keys(v, name)}  # type: ignore[union-attr]


class _Frame:
    """What jobspy.scrape_jobs returns, as far as collect reads it."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows

    def to_dict(self, orient: str) -> list[dict[str, str]]:
        assert orient == "records"
        return self.rows


@pytest.fixture(scope="module")
def json_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Each command's --format json document, run in-process on small inputs (a few seconds)."""
    from rolediff.cli import run

    tmp = tmp_path_factory.mktemp("json")
    postings, db = str(FIXTURES / "market" / "postings.jsonl"), str(tmp / "m.duckdb")
    with (FIXTURES / "market" / "jobspy_recorded.csv").open(encoding="utf-8", newline="") as f:
        recorded = list(csv.DictReader(f))
    jobspy = types.ModuleType("jobspy")
    jobspy.scrape_jobs = lambda site_name, **_: _Frame(  # type: ignore[attr-defined]
        [r for r in recorded if r["site"] == site_name[0]]
    )
    sites = ["--site", "linkedin", "--site", "indeed", "--workers", "1"]
    argv = {
        "compare": ["compare", "devops", "sre", "--city", "Raleigh"],
        "where": ["where", "Raleigh, NC"],
        "roles": ["roles"],
        "role": ["role", "sre"],
        "data sources": ["data", "sources"],
        "data coverage": ["data", "coverage", "--kind", "local"],
        "posting": ["posting", str(FIXTURES / "postings" / "devops.txt")],
        "posting batch": ["posting", str(FIXTURES / "postings" / "batch.jsonl")],
        "pay": ["pay", "--city", "Raleigh, NC", "--role", "sre"],
        "cities": ["cities", "--salary", "150000", "--top", "3"],
        "match": ["match", "--salary", "150000", "--from", "Raleigh, NC", "--to", "Austin, TX"],
        "fit": ["fit", "--skills", "linux, k8s, terraform", "--from", "devops", "--to", "sre"],
        "market ingest": ["market", "ingest", postings, "--db", db, "--workers", "1"],
        "market report": ["market", "report", "--db", db, "--role", "devops", "--vs", "sre"],
        "market run": ["market", "run", "-i", postings, "-o", str(tmp / "run"), "--workers", "1"],
        "market collect": ["market", "collect", "-q", "sre", *sites, "--db", str(tmp / "c.db")],
    }
    assert set(argv) == set(SECTIONS)
    documents: dict[str, object] = {}
    saved = sys.modules.get("jobspy")
    sys.modules["jobspy"] = jobspy
    try:
        for name, args in argv.items():  # in order: report reads the store ingest wrote
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                code = run([*args, "--format", "json"])
            assert code == 0, f"rolediff {' '.join(args)} exited {code}"
            documents[name] = json.loads(out.getvalue())
    finally:
        if saved is None:
            sys.modules.pop("jobspy", None)
        else:
            sys.modules["jobspy"] = saved
    return documents


@pytest.mark.parametrize("command", list(SECTIONS))
def test_json_md_names_every_top_level_key(command: str, json_documents: dict[str, object]) -> None:
    keys = _top_keys(json_documents[command])
    missing = sorted(keys - _named(SECTIONS[command][0]))
    assert not missing, f"docs/json.md, section of rolediff {command}, does not name {missing}"


@pytest.mark.parametrize("command", list(SECTIONS))
def test_json_md_names_every_nested_key(command: str, json_documents: dict[str, object]) -> None:
    own, referred = SECTIONS[command]
    missing = sorted(_nested_keys(json_documents[command]) - _named(own, *referred))
    assert not missing, f"docs/json.md, section of rolediff {command}, does not name {missing}"


def test_postings_md_states_the_shipped_models_cross_validated_metrics() -> None:
    """docs/postings.md's accuracy table and figures are those the model file records."""
    model = json.loads((ROOT / "src/rolediff/data/classifier/role_model.json").read_text("utf-8"))
    cv = model["training"]["cv_metrics"]
    page = (ROOT / "docs" / "postings.md").read_text(encoding="utf-8")
    assert f"model `{model['version']}`" in page
    for label, m in cv["per_label"].items():
        row = f"| {label} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['n']} |"
        assert row in page, row
    assert (
        f"Macro-F1 {cv['macro_f1']:.2f}; infrastructure-vs-other F1 {cv['infra_vs_other_f1']:.2f}"
        in page
    )
    assert f"{cv['devops_vs_sre_accuracy']:.0%} get" in page
    assert f"{cv['devops_or_sre_accuracy']:.0%} are placed" in page
