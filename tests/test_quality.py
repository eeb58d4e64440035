"""Static checks run with the suite: ruff and mypy (strict) on the package, and lazy imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["duckdb", "sklearn", "altair", "fastapi", "uvicorn", "pyarrow", "rapidfuzz", "numpy"]


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install the package with its [test] extra")
    return path


def test_ruff() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_start_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from rolediff.cli import run; run(['compare', 'devops', 'sre', '-f', 'json']);"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"
