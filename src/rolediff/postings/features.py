"""What the role classifier sees in a posting: word n-grams, role phrases and skill areas.

The same code builds features at training time (scripts/train_classifier.py) and at prediction
time, so the shipped model and the features it was trained on cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from rolediff.skills import SkillHit, taxonomy

ROLES = ("devops", "sre", "devsecops", "cloud", "platform", "other")
INFRA_ROLES = ROLES[:-1]

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")

_NOUN = (
    r"(?:engineers?|engineering|teams?|roles?|developers?|managers?|architects?|specialists?"
    r"|consultants?|administrators?|admins?|leads?|practices?|positions?|ops)"
)
# A family *mention* anywhere, and a family named as a role ("SRE team", "DevOps engineer").
# Built from the rules that label the development corpus by title (see its SOURCE.md).
_MENTION = {
    "devops": r"(?<![a-z])(?<!sec[\s-])dev[\s-]?ops\b",
    "sre": r"site[\s-]reliability|\bsres?\b|service reliability",
    "devsecops": r"dev[\s-]?sec[\s-]?ops",
    "cloud": r"\b(?:cloud|aws|azure|gcp)\b",
    "platform": r"\bplatform\b",
}
_ROLE_PHRASE = {
    "devops": rf"(?<![a-z])(?<!sec[\s-])dev[\s-]?ops[\s-]+{_NOUN}",
    "sre": rf"site[\s-]reliability[\s-]+{_NOUN}|\bsres?\b(?:[\s-]+{_NOUN})?"
    rf"|service reliability[\s-]+{_NOUN}",
    "devsecops": rf"dev[\s-]?sec[\s-]?ops[\s-]+{_NOUN}",
    "cloud": r"\b(?:cloud|aws|azure|gcp)(?:\s+cloud)?[\s-]+(?:engineers?|engineering|architects?"
    r"|administrators?|admins?|consultants?|specialists?|ops|operations|team)",
    "platform": r"platform[\s-]+(?:engineers?|engineering|teams?|reliability|ops|operations"
    r"|infrastructure)",
}
MENTION = {k: re.compile(v, re.IGNORECASE) for k, v in _MENTION.items()}
ROLE_PHRASE = {k: re.compile(v, re.IGNORECASE) for k, v in _ROLE_PHRASE.items()}
EARLY_CHARS = 600
"""A role phrase this close to the start usually names the job being offered."""


def tokens(text: str) -> list[str]:
    """Lower-case word unigrams and bigrams (the classifier's text features)."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class RolePhrase:
    role: str
    start: int
    end: int
    text: str


def role_phrases(text: str) -> list[RolePhrase]:
    """Every place the text names an infrastructure role, in order."""
    found = [
        RolePhrase(role, m.start(), m.end(), m.group())
        for role, pattern in ROLE_PHRASE.items()
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda p: p.start)


def phrase_features(text: str, phrases: list[RolePhrase]) -> list[float]:
    """Per family: log count of role phrases, log count of mentions, named early; then which
    family is named first."""
    per_role = Counter(p.role for p in phrases)
    first = phrases[0].role if phrases else None
    out: list[float] = []
    for role in INFRA_ROLES:
        early = any(p.role == role and p.start < EARLY_CHARS for p in phrases)
        mentions = len(MENTION[role].findall(text))
        out += [math.log1p(per_role[role]), math.log1p(mentions), float(early)]
    out += [float(first == role) for role in INFRA_ROLES]
    return out


def area_ids() -> list[str]:
    return [a.id for a in taxonomy().areas()]


def skill_features(hits: list[SkillHit]) -> list[float]:
    """Log count of skill mentions per skill area."""
    index = {a: i for i, a in enumerate(area_ids())}
    counts = [0.0] * len(index)
    for hit in hits:
        counts[index[hit.area or hit.id]] += hit.count
    return [math.log1p(c) for c in counts]


def extra_feature_names() -> list[str]:
    names = [f"{role}:{kind}" for role in INFRA_ROLES for kind in ("phrases", "mentions", "early")]
    names += [f"{role}:named_first" for role in INFRA_ROLES]
    return names + [f"area:{a}" for a in area_ids()]
