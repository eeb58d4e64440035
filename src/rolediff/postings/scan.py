"""One pass over a posting that finds where each parser should look.

The role-mention finder, the pay finder, the remote/hybrid/on-site reader and the years-of-
experience reader each look for a few short strings ("devops", "$", "USD", "remote", "years")
and run their regular expressions only around them. Searching a 4 KB posting for each string
separately cost ~50 str.find passes per posting; one Aho-Corasick automaton over the lower-case
text finds all of them in one pass. A string that the readers look for in some spellings only
("USD" and "Usd" but not "usd") carries those spellings and is checked against the original
text, so every reader sees exactly the places it asked for.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from rolediff.data import DataError
from rolediff.skills import (
    Prepared,
    SkillPattern,
    lower_same_length,
    skill_matcher,
    spaced,
    speedups,
    text_hash,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

MENTION = 0
"""Where a role family may be named (features.mentions checks each place)."""
REMOTE = 1
"""Words about where the work is done (parse.remote_in_description)."""
PAY = 2
"""Currency signs, codes and Indian units (parse.find_salary_in_description)."""
YEARS = 3
"""Years of experience (parse.parse_seniority)."""
LEVEL = 4
"""Words naming the level hired at: "entry-level", "a senior" (parse.parse_seniority)."""
EMPLOYMENT = 5
"""Where a line may label the employment type: "Job type: Contract" (parse.employment_type)."""
TERMS = 6
"""Words naming employment terms: "full-time", "contract" (parse.employment_type)."""
GROUPS = 7
"""How many groups of places a scan finds."""

MENTION_STARTS = (
    *("devops", "dev ops", "dev\u3000ops", "devsec", "dev sec", "dev\u3000sec", "sre"),
    *("site rel", "site\u3000rel", "service rel", "cloud", "aws", "azure", "gcp", "platform"),
)
"""Where a role family's mention (features._MENTION) can start, as the spaced text writes it
("dev-ops": "dev ops"; the ideographic space, which its regex reads as a space, stays one):
long enough that "development" and "services", a third of the places "dev" and "service"
were found, are not tried."""
REMOTE_NEEDLES = tuple(
    spelling
    for word in ("remote", "hybrid", "on-site", "onsite", "on site", "office", "from home")
    for spelling in (word, word.capitalize(), word.upper())
)
YEARS_NEEDLES = ("year", "Year", "YEAR", "yrs", "Yrs")
LEVEL_NEEDLES = ("entry", "junior", "senior")
EMPLOYMENT_NEEDLES = ("type",)
TERMS_NEEDLES = (
    *("full time", "part time", "permanent", "contract", "freelanc", "internship"),
    *("temporary", "fixed term"),
)
"""As the spaced text writes them ("full-time": "full time")."""


@dataclass(frozen=True)
class Found:
    """Spans (start, end) of the strings found, by reader; and the skill matcher's matches."""

    groups: tuple[list[tuple[int, int]], ...]
    skills: list[tuple[int, SkillPattern]] | None = None
    """The SkillMatcher's automaton matches, when the scan looked for skills too."""

    def of(self, group: int) -> list[tuple[int, int]]:
        return self.groups[group]


@cache
def _needles() -> tuple[dict[str, dict[int, frozenset[str] | None]], dict[str, tuple[int, ...]]]:
    """Needle as the spaced text writes it ("on site") -> {group: accepted spellings in the
    original text, or None for any}; and the needles of one separator character ("$", "€"),
    which the spaced text has turned into spaces."""
    from rolediff.postings.parse import pay_needles

    wanted: dict[str, dict[int, set[str] | None]] = {}

    def add(group: int, spellings: Iterable[str], exact: bool) -> None:
        for spelling in spellings:
            entry = wanted.setdefault(lower_same_length(spelling), {})
            if not exact:
                entry[group] = None
            elif group not in entry or entry[group] is not None:
                accepted = entry.get(group) or set()
                accepted.add(spelling)
                entry[group] = accepted

    add(MENTION, MENTION_STARTS, exact=False)  # mentions are found in the lower-case text
    add(REMOTE, REMOTE_NEEDLES, exact=True)
    add(PAY, pay_needles(), exact=True)
    add(YEARS, YEARS_NEEDLES, exact=True)
    add(LEVEL, LEVEL_NEEDLES, exact=False)
    add(EMPLOYMENT, EMPLOYMENT_NEEDLES, exact=False)
    add(TERMS, TERMS_NEEDLES, exact=False)
    needles: dict[str, dict[int, frozenset[str] | None]] = {}
    symbols: dict[str, tuple[int, ...]] = {}
    merged: dict[str, dict[int, set[str] | None]] = {}
    for needle, groups in wanted.items():
        key = spaced(needle)
        if not key.strip():
            if len(needle) != 1 or any(v is not None and v != {needle} for v in groups.values()):
                raise ValueError(f"unsupported needle {needle!r}")  # pragma: no cover
            symbols[needle] = tuple(groups)
            continue
        if key != key.strip():
            raise ValueError(f"unsupported needle {needle!r}")  # pragma: no cover
        # "on-site" and "on site" are one key of the spaced text: their spellings join.
        entry = merged.setdefault(key, {})
        for group, accepted in groups.items():
            if accepted is None or entry.get(group, set()) is None:
                entry[group] = None
            else:
                entry[group] = (entry.get(group) or set()) | accepted
    for key, groups in merged.items():
        needles[key] = {
            g: frozenset(accepted) if accepted is not None else None
            for g, accepted in sorted(groups.items())
        }
    return needles, symbols


def _keys() -> dict[str, Any]:
    """Every key the scan looks for in the padded, spaced text (" ci cd pipelines "), with what
    a match of it means: the skill matcher's patterns and every reader's needles, separators
    written as spaces ("on-site" -> "on site"). Keys of skills start with a space, needles
    never: no key is both. A key given twice keeps its last value, as in an automaton."""
    keys: dict[str, Any] = dict(skill_matcher().patterns)
    for key, groups in _needles()[0].items():
        keys[key] = (len(key), tuple(groups.items()))
    return keys


@cache
def _automaton() -> Any:
    """One automaton over the padded, spaced text for all the keys."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key, value in _keys().items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


@cache
def _key_table() -> Any:
    """The compiled kernel's tables for the same keys (rolediff._speedups.scan_keys: skill keys
    found word by word, needles where their first two code points are)."""
    import numpy as np

    keys = _keys()
    skill_keys = [(k, v) for k, v in keys.items() if k.startswith(" ")]
    needles = [(k, v) for k, v in keys.items() if not k.startswith(" ")]
    groups: dict[str, list[int]] = {}
    leads, trails = [], []
    for i, (key, _) in enumerate(skill_keys):
        core = key.strip(" ")
        leads.append(len(key) - len(key.lstrip(" ")))
        trails.append(len(key) - len(key.rstrip(" ")))
        groups.setdefault(core, []).append(i)
    prefixes: dict[int, int] = {}  # hash of each word-prefix of a core -> its group, or -1
    max_words = max_gap = 1
    for group, core in enumerate(groups):
        words = list(re.finditer(r"[^ ]+", core))
        max_words = max(max_words, len(words))
        for a, b in itertools.pairwise(words):
            max_gap = max(max_gap, b.start() - a.end())
        for word in words:
            h = text_hash(core[: word.end()])
            if word.end() < len(core):
                prefixes.setdefault(h, -1)
            elif prefixes.get(h, -1) != -1:  # two cores of one hash: one could never be found
                raise DataError(f"skill keys {core!r} and another share a hash")
            else:
                prefixes[h] = group
    cores = list(groups)
    members = list(groups.values())

    def codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        joined = np.asarray([ord(c) for text in texts for c in text], dtype=np.uint32)
        starts = np.cumsum([0, *map(len, texts)]).astype(np.int32)
        return joined, starts

    kernel = speedups()
    return kernel.key_table(
        np.asarray(list(prefixes), dtype=np.uint64),
        np.asarray(list(prefixes.values()), dtype=np.int32),
        np.cumsum([0, *map(len, members)]).astype(np.int32),
        np.asarray([i for m in members for i in m], dtype=np.int32),
        *codes(cores),
        np.asarray(leads, dtype=np.int32),
        np.asarray(trails, dtype=np.int32),
        *codes([k for k, _ in needles]),
        max_words,
        max_gap,
        tuple(v for _, v in skill_keys + needles),
    )


def scan(text: str | Prepared) -> Found:
    """Every place in the text that a reader asked for (overlapping places included), and the
    skill matcher's automaton matches."""
    prepared = text if isinstance(text, Prepared) else Prepared.of(text)
    groups: tuple[list[tuple[int, int]], ...] = tuple([] for _ in range(GROUPS))
    kernel = speedups()
    if kernel is not None:
        skills = kernel.scan_keys(prepared.codes, _key_table(), prepared.text, groups)
    else:
        matches = _automaton().iter(f" {prepared.spaced} ")
        skills = _place_matches(matches, prepared.text, groups)
    low = prepared.low
    for symbol, symbol_groups in _needles()[1].items():
        at = low.find(symbol)
        while at != -1:
            for group in symbol_groups:
                groups[group].append((at, at + 1))
            at = low.find(symbol, at + 1)
    return Found(groups, skills)


def _place_matches(
    matches: Iterable[tuple[int, Any]], original: str, groups: tuple[list[tuple[int, int]], ...]
) -> list[tuple[int, SkillPattern]]:
    """The skill keys' matches of the automaton; the needles' places, (start, end) in the
    original text, appended to the groups that asked for them (in the spellings they accept)."""
    skills = []
    for end, value in matches:
        if len(value) == 5:
            skills.append((end, value))
            continue
        length, entries = value
        start = end - length  # the padded text has one extra leading space
        for group, accepted in entries:
            if accepted is None or original[start:end] in accepted:
                groups[group].append((start, end))
    return skills
