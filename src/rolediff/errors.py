"""The errors a user's input can cause: each says what was wrong and what would work."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


class RolediffError(ValueError):
    """Input that rolediff cannot answer. The CLI prints it on one line and exits with status 2."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.message = message
        self.suggestions = tuple(suggestions)
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.suggestions:
            return self.message
        quoted = ", ".join(f"'{s}'" for s in self.suggestions)
        return f"{self.message} Did you mean {quoted}?"


def check_is_file(path: Path) -> None:
    """Refuse a path that is not a file, saying whether it is a directory or missing."""
    if path.is_dir():
        raise RolediffError(f"{path} is a directory, not a file.")
    if not path.is_file():
        raise RolediffError(f"No such file: {path}")


def check_output_file(path: Path, purpose: str) -> None:
    """Refuse a path to write a file to that is a directory or lies in no directory; `purpose`
    ends the message: "name a file to {purpose}"."""
    if path.is_dir():
        raise RolediffError(f"{path} is a directory; name a file to {purpose}.")
    if path.exists() and not path.is_file():
        raise RolediffError(f"{path} is not a regular file; name a file to {purpose}.")
    if not path.parent.is_dir():
        raise RolediffError(f"No such directory: {path.parent}")


def write_atomically(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Write a file whole or not at all: to a temporary file beside `path`, renamed into place
    (an existing file is kept if writing fails). Text is written as UTF-8. A link is followed:
    its target is replaced, the link kept; a device, pipe or socket is refused (renaming over
    one would replace it with a file). The file keeps the mode of the one it replaces, or gets a
    new file's under the umask; `private` makes it readable by its owner only."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        raise RolediffError(f"Cannot write {path}: it is not a regular file.")
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            if isinstance(data, str):
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as text:
                    text.write(data)
            else:
                with os.fdopen(fd, "wb") as binary:
                    binary.write(data)
            if not private:
                os.chmod(temp, _file_mode(target))
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)  # gone once renamed; a failed write's leftover
    except OSError as exc:
        raise RolediffError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, or what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def shorten(text: str, limit: int = 80) -> str:
    """Text to quote in a message, cut to `limit` characters."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class UnknownRoleError(RolediffError):
    """No role profile matches the given id or name."""


class UnknownPlaceError(RolediffError):
    """A place is unknown, or names more than one city."""


class UnknownSkillError(RolediffError):
    """No skill in the taxonomy has this id, name or alias."""


def suggest(
    query: str,
    choices: Iterable[str],
    limit: int = 3,
    cutoff: float = 60.0,
    whole: bool = False,
) -> list[str]:
    """The closest few choices to a mistyped query, best first. ``whole`` compares whole strings
    only: among many short names (skills), a partial match would offer "C" for "React"."""
    from rapidfuzz import fuzz, process, utils

    unique = list(dict.fromkeys(choices))
    matches = process.extract(
        query,
        unique,
        scorer=fuzz.ratio if whole else fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [match[0] for match in matches]


def suggest_many(
    queries: Sequence[str],
    choices: Iterable[str],
    limit: int = 3,
    cutoff: float = 60.0,
    whole: bool = False,
) -> list[list[str]]:
    """:func:`suggest` for each of many queries, in one pass: the same suggestions, best first
    (on equal scores, the choice given first), at a fraction of the cost. One call of ``suggest``
    prepares every choice again; here each is prepared once and all the scores come from one
    matrix (``rapidfuzz.process.cdist``)."""
    if not queries:
        return []
    import numpy as np
    from rapidfuzz import fuzz, process, utils

    unique = list(dict.fromkeys(choices))
    if not unique:
        return [[] for _ in queries]
    scores = process.cdist(
        [utils.default_process(q) for q in queries],
        [utils.default_process(c) for c in unique],
        scorer=fuzz.ratio if whole else fuzz.WRatio,
        score_cutoff=cutoff,
        dtype=np.float64,  # as extract scores: float32 could tie (or pass the cutoff) otherwise
    )
    out = []
    for row in scores:
        found = np.flatnonzero(row >= cutoff)
        # Best first; a stable sort keeps the earlier choice first on a tie, as extract does.
        best = found[np.argsort(-row[found], kind="stable")][:limit]
        out.append([unique[i] for i in best])
    return out
