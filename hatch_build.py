"""Build hook: compile the optional C kernel (src/rolediff/_speedups.c).

The machine's C compiler builds it; a machine with Python's headers but no C compiler asks the
installer for the `ziglang` wheel (Zig's C compiler, from PyPI) and builds it with that. rolediff
works without the kernel (the same computations run in NumPy instead; posting analysis at about
55% of the speed): a machine where neither works gets a warning and a pure-Python wheel. An
editable install builds the module in place, next to its source.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src/rolediff/_speedups.c")


class SpeedupsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        """Zig's C compiler, when Python's headers are here but no C compiler is."""
        if _headers() is None or _system_compiler() is not None:
            return []
        return ["ziglang"]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        name = "_speedups" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
        if version == "editable":
            target = root / "src" / "rolediff" / name
        else:
            self._scratch = tempfile.mkdtemp(prefix="rolediff-build-")
            target = Path(self._scratch) / name
        failures = []
        for compiler in _compilers():
            try:
                _compile(root / SOURCE, target, compiler)
                break
            except (OSError, subprocess.SubprocessError, ValueError) as error:
                detail = getattr(error, "stderr", None) or str(error)
                failures.append(f"{compiler[0]}: {detail.strip()[-300:]}")
        else:
            reason = "; ".join(failures) or "no C compiler or no Python headers"
            self.app.display_warning(
                f"rolediff: the optional C speedups were not built ({reason}); "
                "rolediff will use pyahocorasick and NumPy instead (same results, slower)."
            )
            return
        if version != "editable":
            build_data["force_include"][str(target)] = f"rolediff/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _headers() -> str | None:
    include = sysconfig.get_paths().get("include")
    return include if include and (Path(include) / "Python.h").exists() else None


def _system_compiler() -> list[str] | None:
    """The command that links Python extensions here (LDSHARED), if its program is installed."""
    command = shlex.split(sysconfig.get_config_var("LDSHARED") or "")
    return command if command and shutil.which(command[0]) else None


def _compilers() -> list[list[str]]:
    """The compile-and-link commands to try, in order: this machine's, then Zig's. Zig's
    targets the baseline of this architecture (not the building CPU's extensions), as a system
    compiler does by default."""
    found = [c for c in [_system_compiler()] if c is not None]
    if _headers() is not None and importlib.util.find_spec("ziglang") is not None:
        found.append([sys.executable, "-m", "ziglang", "cc", "-shared", "-mcpu=baseline"])
    return found


def _compile(source: Path, target: Path, compiler: list[str]) -> None:
    include = _headers()
    if include is None:
        raise ValueError("no Python headers")
    # The module carries the digest of the source it was built from: rolediff ignores a module
    # built from another version of it (skills.speedups).
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    # No fused multiply-adds (CFLAGS such as -march=native allow them): the kernels must round
    # exactly as the NumPy paths do.
    command = [*compiler, "-O3", "-ffp-contract=off", "-fPIC", f"-I{include}"]
    command += [f'-DSOURCE_DIGEST="{digest}"', str(source), "-lm", "-o"]
    subprocess.run([*command, str(target)], check=True, capture_output=True, text=True, timeout=300)
