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

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from rolediff.skills import Prepared, SkillPattern, lower_same_length, skill_matcher, spaced

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

MENTION_STARTS = ("dev", "sre", "site", "service", "cloud", "aws", "azure", "gcp", "platform")
REMOTE_NEEDLES = tuple(
    spelling
    for word in ("remote", "hybrid", "on-site", "onsite", "on site", "office", "from home")
    for spelling in (word, word.capitalize(), word.upper())
)
YEARS_NEEDLES = ("year", "Year", "YEAR", "yrs", "Yrs")


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


@cache
def _automaton() -> Any:
    """One automaton over the padded, spaced text (" ci cd pipelines "): the skill matcher's
    patterns and every reader's needles, separators written as spaces ("on-site" -> "on site")."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key, pattern in skill_matcher().patterns:
        automaton.add_word(key, pattern)
    for key, groups in _needles()[0].items():
        # Keys of skills start with a space, needles never: no key is both.
        automaton.add_word(key, (len(key), tuple(groups.items())))
    automaton.make_automaton()
    return automaton


def scan(text: str | Prepared) -> Found:
    """Every place in the text that a reader asked for (overlapping places included), and the
    skill matcher's automaton matches."""
    prepared = text if isinstance(text, Prepared) else Prepared.of(text)
    original, low = prepared.text, prepared.low
    groups: tuple[list[tuple[int, int]], ...] = ([], [], [], [])
    skills = []
    for end, value in _automaton().iter(f" {prepared.spaced} "):
        if len(value) == 5:
            skills.append((end, value))
            continue
        length, entries = value
        start = end - length  # the padded text has one extra leading space
        for group, accepted in entries:
            if accepted is None or original[start:end] in accepted:
                groups[group].append((start, end))
    for symbol, symbol_groups in _needles()[1].items():
        at = low.find(symbol)
        while at != -1:
            for group in symbol_groups:
                groups[group].append((at, at + 1))
            at = low.find(symbol, at + 1)
    return Found(groups, skills)
