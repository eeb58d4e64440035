"""Docs that cannot drift: generated pages are current, the README quick start has two commands."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

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
