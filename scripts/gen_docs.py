"""Regenerate the generated pages under docs/ (or, with --check, fail if they are stale).

- docs/cli.md: every command's --help, as the CLI prints it.
- docs/data-sources.md: the packaged datasets, from src/rolediff/data/datasets.toml.
- docs/json/*.schema.json: JSON Schemas of the --format json outputs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def commands() -> list[list[str]]:
    """Every command path of the CLI, the group before its commands, in the order of --help."""
    import typer

    from rolediff.cli import app

    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def help_text(path: list[str]) -> str:
    from rolediff.cli import run

    out = io.StringIO()
    env = {"COLUMNS": "100", "TERMINAL_WIDTH": "100", "NO_COLOR": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out):
            code = run([*path, "--help"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if code != 0:
        raise RuntimeError(f"rolediff {' '.join(path)} --help exited {code}")
    return out.getvalue().rstrip() + "\n"


def cli_reference() -> str:
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `scripts/gen_docs.py`; a test fails when it is stale.\n",
        "Commands that print results take `--format` (`-f`): `table`, `json`, `jsonl`, `csv` "
        "or `markdown` (`md` for short; `report` writes `html` or `md`), as each help below "
        'lists. CSV gives amounts as plain numbers ("-$1,200.50" is -1200.50). Bad input '
        "exits with status 2 and a one-line `Error: …` message on stderr (a missing argument "
        "also gets the command's usage line).\n",
    ]
    for path in commands():
        parts.append(f"## `{' '.join(['rolediff', *path])}`\n")
        parts.append("```text\n" + help_text(path) + "```\n")
    return "\n".join(parts)


def data_sources() -> str:
    from rolediff import data

    lines = [
        "# Data sources and licences",
        "",
        "Generated from `src/rolediff/data/datasets.toml` by `scripts/gen_docs.py`. Each dataset's",
        "folder holds a SOURCE.md with full provenance and cleaning notes; `rolediff data sources`",
        "prints the same list.",
        "",
        "| dataset | what | publisher | vintage | licence | files |",
        "|---|---|---|---|---|---|",
    ]
    for d in data.datasets():
        files = ", ".join(f"`{d.path}/{f}`" for f in d.files)
        title = f"[{d.title}]({d.url})" if d.url else d.title
        lines.append(
            f"| `{d.id}` | {title} | {d.publisher} | {d.vintage} | {d.licence} | {files} |"
        )
    lines += ["", "## Works cited by the data", ""]
    for s in data.sources().values():
        author = f"{s.author}, " if s.author else ""
        lines.append(f"- `{s.id}`: {author}*{s.title}*, {s.publisher}, {s.date}. <{s.url}>")
    return "\n".join(lines) + "\n"


def json_schemas() -> dict[str, str]:
    from pydantic import TypeAdapter

    from rolediff import Comparison, Place, RoleProfile
    from rolediff.data.schema import Dataset
    from rolediff.fit import FitReport
    from rolediff.market import CollectSummary, IngestSummary, MarketReport, MarketRun
    from rolediff.pay.coverage import CoverageEntry
    from rolediff.pay.models import CityRow, TakeHome
    from rolediff.pay.take_home import SalaryMatch
    from rolediff.postings.analyze import PostingAnalysis

    models: dict[str, Any] = {
        "compare": Comparison,
        "where": Place,
        "role": RoleProfile,
        "roles": list[RoleProfile],
        "data-sources": list[Dataset],
        "posting": PostingAnalysis,
        "pay": TakeHome,
        "cities": list[CityRow],
        "match": SalaryMatch,
        "data-coverage": list[CoverageEntry],
        "fit": FitReport,
        "market-report": MarketReport,
        "market-ingest": IngestSummary,
        "market-run": MarketRun,
        "market-collect": CollectSummary,
    }
    return {
        f"json/{name}.schema.json": json.dumps(
            TypeAdapter(model).json_schema(mode="serialization"), indent=2, sort_keys=True
        )
        + "\n"
        for name, model in models.items()
    }


def pages() -> dict[str, str]:
    return {"cli.md": cli_reference(), "data-sources.md": data_sources(), **json_schemas()}


def main(argv: list[str]) -> int:
    stale = []
    for name, text in pages().items():
        path = DOCS / name
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("stale: " + ", ".join(stale) + " (run python scripts/gen_docs.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
