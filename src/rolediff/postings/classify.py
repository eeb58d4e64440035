"""The role classifier: a linear model over a posting's words, role phrases and skill areas.

It reads the description alone; a title, when given, is extra evidence. The weights ship as
data (``data/classifier/role_model.json``, written by ``scripts/train_classifier.py``), and
prediction needs only numpy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from rolediff import data
from rolediff.postings.features import (
    INFRA_ROLES,
    ROLES,
    Mention,
    mentions,
    other_role_skills,
    phrase_features,
    skill_features,
    title_roles,
)
from rolediff.skills import (
    HashIndex,
    Prepared,
    SkillHit,
    find_skills,
    hash_terms,
    speedups,
    taxonomy,
)


# A slotted dataclass, not a model: an analysis holds a dozen of these, built here directly
# (validating them from dicts cost more than the rest of an analysis' validation), and a
# model's attribute dictionary and set of fields set would triple the objects the garbage
# collector walks over for each. Not frozen, as the lists holding them are not: a frozen
# dataclass takes three times as long to make. The models holding it validate (from JSON) and
# serialise it as they did the model.
@dataclass(slots=True)
class Evidence:
    """Something in the posting that pushed the classifier toward its answer."""

    kind: str
    """"title", "phrase" (names the family: its role phrase, else a bare mention), "term" (a word
    or pair of words) or "skill"."""
    text: str
    role: str
    weight: float
    spans: tuple[tuple[int, int], ...] = ()


class RoleScores(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str
    scores: dict[str, float]
    hybrid: bool
    hybrid_of: list[str]
    evidence: list[Evidence]


class ModelFile(BaseModel):
    """The shipped model: see scripts/train_classifier.py and data/classifier/SOURCE.md."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    labels: list[str]
    vocabulary: list[str]
    idf: list[float]
    extra_features: list[str]
    phrase_weight: float
    skill_weight: float
    coef: list[list[float]]
    intercept: list[float]
    title_boost: float
    title_other_factor: float
    hybrid_min_share: float
    hybrid_min_skills: int
    evidence_min_employers: int
    term_employers: list[int]
    """Per vocabulary term: how many employers' training postings use it."""
    training: dict[str, object]

    @model_validator(mode="after")
    def _one_count_a_term(self) -> ModelFile:
        if len(self.term_employers) != len(self.vocabulary):
            raise ValueError("term_employers must give one count per vocabulary term")
        return self


@dataclass(frozen=True)
class _Weights:
    labels: list[str]
    terms: HashIndex
    """The vocabulary's terms by hash (skills.hash_terms): a term's position is its column."""
    area_features: dict[str, tuple[int, int]]
    """Skill area -> (its index among the skill-area features, among the extra features)."""
    extra_scale: np.ndarray
    """Per extra feature: the phrase or skill weight it is scaled by."""
    scale_of: list[float]
    """``extra_scale`` as plain floats (a posting's evidence reads a few)."""
    extra_columns: np.ndarray
    """``columns`` of the extra features."""
    idf: np.ndarray
    records: np.ndarray
    """Per vocabulary term, one 64-byte row: its idf, its coefficient for each label, and 1.0
    if it may be shown as evidence (`_explains`; what the compiled kernel reads: one cache line
    per term)."""
    coef: np.ndarray  # one row per label; vocabulary columns, then extra features
    columns: np.ndarray
    """coef transposed: one contiguous row of label weights per feature."""
    pull: np.ndarray
    """Per label, each feature's pull toward it rather than toward the average other label."""
    pull_areas: list[list[float]]
    """``pull`` of the skill-area features, per label (plain floats: a posting reads a few)."""
    family_of: dict[str, tuple[int, ...]]
    """Per infrastructure family: its phrase features (role phrases, mentions, named early,
    named first), as indices among the extra features."""
    pull_phrases: list[list[float]]
    """Per label, ``pull`` of the features ``family_of`` names for that label's family (empty
    for ``other``)."""
    intercept: np.ndarray
    n_vocab: int
    explains: np.ndarray
    """Per vocabulary term: it may be shown as evidence (`_explains`: not "000", not "you will";
    and used by at least `evidence_min_employers` employers' training postings)."""
    spec: ModelFile


_FAMILY_FEATURES = ("phrases", "mentions", "early", "named_first")
"""The extra features (features.phrase_features) that a family's mentions make."""


@cache
def _weights() -> _Weights:
    spec = ModelFile.model_validate_json(data.read_text("classifier/role_model.json"))
    if spec.labels != list(ROLES):
        raise data.DataError("classifier labels do not match rolediff's roles")
    coef = np.asarray(spec.coef)
    others = (coef.sum(axis=0) - coef) / (len(spec.labels) - 1)
    try:
        terms = HashIndex(hash_terms(spec.vocabulary))
    except ValueError as e:
        raise data.DataError(f"classifier vocabulary: {e}") from None
    n_vocab = len(spec.vocabulary)
    areas = [
        (n_vocab + i, name.removeprefix("area:"))
        for i, name in enumerate(spec.extra_features)
        if name.startswith("area:")
    ]
    area_columns = np.asarray([i for i, _ in areas], dtype=np.intp)
    columns = np.ascontiguousarray(coef.T)
    pull = coef - others
    explains = np.asarray([_explains(term) for term in spec.vocabulary]) & (
        np.asarray(spec.term_employers) >= spec.evidence_min_employers
    )
    names = {name: i for i, name in enumerate(spec.extra_features)}
    try:
        family_of = {
            role: tuple(names[f"{role}:{kind}"] for kind in _FAMILY_FEATURES)
            for role in INFRA_ROLES
        }
    except KeyError as e:
        raise data.DataError(f"classifier: no extra feature {e}") from None
    extra_scale = np.asarray(
        [
            spec.skill_weight if name.startswith("area:") else spec.phrase_weight
            for name in spec.extra_features
        ]
    )
    return _Weights(
        labels=spec.labels,
        terms=terms,
        area_features={name: (j, i - n_vocab) for j, (i, name) in enumerate(areas)},
        extra_scale=extra_scale,
        scale_of=extra_scale.tolist(),
        extra_columns=np.ascontiguousarray(columns[n_vocab:]),
        idf=np.asarray(spec.idf),
        records=_records(np.asarray(spec.idf), coef, explains),
        coef=coef,
        columns=columns,
        pull=pull,
        pull_areas=pull[:, area_columns].tolist(),
        family_of=family_of,
        pull_phrases=[
            [float(pull[i, n_vocab + j]) for j in family_of.get(label, ())]
            for i, label in enumerate(spec.labels)
        ],
        intercept=np.asarray(spec.intercept),
        n_vocab=len(spec.vocabulary),
        explains=explains,
        spec=spec,
    )


_WORD = re.compile(r"[^\W_]+")


def _words(name: str) -> frozenset[str]:
    text = data.read_text(f"classifier/{name}")
    return frozenset(w for w in (line.strip() for line in text.splitlines()) if w and w[0] != "#")


@cache
def _stopwords() -> frozenset[str]:
    return _words("evidence_stopwords.txt")


@cache
def _pair_openers() -> frozenset[str]:
    openers = _words("evidence_pair_openers.txt")
    if not openers <= _stopwords():
        raise data.DataError("classifier: every pair opener must be an evidence stopword")
    return openers


def _explains(term: str) -> bool:
    """Whether a vocabulary term may be shown as evidence: a word holding a letter that is
    neither a function word ("you", "per") nor a single character (the "w" of "(m/w/d)"); a pair
    of such words, or one led by a preposition ("on call"), not a fragment ("millions of")."""
    stop = _stopwords()

    def says(word: str) -> bool:
        return len(word) > 1 and word not in stop and any(c.isalpha() for c in word)

    words = term.split()
    if len(words) == 1:
        return says(words[0])
    first, last = words[0], words[-1]
    return says(last) and (says(first) or first in _pair_openers())


def _records(idf: np.ndarray, coef: np.ndarray, explains: np.ndarray) -> np.ndarray:
    width = 8
    n_labels = coef.shape[0]
    if n_labels + 2 > width:
        raise data.DataError("the classifier has more labels than its term records hold")
    n = len(idf)
    buffer = np.zeros(n * width + width)
    offset = (-buffer.ctypes.data % 64) // 8  # rows start on a cache line
    records = buffer[offset : offset + n * width].reshape(n, width)
    records[:, 0] = idf
    records[:, 1 : 1 + n_labels] = coef[:, :n].T
    records[:, 1 + n_labels] = explains
    return records


def model_version() -> str:
    return _weights().spec.version


def _text_vector(prepared: Prepared, w: _Weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices and l2-normalised sublinear tf-idf values of the text's known n-grams, and their
    part of each label's logit."""
    # The same n-grams as features.tokens (which trains the model): words and pairs of adjacent
    # words, looked up by hash all at once.
    idx, counts = w.terms.count_terms(prepared.codes)
    if not len(idx):
        return idx, np.zeros(0), np.zeros(len(w.labels))
    kernel = speedups()
    if kernel is not None:
        values = np.empty(len(idx))
        logits = np.empty(len(w.labels))
        kernel.score_terms(idx, counts, w.records, len(w.labels), values, logits)
        return idx, values, logits
    values = (1.0 + np.log(counts)) * w.idf.take(idx)
    norm = float(np.sqrt(values @ values))
    if norm:
        values = values / norm
    return idx, values, values @ w.columns.take(idx, axis=0)


def classify(
    text: str | Prepared,
    title: str | None = None,
    hits: list[SkillHit] | None = None,
    found: list[Mention] | None = None,
) -> RoleScores:
    """Role probabilities for a posting, the hybrid flag and the evidence behind the answer."""
    return RoleScores.model_validate(role_scores(text, title, hits, found))


def role_scores(
    text: str | Prepared,
    title: str | None = None,
    hits: list[SkillHit] | None = None,
    found: list[Mention] | None = None,
    evidence: bool = True,
) -> dict[str, Any]:
    """What `classify` returns, as the fields of a RoleScores (validated once by the caller,
    together with the rest of a posting's analysis); without the evidence when not wanted."""
    w = _weights()
    spec = w.spec
    prepared = text if isinstance(text, Prepared) else Prepared.of(text)
    hits = find_skills(prepared) if hits is None else hits
    found = mentions(prepared) if found is None else found
    idx, values, text_logits = _text_vector(prepared, w)
    features = phrase_features(found) + skill_features(hits)
    kernel = speedups()
    if kernel is not None:  # the same sums, without making five small arrays
        logits = kernel.add_features(
            features, w.extra_scale, w.extra_columns, w.intercept, text_logits
        )
    else:
        extra = np.asarray(features) * w.extra_scale
        logits = (w.intercept + text_logits + extra @ w.extra_columns).tolist()
    named = title_roles(title)
    if named:
        # The title names the job: weigh its first family most, and 'other' least.
        prior = [1.0] * len(w.labels)
        for rank, role in enumerate(named):
            prior[w.labels.index(role)] = spec.title_boost / (rank + 1)
        prior[w.labels.index("other")] = spec.title_other_factor
        logits = [x + math.log(p) for x, p in zip(logits, prior, strict=True)]
    # Six numbers: plain floats cost less than NumPy calls here.
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    probs = [e / total for e in exps]
    scores = {label: round(p, 4) for label, p in zip(w.labels, probs, strict=True)}
    best = w.labels[probs.index(max(probs))]
    reasons = _evidence(best, named, idx, values, features, found, hits, w) if evidence else []

    def _second_role(role: str) -> list[Evidence]:
        """What pulled toward the other role of a hybrid: its phrase, strongest terms and skills
        (its title, if named, is among the reasons already)."""
        return _evidence(role, [], idx, values, features, found, hits, w, limit=3)

    hybrid_of: list[str] = named[:2] if len(named) >= 2 else []
    if not hybrid_of and best != "other":
        other, shared = other_role_skills(best, {h.id for h in hits})
        infra = sorted(INFRA_ROLES, key=lambda r: -scores[r])
        if len(shared) >= spec.hybrid_min_skills:
            hybrid_of = [best, other]
            if evidence:
                tax = taxonomy()
                reasons += [Evidence("skill", tax.by_id[i].name, other, 0.0) for i in shared]
        elif scores[infra[1]] >= spec.hybrid_min_share * scores[infra[0]]:
            hybrid_of = infra[:2]
            if evidence:
                reasons += _second_role(infra[1] if infra[0] == best else infra[0])
    elif evidence and hybrid_of:  # the title names two families
        for role in hybrid_of:
            if role != best:
                reasons += _second_role(role)
    return {
        "role": best,
        "scores": scores,
        "hybrid": bool(hybrid_of),
        "hybrid_of": hybrid_of,
        "evidence": reasons,
    }


def _top_terms(
    idx: np.ndarray, values: np.ndarray, label: int, w: _Weights, limit: int
) -> tuple[list[int], list[float]]:
    """The columns of the (at most `limit`) terms that pull hardest toward a label, and their
    pull: strongest first, ties by column; only terms that may explain, only positive pulls."""
    kernel = speedups()
    if kernel is not None:
        columns, weights = kernel.top_terms(idx, values, w.records, len(w.labels), label, limit)
        return columns, weights
    contrib = w.pull[label].take(idx) * values * w.explains.take(idx)
    candidates = np.arange(len(contrib))
    if len(contrib) > limit:  # those at least as strong as the limit-th strongest, ties included
        cut = -np.partition(-contrib, limit - 1)[limit - 1]
        candidates = (contrib >= cut).nonzero()[0]
    # idx ascends, and a stable sort keeps equal pulls in that order.
    top = candidates[np.argsort(-contrib.take(candidates), kind="stable")[:limit]]
    top = top[contrib.take(top) > 0]
    return idx.take(top).tolist(), contrib.take(top).tolist()


def _evidence(
    role: str,
    named: list[str],
    idx: np.ndarray,
    values: np.ndarray,
    features: list[float],
    found: list[Mention],
    hits: list[SkillHit],
    w: _Weights,
    limit: int = 6,
) -> list[Evidence]:
    """What pushed the classifier toward `role`."""
    label = w.labels.index(role)
    out = [Evidence("title", r, r, 1.0) for r in named]
    said = [m for m in found if m.role == role]
    said = [m for m in said if m.is_role] or said  # its role phrases, else its bare mentions
    repeated: set[str] = set()  # the words of the phrase shown: a term of only those repeats it
    if said:
        # The family's phrase features (role phrases, all its mentions, named early, named
        # first) pull together: what they add to the role's logit over the others' average.
        pulls, scale = w.pull_phrases[label], w.scale_of
        weight = sum(pulls[i] * (features[j] * scale[j]) for i, j in enumerate(w.family_of[role]))
        if weight > 0:  # evidence is what pushed toward the role
            spans = tuple((m.start, m.end) for m in said[:5])
            out.append(Evidence("phrase", said[0].text, role, round(weight, 3), spans))
            repeated = set(_WORD.findall(said[0].text.lower()))
    vocab = w.spec.vocabulary
    # A phrase of k words repeats as at most 2k - 1 terms: its words and its pairs of words.
    extra = 2 * len(repeated) - 1 if repeated else 0
    columns, pulls_of = _top_terms(idx, values, label, w, limit + extra)
    terms = [(vocab[c], p) for c, p in zip(columns, pulls_of, strict=True)]
    terms = [(t, p) for t, p in terms if not set(t.split()) <= repeated][:limit]
    out += [Evidence("term", term, role, round(pull, 3)) for term, pull in terms]
    # Each skill's pull is its area's: the area feature's pull times the feature's (scaled)
    # value.
    pulls, scale = w.pull_areas[label], w.scale_of
    weights = []
    for hit in hits:
        feature = w.area_features.get(hit.area or hit.id)
        weights.append(
            0.0
            if feature is None
            else pulls[feature[0]] * (features[feature[1]] * scale[feature[1]])
        )
    # Strongest first; a reversed sort is stable too, so equal weights keep the hits' order.
    for i in sorted(range(len(hits)), key=weights.__getitem__, reverse=True)[:limit]:
        if weights[i] <= 0:
            break
        hit = hits[i]
        out.append(Evidence("skill", hit.name, role, round(weights[i], 3), tuple(hit.spans[:5])))
    return out
