"""Build hook: compile the optional C kernel (src/rolediff/_speedups.c) when a compiler is there.

rolediff works without it (the same computations run in NumPy instead; posting analysis at about
70% of the speed); a machine without a C compiler or Python's headers gets a warning and a
pure-Python wheel. An editable install builds the module in place, next to its source.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src/rolediff/_speedups.c")


class SpeedupsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

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
        try:
            _compile(root / SOURCE, target)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            detail = getattr(error, "stderr", None) or str(error)
            self.app.display_warning(
                f"rolediff: the optional C speedups were not built ({detail.strip()[-500:]}); "
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


def _compile(source: Path, target: Path) -> None:
    ldshared = sysconfig.get_config_var("LDSHARED")
    include = sysconfig.get_paths().get("include")
    if not ldshared or not include or not (Path(include) / "Python.h").exists():
        raise ValueError("no C compiler configuration or Python headers")
    # The module carries the digest of the source it was built from: rolediff ignores a module
    # built from another version of it (skills.speedups).
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    # No fused multiply-adds (CFLAGS such as -march=native allow them): the kernels must round
    # exactly as the NumPy paths do.
    command = [*shlex.split(ldshared), "-O3", "-ffp-contract=off", "-fPIC", f"-I{include}"]
    command += [f'-DSOURCE_DIGEST="{digest}"', str(source), "-lm", "-o"]
    subprocess.run([*command, str(target)], check=True, capture_output=True, text=True, timeout=300)
