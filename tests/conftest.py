"""Shared test helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from rolediff.cli import run


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: cli("compare", "devops", "sre") → CliResult."""

    def invoke(*argv: str) -> CliResult:
        code = run(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


def run_process(
    argv: Sequence[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m rolediff`` in a fresh process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "rolediff", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def compiled_kernel() -> Any:
    """The compiled kernel (rolediff._speedups). Without it the calling test is skipped, or fails
    where ROLEDIFF_REQUIRE_SPEEDUPS is set (.ci/run sets it): a kernel test must not pass by
    comparing the NumPy path with itself, nor skip silently in CI."""
    from rolediff.skills import speedups

    kernel = speedups()
    if kernel is None:
        if os.environ.get("ROLEDIFF_REQUIRE_SPEEDUPS"):
            pytest.fail("ROLEDIFF_REQUIRE_SPEEDUPS is set, but rolediff._speedups is not built")
        pytest.skip("the C kernel is not built (no compiler at install time)")
    return kernel
