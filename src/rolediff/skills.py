"""The skill taxonomy: canonical skills, the areas they roll up to, their aliases (k8s)."""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolediff import data
from rolediff.data import surface as surface  # the matcher's form comparison, defined once
from rolediff.data.schema import Skill
from rolediff.errors import UnknownSkillError, suggest

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np


@dataclass(frozen=True)
class Taxonomy:
    by_id: dict[str, Skill]
    by_surface: dict[str, str]
    """lower-cased id, name or alias → skill id"""
    by_area: dict[str, tuple[Skill, ...]]

    def get(self, skill_id: str) -> Skill:
        """The skill with this canonical id."""
        try:
            return self.by_id[skill_id]
        except KeyError:
            raise UnknownSkillError(
                f"No skill has the id '{skill_id}'.", suggestions=suggest(skill_id, self.by_id)
            ) from None

    def resolve(self, text: str) -> Skill:
        """The skill a person means by an id, a name or an alias ("k8s", "Argo CD")."""
        skill_id = self.by_surface.get(surface(text))
        if skill_id is None:
            raise UnknownSkillError(
                f"'{text}' is not a skill rolediff knows.",
                suggestions=suggest(text, [s.name for s in self.by_id.values()]),
            )
        return self.by_id[skill_id]

    def areas(self) -> list[Skill]:
        return [s for s in self.by_id.values() if s.kind == "area"]

    def members(self, area_id: str) -> tuple[Skill, ...]:
        """The tools, languages and practices that roll up to an area."""
        return self.by_area.get(area_id, ())


@cache
def taxonomy() -> Taxonomy:
    by_id = {s.id: s for s in data.skills()}
    by_surface: dict[str, str] = {}
    by_area: dict[str, list[Skill]] = defaultdict(list)
    for skill in by_id.values():
        for form in (skill.id, skill.name, *skill.aliases):
            by_surface.setdefault(surface(form), skill.id)
        if skill.area is not None:
            by_area[skill.area].append(skill)
    return Taxonomy(by_id, by_surface, {k: tuple(v) for k, v in by_area.items()})


def get_skill(text: str) -> Skill:
    """Resolve a skill by id, name or alias."""
    return taxonomy().resolve(text)


@dataclass(slots=True)
class SkillHit:
    """One skill found in a text: how often, and where (character offsets, end exclusive).

    Not frozen: a posting has a dozen of these, and a frozen dataclass costs four times as much
    to make (each field goes through object.__setattr__)."""

    id: str
    name: str
    category: str
    area: str | None
    count: int
    spans: list[tuple[int, int]]


_URL_MARKERS = ("://", "www.", "@")
_SPACE = re.compile(r"\s")


def _inside(spans: list[tuple[int, int]], starts: list[int], at: int) -> bool:
    """Whether `at` lies in one of the sorted `spans` (`starts`: their starts), disjoint but for
    spans that end together."""
    i = bisect_right(starts, at) - 1
    return i >= 0 and at < spans[i][1]


_LINK_OPENERS = frozenset("([<\"'")
"""What a link starts after within a run: markdown's "[Docker](https://docker.com)", "<https://…>",
quotes. The link text before it is text ("Docker" is a skill), the link is not."""


def _url_spans(low: str) -> list[tuple[int, int]]:
    """The links and e-mail addresses: from the start of the whitespace-delimited run holding
    one, or the bracket or quote it opens after, to the run's end; sorted, and disjoint but for
    spans of one run, which end together (skills inside them, such as HTTPS in https://…, do not
    count). Found by str.find: a regex over the whole posting would cost more than the rest of
    the matching."""
    spans = set()
    for marker in _URL_MARKERS:
        at = low.find(marker)
        while at != -1:
            left = at
            while left > 0 and not low[left - 1].isspace() and low[left - 1] not in _LINK_OPENERS:
                left -= 1
            space = _SPACE.search(low, at)
            right = space.start() if space else len(low)
            spans.add((left, right))
            at = low.find(marker, max(right, at + 1))
    return sorted(spans)


@dataclass(frozen=True)
class _Rule:
    cased: frozenset[str]
    context: Any
    """An Aho-Corasick automaton of the lower-case context words (value: a word's length), or
    None: one pass over the window in C, where a regular expression of 60 alternatives tried
    each at every position cost ~8 us a window."""
    window: int
    not_before: frozenset[str]
    not_after: frozenset[str]


_NEIGHBOUR_GAP = 24
"""How far (in characters) from a match its neighbour word may start, the spaces and punctuation
between counted: as far as the window the rules were first written against reached."""
_LETTER = r"(?:[^\W_]|[+#])"
"""A character of a neighbour word: a letter, a digit, or the "+" and "#" of "c++" and "c#".
Everything else (markdown's "*", "_" and "`", quotes, brackets, dashes, slashes) only wraps or
separates words, and is dropped from a word's ends."""
_WORD = rf"({_LETTER}(?:\S*{_LETTER})?)"
"""A run of non-space characters from its first letter to its last."""
_NEXT = re.compile(
    rf"(?:[^\S\n]|[^\w\s,;&|•.:!?…+#]|_|[.:!?…](?=\S*?{_LETTER})){{0,{_NEIGHBOUR_GAP}}}{_WORD}"
)
"""The word after a match, passing over spaces and punctuation, but not a line break, a comma, a
semicolon, "&", "|", a bullet, or a period, colon, "!", "?" or "…" that no letter follows in its
run of non-spaces (which ends a sentence: not the dot of ".NET")."""
_PREVIOUS = re.compile(rf"(?:[^\S\n]|[^\w\s;&|•.:!?…+#]|_){{0,{_NEIGHBOUR_GAP}}}{_WORD}")
"""The word before a match, read backwards (the text reversed): as _NEXT, but across commas, and
a period, colon, "!", "?" or "…" after the word always ends it ("Inc. Kong")."""


def _next_word(low: str, stop: int) -> str | None:
    """The word after a match as the context rules read it (`not_before`), or None when a break
    comes first: markdown, quotes, brackets and dashes are passed over ("customer-facing
    systems?**" reads "systems", "**KMS Technology**" reads "technology"). A line break, a
    sentence break and a comma end the phrase that a match starts: "written in Go, to help" and
    "Python, Go\n  * A deep sense of quality" read no next word."""
    found = _NEXT.match(low, stop)
    return found.group(1) if found else None


def _previous_word(low: str, start: int) -> str | None:
    """The word before a match as the context rules read it (`not_after`): the mirror of
    _next_word ("Technical Career Pathway (TCP)" reads "pathway"), except that a comma does not
    end it. A list of modifiers before a word is read across its commas ("bold, smart, agile",
    "a dynamic, agile environment"): those are what `not_after` rules name, where `not_before`
    rules name the nouns and function words that would join a match ("Go to", "leadership
    team"), which a comma parts from it."""
    found = _PREVIOUS.match(low[max(0, start - 4 * _NEIGHBOUR_GAP) : start][::-1])
    return found.group(1)[::-1] if found else None


def _in_word(char: str) -> bool:
    """Whether a character continues a word, as the context words see it (a regular
    expression's \\w, which is str.isalnum() and "_", and "+" and "#" of "c++" and "c#")."""
    return char.isalnum() or char in "_+#"


def lower_same_length(text: str) -> str:
    """Lower-case without changing any offset (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@cache
def _separator_table() -> np.ndarray:
    """True for code points that separate words: punctuation, symbols, spaces and controls,
    except '+' and '#' ("C++", "C#"). Code points beyond the table count as letters: its last
    entry (U+3000) stands for all of them."""
    import numpy as np

    table = np.zeros(_TABLE_END + 1, dtype=bool)
    for code in range(_TABLE_END):
        char = chr(code)
        table[code] = unicodedata.category(char)[0] in "PSZC" and char not in "+#"
    return table


_TABLE_END = 0x3000
_BMP = 0x10000
_CAPITAL_SIGMA = "\u03a3"


@cache
def _bmp_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each code point of the Basic Multilingual Plane: its lower case as lower_same_length
    gives it (itself where that is two characters); and its code in the spaced text (a space
    for a separator)."""
    import numpy as np

    chars = list(map(chr, range(_BMP)))
    lows = map(str.lower, chars)
    joined = "".join([low if len(low) == 1 else c for c, low in zip(chars, lows, strict=True)])
    lower = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    spaced_code = np.arange(_BMP, dtype=np.uint32)
    spaced_code[: _TABLE_END + 1][_separator_table()] = 32
    return lower, spaced_code


_ASCII_SEPARATORS = bytes(
    ord(" ") if unicodedata.category(chr(c))[0] in "PSZC" and chr(c) not in "+#" else c
    for c in range(128)
) + bytes(range(128, 256))
"""bytes.translate table: the separator table for ASCII text."""


def _spaced_codes(low: str) -> np.ndarray:
    """The code points of `low` with every separator turned into a space (32)."""
    import numpy as np

    if low.isascii():
        # Most of the cost of the general path is converting to and from UTF-32.
        return np.frombuffer(low.encode("ascii").translate(_ASCII_SEPARATORS), dtype=np.uint8)
    codes = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    separator = _separator_table()[np.minimum(codes, _TABLE_END)]
    spaced_codes = codes.copy()
    spaced_codes[separator] = 32
    return spaced_codes


def _decode(codes: np.ndarray) -> str:
    if codes.dtype.itemsize == 1:
        return codes.tobytes().decode("ascii")
    return codes.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def spaced(low: str) -> str:
    """Every separator turned into a space, offsets unchanged, so that an automaton looking for
    " kubernetes " finds the word and only the word."""
    return _decode(_spaced_codes(low))


# --- word hashes ---------------------------------------------------------------------------
# Each word of a spaced text (a run of non-spaces: exactly what str.split() returns) gets a
# 64-bit polynomial hash of its code points (modulo 2**64), computed for all words at once with
# numpy from prefix sums; a pair of words combines its two hashes. Looking words and pairs up by
# hash in a HashIndex costs a few array operations per posting instead of a dictionary lookup
# per word. Equal words always hash equal; for two different words (or pairs) of ordinary text
# to share a hash is vanishingly unlikely, and HashIndex refuses a vocabulary in which two terms
# do. (Polynomial hashes modulo 2**64 can be made to collide on purpose: a crafted posting could
# at worst add a term to its own score.)

_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_PAIR = 0x9E3779B97F4A7C15
_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (at least), grown by doubling."""
    import numpy as np

    if not _POWERS or len(_POWERS[0]) < n:
        size = max(1 << 14, 1 << (n - 1).bit_length())
        arrays = []
        for base in (_BASE, pow(_BASE, -1, 1 << 64)):
            out = np.empty(size, dtype=np.uint64)
            out[0] = 1
            filled = 1
            while filled < size:  # out[filled:2*filled] = out[:filled] * base**filled
                step = min(filled, size - filled)
                factor = out[filled - 1 : filled] * np.asarray([base], dtype=np.uint64)
                out[filled : filled + step] = out[:step] * factor
                filled += step
            arrays.append(out)
        _POWERS[:] = arrays
    return _POWERS[0], _POWERS[1]


@dataclass(frozen=True)
class Words:
    """The words of a spaced text: where each starts and ends, and its hash."""

    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray) -> Words:
        import numpy as np

        n = len(codes)
        letter = np.zeros(n + 2, dtype=bool)
        np.not_equal(codes, 32, out=letter[1:-1])
        if codes.dtype.itemsize > 1:  # an ideographic space splits words too (str.split)
            letter[1:-1] &= codes != _TABLE_END
        edges = (letter[1:] != letter[:-1]).nonzero()[0]
        starts, ends = edges[0::2], edges[1::2]
        power, inverse = _powers(n + 1)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        (codes * power[:n]).cumsum(out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
        return cls(starts, ends, hashes)

    def pairs(self) -> np.ndarray:
        """The hash of each pair of adjacent words."""
        import numpy as np

        pairs: np.ndarray = self.hashes[:-1] * np.uint64(_PAIR)
        pairs += self.hashes[1:]
        return pairs


def text_hash(text: str) -> int:
    """The polynomial hash of a text's code points, sum of code * BASE**offset modulo 2**64:
    a word's hash in Words, and of a run of words with the spaces between them (the compiled
    kernel's scan_keys extends it word by word)."""
    h, power = 0, 1
    for char in text:
        h = (h + ord(char) * power) & 0xFFFFFFFFFFFFFFFF
        power = (power * _BASE) & 0xFFFFFFFFFFFFFFFF
    return h


def hash_terms(terms: list[str]) -> np.ndarray:
    """The hash of each term: one word, or two words joined by one space (as pairs() hashes)."""
    import numpy as np

    joined = " ".join(terms)
    sizes = np.fromiter((t.count(" ") + 1 for t in terms), dtype=np.int64, count=len(terms))
    words = Words.of(_spaced_codes(joined))
    if spaced(joined) != joined or len(words.hashes) != sizes.sum() or sizes.max(initial=1) > 2:
        raise ValueError("terms must be one or two words (no separators) joined by one space")
    first = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    pair_hashes = np.concatenate((words.pairs(), np.zeros(1, dtype=np.uint64)))
    return np.where(sizes == 1, words.hashes[first], pair_hashes[first])


class HashIndex:
    """Finds which of a set of 64-bit hashes occur in an array of hashes, all at once.

    A displacement table (hash-and-displace, as in CHD): the low bits of a hash choose a bucket,
    and the bucket's odd multiplier sends each of its keys to a slot of its own. A lookup is a
    handful of vectorised operations with two memory reads per query, several times cheaper
    than a binary search over the sorted keys, whose branches cannot be predicted.
    """

    def __init__(self, keys: np.ndarray) -> None:
        import numpy as np

        keys = np.asarray(keys, dtype=np.uint64)
        if len(np.unique(keys)) != len(keys):
            raise ValueError("keys must be distinct")
        self._size = len(keys)
        bits = max(10, (3 * max(len(keys), 1) - 1).bit_length())  # load factor at most 1/3
        size = 1 << bits
        self._shift = np.uint64(64 - bits)
        self._bucket_mask = np.uint64((1 << max(4, bits - 3)) - 1)
        bucket = (keys & self._bucket_mask).astype(np.intp)
        self._multipliers = np.zeros(int(self._bucket_mask) + 1, dtype=np.uint64)
        positions = np.full(size, -1, dtype=np.int64)
        taken = np.zeros(size, dtype=bool)
        pending = np.arange(len(keys))
        # Every round tries one more multiplier for all the buckets not placed yet; a bucket is
        # placed when each of its keys lands on a free slot that no other key wants this round.
        for trial in range(1, 1 << 16):
            if not len(pending):
                break
            # Large odd multipliers: the slot (the top bits of the product) depends on every
            # bit of the key.
            multiplier = np.uint64((trial * _PAIR) & ((1 << 64) - 1) | 1)
            slot = ((keys[pending] * multiplier) >> self._shift).astype(np.intp)
            clash = taken[slot] | (np.bincount(slot, minlength=size)[slot] > 1)
            failed = np.zeros(len(self._multipliers), dtype=bool)
            failed[bucket[pending[clash]]] = True
            ok = ~failed[bucket[pending]]
            taken[slot[ok]] = True
            positions[slot[ok]] = pending[ok]
            self._multipliers[bucket[pending[ok]]] = multiplier
            pending = pending[~ok]
        if len(pending):  # pragma: no cover - needs 65,535 failed rounds
            raise ValueError("could not place the keys")
        # An empty slot holds the first key and its position: a query that lands there and
        # equals it *is* that key, so every equal key found gives the right position. Each
        # slot keeps its key and position side by side: one memory read per lookup.
        self._slots = np.zeros((size, 2), dtype=np.uint64)
        self._slots[:, 0] = keys[0] if len(keys) else 0
        self._slots[taken, 0] = keys[positions[taken]]
        self._slots[taken, 1] = positions[taken]

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of `hashes` are keys, as a boolean mask; their positions in the keys)."""
        import numpy as np

        if not self._size:
            return np.zeros(len(hashes), dtype=bool), np.zeros(0, dtype=np.int64)
        multiplier = self._multipliers[(hashes & self._bucket_mask).astype(np.intp)]
        slot = ((hashes * multiplier) >> self._shift).astype(np.intp)
        found = self._slots[slot, 0] == hashes
        return found, self._slots[slot[found], 1].astype(np.int64)

    def count_terms(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the keys that are words or pairs of adjacent words of a spaced
        text (its code points, as Prepared.codes), ascending and distinct; and how often each
        occurs. Runs in the compiled kernel when it is built, else in NumPy (same result)."""
        import numpy as np

        kernel = speedups()
        if kernel is not None:
            idx = np.empty(len(codes) + 1, dtype=np.int64)
            counts = np.empty(len(codes) + 1, dtype=np.int64)
            n = kernel.count_terms(
                codes, self._slots, self._multipliers,
                int(self._shift), int(self._bucket_mask), self._size, idx, counts,
            )  # fmt: skip
            return idx[:n], counts[:n]
        words = Words.of(codes)
        found = self.find(np.concatenate((words.hashes, words.pairs())))[1]
        if not len(found):
            return found, found
        if self._size <= 1 << 16:  # NumPy sorts 16-bit integers by radix: 3x faster here
            found = np.sort(found.astype(np.uint16), kind="stable").astype(np.int64)
        else:
            found.sort()
        first = np.empty(len(found), dtype=bool)
        first[0] = True
        np.not_equal(found[1:], found[:-1], out=first[1:])
        starts = first.nonzero()[0]
        counts = np.diff(starts, append=len(found))
        return found.take(starts), counts


@cache
def speedups() -> Any:
    """The compiled kernel (rolediff._speedups), or None when it is not built, was built from
    another version of its source (an editable install whose C file changed since), or
    ROLEDIFF_PURE_PYTHON is set."""
    if os.environ.get("ROLEDIFF_PURE_PYTHON"):
        return None
    try:
        from rolediff import _speedups
    except ImportError:
        return None
    source = Path(__file__).with_name("_speedups.c")
    if source.exists():
        import hashlib

        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        if getattr(_speedups, "SOURCE_DIGEST", None) != digest:
            return None
    return _speedups


@dataclass(frozen=True, eq=False)
class Prepared:
    """A text with its lower-case and word-spaced forms, computed once and shared."""

    text: str
    low: str
    codes: np.ndarray
    """The code points of `low`, every separator turned into a space."""

    @classmethod
    def of(cls, text: str) -> Prepared:
        if text.isascii():
            low = text.lower()
            return cls(text, low, _spaced_codes(low))
        # Most postings hold a few non-ASCII characters (curly quotes, dashes, bullets), which make
        # str.lower() and the separator lookup several times slower: two lookups in tables of
        # the whole Basic Multilingual Plane do both on the code points at once.
        import numpy as np

        kernel = speedups()
        if kernel is not None:
            codes = np.empty(len(text), dtype=np.uint32)
            low = kernel.prepare(text, *_bmp_tables(), codes)
            if low is not None:
                return cls(text, low, codes)
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if int(raw.max()) >= _BMP or _CAPITAL_SIGMA in text:
            # Lower case beyond the plane, or a sigma whose lower case depends on its context.
            low = lower_same_length(text)
            return cls(text, low, _spaced_codes(low))
        lower, spaced_code = _bmp_tables()
        low_codes = lower.take(raw)
        low = low_codes.tobytes().decode("utf-32-le", "surrogatepass")
        return cls(text, low, spaced_code.take(low_codes))

    @cached_property
    def spaced(self) -> str:
        return _decode(self.codes)


SkillPattern = tuple[str, int, int, int, "_Rule | None"]
"""(skill id, key length, leading spaces, trailing spaces, context rule) of one automaton key."""


class SkillMatcher:
    """Finds taxonomy skills in free text: Aho-Corasick over names and aliases, whole words only.

    Overlapping matches keep the longest ("Google Kubernetes Engine" over "Kubernetes"); forms
    that are also ordinary words obey the context rules in ``skills/context_rules.toml``.
    """

    def __init__(self, tax: Taxonomy | None = None) -> None:
        import ahocorasick

        tax = tax or taxonomy()
        rules = data.skill_context_rules()
        stop = {surface(s) for s in rules.stop}
        self._tax = tax
        self._info = {s.id: (s.name, s.category, s.area) for s in tax.by_id.values()}
        self._rules: dict[tuple[str, str], _Rule] = {}
        for rule in rules.rule:
            context = None
            if rule.context:
                context = ahocorasick.Automaton()
                for word in map(str.lower, rule.context):
                    context.add_word(word, len(word))
                context.make_automaton()
            for form in rule.forms:
                self._rules[(rule.skill, spaced(surface(form)).strip())] = _Rule(
                    frozenset(rule.cased),
                    context,
                    rule.window,
                    frozenset(rule.not_before),
                    frozenset(rule.not_after),
                )
        # Forms that also count toward a second skill ("aws certification": AWS and cloud
        # certification), by the skill the form belongs to, then by the form as the spaced text
        # holds it. The packaged data is checked by the loader; a taxonomy without a form or
        # skill of an entry (a test's) leaves that entry out.
        self._also: dict[str, tuple[frozenset[int], dict[str, str]]] = {}
        also: dict[str, dict[str, str]] = defaultdict(dict)
        for entry in rules.also:
            for form in map(surface, entry.forms):
                owner = tax.by_surface.get(form)
                if owner is None or owner == entry.skill or entry.skill not in tax.by_id:
                    continue
                also[owner][spaced(form).strip()] = entry.skill
        # With the lengths of the forms: most spans of AWS or Kubernetes are the bare name, and
        # a length that no such form has needs no look at the span's text.
        for owner, forms in also.items():
            self._also[owner] = (frozenset(map(len, forms)), forms)
        self._automaton = ahocorasick.Automaton()
        self.patterns = []
        for form, skill_id in tax.by_surface.items():
            core = spaced(form)
            if form in stop or not core.strip():
                continue
            key = f" {core} "
            lead = len(key) - len(key.lstrip(" "))
            trail = len(key) - len(key.rstrip(" "))
            context_rule = self._rules.get((skill_id, core.strip()))
            value = (skill_id, len(key), lead, trail, context_rule)
            self.patterns.append((key, value))
            self._automaton.add_word(key, value)
        self._automaton.make_automaton()

    patterns: list[tuple[str, SkillPattern]]
    """What the automaton looks for in the padded, spaced text (" kubernetes "), and what each
    match means: to build a larger automaton that finds these among other things."""

    def find(
        self, text: str | Prepared, matches: Iterable[tuple[int, SkillPattern]] | None = None
    ) -> list[SkillHit]:
        """Skills in a text, most mentioned first (ties by first position). `matches` are the
        automaton's matches, (end, pattern), when an automaton holding `patterns` has already
        scanned the text as f" {prepared.spaced} "."""
        prepared = text if isinstance(text, Prepared) else Prepared.of(text)
        text, low = prepared.text, prepared.low
        if matches is None:
            matches = self._automaton.iter(f" {prepared.spaced} ")
        urls = _url_spans(low)
        kernel = speedups()
        if kernel is not None:
            found = matches if isinstance(matches, list) else list(matches)
            ends = [b for _, b in urls]
            spans = kernel.place_skills(found, [a for a, _ in urls], ends, self._passes, text, low)
        else:
            spans = self._place(matches, urls, text, low)
        if self._also:
            self._credit_also(spans, prepared.codes)
        info = self._info
        hits = [
            SkillHit(skill_id, *info[skill_id], len(where), where)
            for skill_id, where in spans.items()
        ]
        hits.sort(key=lambda h: (-h.count, h.spans[0][0]))
        return hits

    def _place(
        self,
        matches: Iterable[tuple[int, SkillPattern]],
        urls: list[tuple[int, int]],
        text: str,
        low: str,
    ) -> dict[str, list[tuple[int, int]]]:
        """The automaton's matches as spans of the text, grouped by skill in order of their first
        span: a match is kept when its rule passes and it starts in no link, and taken, by start
        and longest first, unless it overlaps the last one taken. (The compiled kernel's
        place_skills does the same.)"""
        url_starts = [a for a, _ in urls]
        candidates = []
        for end, (skill_id, length, lead, trail, rule) in matches:
            start = end - length + lead  # offsets in `text`: padded has one extra leading space
            stop = end - trail
            if rule is not None and not self._passes(rule, text, low, start, stop):
                continue
            if urls and _inside(urls, url_starts, start):
                continue
            candidates.append((start, stop, skill_id))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        spans: dict[str, list[tuple[int, int]]] = {}
        last_stop = -1
        for start, stop, skill_id in candidates:
            if start >= last_stop:
                spans.setdefault(skill_id, []).append((start, stop))
                last_stop = stop
        return spans

    def also_credits(self, skill_id: str, form: str) -> str | None:
        """The second skill that a form of `skill_id` counts toward (the `[[also]]` entries:
        "AWS certification", a form of AWS, is a cloud certification too), or None."""
        entry = self._also.get(skill_id)
        return None if entry is None else entry[1].get(spaced(surface(form)).strip())

    def _credit_also(self, spans: dict[str, list[tuple[int, int]]], codes: np.ndarray) -> None:
        """Add to `spans` (placed, by skill) the second skill of each span whose form also
        counts toward one (the `[[also]]` entries of the context rules), at the same span. One
        dictionary lookup per skill that has such forms, and a look at a span's text only
        where its length is that of such a form."""
        credits = []
        for owner, (lengths, forms) in self._also.items():
            where = spans.get(owner)
            if where is not None:
                for start, stop in where:
                    if stop - start in lengths:
                        other = forms.get(_decode(codes[start:stop]))
                        if other is not None:
                            credits.append((other, (start, stop)))
        for other, span in credits:
            # Placed spans never overlap, so the span is new to `other`: insort keeps the order.
            if other in spans:
                insort(spans[other], span)
            else:
                spans[other] = [span]

    @staticmethod
    def _passes(rule: _Rule, text: str, low: str, start: int, stop: int) -> bool:
        if rule.cased and text[start:stop] not in rule.cased:
            return False
        if rule.not_before and _next_word(low, stop) in rule.not_before:
            return False
        if rule.not_after and _previous_word(low, start) in rule.not_after:
            return False
        if rule.context is not None:
            origin = max(0, start - rule.window)
            window = low[origin : stop + rule.window]
            last = len(window) - 1
            for end, length in rule.context.iter(window):
                begin = end - length + 1
                # The match itself is no evidence for itself ("go" is a context word for "c").
                if origin + begin < stop and origin + end >= start:
                    continue
                # A whole word: no letter, digit, "_", "+" or "#" on either side ("c" in "c++").
                if begin > 0 and _in_word(window[begin - 1]):
                    continue
                if end < last and _in_word(window[end + 1]):
                    continue
                return True
            return False
        return True


@cache
def skill_matcher() -> SkillMatcher:
    """The shared matcher over the packaged taxonomy (built once per process)."""
    return SkillMatcher()


def find_skills(text: str | Prepared) -> list[SkillHit]:
    """Skills mentioned in a text (a posting, a résumé), with counts and offsets."""
    return skill_matcher().find(text)
