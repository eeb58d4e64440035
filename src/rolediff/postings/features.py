"""What the role classifier sees in a posting: word n-grams, role phrases and skill areas.

The same code builds features at training time (scripts/train_classifier.py) and at prediction
time, so the shipped model and the features it was trained on cannot drift apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from rolediff.postings.scan import MENTION, MENTION_STARTS, Found, scan
from rolediff.skills import Prepared, SkillHit, lower_same_length, spaced, taxonomy

ROLES = ("devops", "sre", "devsecops", "cloud", "platform", "other")
INFRA_ROLES = ROLES[:-1]


_NOUN = (
    r"(?:engineers?|engineering|teams?|roles?|developers?|managers?|architects?|specialists?"
    r"|consultants?|administrators?|admins?|leads?|practices?|positions?|ops)"
)
# One pass over the lower-cased text finds every family *mention*; a mention followed by a role
# noun is a *role phrase* ("SRE team", "DevOps engineer"). Built from the rules that label the
# development corpus by title (see its SOURCE.md).
_MENTION = re.compile(
    r"\b(?:(?P<devsecops>dev[\s-]?sec[\s-]?ops)"
    r"|(?P<devops>dev[\s-]?ops)\b"
    r"|(?P<sre_token>sres?)\b"
    r"|(?P<sre>site[\s-]reliability|service reliability)"
    r"|(?P<cloud>cloud|aws|azure|gcp)\b"
    r"|(?P<platform>platform)\b)"
)
_FOLLOWED_BY_NOUN = {
    "devsecops": re.compile(rf"[\s-]+{_NOUN}"),
    "devops": re.compile(rf"[\s-]+{_NOUN}"),
    "sre": re.compile(rf"[\s-]+{_NOUN}"),
    "cloud": re.compile(
        r"(?:\s+cloud)?[\s-]+(?:engineers?|engineering|architects?|administrators?|admins?"
        r"|consultants?|specialists?|ops|operations|team)"
    ),
    "platform": re.compile(
        r"[\s-]+(?:engineers?|engineering|teams?|reliability|ops|operations|infrastructure)"
    ),
}
EARLY_CHARS = 600
"""A role phrase this close to the start usually names the job being offered."""


@dataclass(slots=True)
class Mention:
    """Where a text names a role family (not frozen: a posting has dozens, and a frozen
    dataclass costs four times as much to make)."""

    role: str
    start: int
    end: int
    text: str
    is_role: bool
    """Names the role ("SRE team"), not just the word ("cloud")."""


_SHORT = 400


def _find_all(text: str, key: str) -> list[int]:
    found = []
    at = text.find(key)
    while at != -1:
        found.append(at)
        at = text.find(key, at + 1)
    return found


def mentions(text: str | Prepared, found: Found | None = None) -> list[Mention]:
    """Every place the text names an infrastructure role family, in order."""
    original, low = (text.text, text.low) if isinstance(text, Prepared) else (text, None)
    low = low if low is not None else lower_same_length(original)
    if found is None and len(low) <= _SHORT:
        # A title: a few str.find are cheaper than preparing it for the automaton.
        hay = text.spaced if isinstance(text, Prepared) else spaced(low)
        starts = sorted({at for key in MENTION_STARTS for at in _find_all(hay, key)})
    else:
        starts = sorted({start for start, _ in (found or scan(text)).of(MENTION)})
    out = []
    last_end = -1
    for pos in starts:
        m = _MENTION.match(low, pos)
        if m is None or pos < last_end:
            continue
        kind = m.lastgroup or ""
        role = "sre" if kind == "sre_token" else kind
        follow = _FOLLOWED_BY_NOUN[role].match(low, m.end())
        end = follow.end() if follow else m.end()
        is_role = kind == "sre_token" or follow is not None
        out.append(Mention(role, pos, end, original[pos:end], is_role))
        last_end = m.end()
    return out


def title_roles(title: str | None) -> list[str]:
    """Infrastructure role families a job title names, in title order (first mention each)."""
    return list(_title_roles(title)) if title else []


@lru_cache(maxsize=4096)
def _title_roles(title: str) -> tuple[str, ...]:
    # A corpus repeats its titles ("DevOps Engineer"): each is read once.
    named: list[str] = []
    for m in mentions(title):
        if m.role in ("cloud", "platform") and not m.is_role:
            continue
        if m.role not in named:
            named.append(m.role)
    return tuple(named)


def tokens(text: str | Prepared) -> list[str]:
    """Lower-case words and pairs of adjacent words (the classifier's text features)."""
    prepared = text if isinstance(text, Prepared) else Prepared.of(text)
    words = prepared.spaced.split()
    return words + list(map(" ".join, pairwise(words)))


def phrase_features(found: list[Mention]) -> list[float]:
    """Per family: log count of role phrases, log count of mentions, named early; then which
    family is named first as a role."""
    phrases = dict.fromkeys(INFRA_ROLES, 0)
    bare = dict.fromkeys(INFRA_ROLES, 0)
    early = dict.fromkeys(INFRA_ROLES, 0.0)
    first = None
    for m in found:
        if m.role not in bare:
            continue
        bare[m.role] += 1
        if m.is_role:
            phrases[m.role] += 1
            first = first or m.role
            if m.start < EARLY_CHARS:
                early[m.role] = 1.0
    out: list[float] = []
    for role in INFRA_ROLES:
        out += [math.log1p(phrases[role]), math.log1p(bare[role]), early[role]]
    out += [float(first == role) for role in INFRA_ROLES]
    return out


@cache
def area_ids() -> tuple[str, ...]:
    return tuple(a.id for a in taxonomy().areas())


@cache
def _area_index() -> dict[str, int]:
    return {a: i for i, a in enumerate(area_ids())}


def skill_features(hits: list[SkillHit]) -> list[float]:
    """Log count of skill mentions per skill area."""
    index = _area_index()
    counts = [0.0] * len(index)
    for hit in hits:
        counts[index[hit.area or hit.id]] += hit.count
    return [math.log1p(c) for c in counts]


def extra_feature_names() -> list[str]:
    names = [f"{role}:{kind}" for role in INFRA_ROLES for kind in ("phrases", "mentions", "early")]
    names += [f"{role}:named_first" for role in INFRA_ROLES]
    return names + [f"area:{a}" for a in area_ids()]


@cache
def _signatures() -> dict[tuple[str, str], frozenset[str]]:
    """For each ordered pair of roles (R, Q): the skills Q's profile lists in its core areas
    (areas and their examples) that R's profile does not list at all."""
    from rolediff import data

    def listed(role: str, core_only: bool) -> set[str]:
        found: set[str] = set()
        for skill in data.role_profiles()[role].skills:
            if not core_only or skill.level == "core":
                found.add(skill.id)
                found.update(skill.examples)
        return found

    return {
        (r, q): frozenset(listed(q, True) - listed(r, False))
        for r in INFRA_ROLES
        for q in INFRA_ROLES
        if r != q
    }


def other_role_skills(role: str, skill_ids: set[str]) -> tuple[str, list[str]]:
    """The other infrastructure role whose own core skills the posting asks for most (a DevOps
    posting asking for on-call, SLOs and postmortems leans toward SRE), and those skills."""
    signatures = _signatures()
    candidates = [(sorted(skill_ids & signatures[(role, q)]), q) for q in INFRA_ROLES if q != role]
    shared, other = max(candidates, key=lambda c: len(c[0]))
    return other, shared
