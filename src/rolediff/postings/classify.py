"""The role classifier: a linear model over a posting's words, role phrases and skill areas.

It reads the description alone; a title, when given, is extra evidence. The weights ship as
data (``data/classifier/role_model.json``, written by ``scripts/train_classifier.py``), and
prediction needs only numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import numpy as np
from pydantic import BaseModel, ConfigDict

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
from rolediff.skills import Prepared, SkillHit, find_skills, taxonomy


class Evidence(BaseModel):
    """Something in the posting that pushed the classifier toward its answer."""

    model_config = ConfigDict(frozen=True)

    kind: str
    """"title", "phrase" (names a role), "term" (a word or pair of words) or "skill"."""
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
    training: dict[str, object]


@dataclass(frozen=True)
class _Weights:
    labels: list[str]
    words: dict[str, int]
    """Single-word vocabulary → index + 1 (so that filter(None, ...) drops unknown words in C)."""
    pairs: dict[tuple[str, str], int]
    """Two-word vocabulary, keyed by word pairs: a tuple of already-hashed words is cheaper to
    look up than a new joined string."""
    areas: tuple[tuple[int, str], ...]
    """(feature index, skill area id) of the skill-area features."""
    idf: np.ndarray
    coef: np.ndarray  # one row per label; vocabulary columns, then extra features
    pull: np.ndarray
    """Per label, each feature's pull toward it rather than toward the average other label."""
    intercept: np.ndarray
    n_vocab: int
    spec: ModelFile


@cache
def _weights() -> _Weights:
    spec = ModelFile.model_validate_json(data.read_text("classifier/role_model.json"))
    if spec.labels != list(ROLES):
        raise data.DataError("classifier labels do not match rolediff's roles")
    coef = np.asarray(spec.coef)
    others = (coef.sum(axis=0) - coef) / (len(spec.labels) - 1)
    words: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for i, term in enumerate(spec.vocabulary, 1):
        first, _, second = term.partition(" ")
        if second:
            pairs[(first, second)] = i
        else:
            words[term] = i
    n_vocab = len(spec.vocabulary)
    areas = tuple(
        (n_vocab + i, name.removeprefix("area:"))
        for i, name in enumerate(spec.extra_features)
        if name.startswith("area:")
    )
    return _Weights(
        labels=spec.labels,
        words=words,
        pairs=pairs,
        areas=areas,
        idf=np.asarray(spec.idf),
        coef=coef,
        pull=coef - others,
        intercept=np.asarray(spec.intercept),
        n_vocab=len(spec.vocabulary),
        spec=spec,
    )


def model_version() -> str:
    return _weights().spec.version


def _text_vector(prepared: Prepared, w: _Weights) -> tuple[np.ndarray, np.ndarray]:
    """Indices and l2-normalised sublinear tf-idf values of the text's known n-grams."""
    # The same n-grams as features.tokens (which trains the model), looked up without building
    # the two-word strings.
    words = prepared.spaced.split()
    known = list(filter(None, map(w.words.get, words)))
    known += filter(None, map(w.pairs.get, pairwise(words)))
    idx, counts = np.unique(np.asarray(known, dtype=np.int64) - 1, return_counts=True)
    values = (1.0 + np.log(counts)) * w.idf[idx]
    norm = float(np.sqrt(values @ values))
    return idx, values / norm if norm else values


def classify(
    text: str | Prepared,
    title: str | None = None,
    hits: list[SkillHit] | None = None,
    found: list[Mention] | None = None,
) -> RoleScores:
    """Role probabilities for a posting, the hybrid flag and the evidence behind the answer."""
    w = _weights()
    spec = w.spec
    prepared = text if isinstance(text, Prepared) else Prepared.of(text)
    hits = find_skills(prepared) if hits is None else hits
    found = mentions(prepared) if found is None else found
    idx, values = _text_vector(prepared, w)
    extra = np.asarray(
        [v * spec.phrase_weight for v in phrase_features(found)]
        + [v * spec.skill_weight for v in skill_features(hits)]
    )
    logits = w.intercept + w.coef[:, idx] @ values + w.coef[:, w.n_vocab :] @ extra
    named = title_roles(title)
    if named:
        # The title names the job: weigh its first family most, and 'other' least.
        prior = np.ones(len(w.labels))
        for rank, role in enumerate(named):
            prior[w.labels.index(role)] = spec.title_boost / (rank + 1)
        prior[w.labels.index("other")] = spec.title_other_factor
        logits = logits + np.log(prior)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    scores = {label: round(float(p), 4) for label, p in zip(w.labels, probs, strict=True)}
    best = w.labels[int(np.argmax(probs))]
    evidence = _evidence(best, named, idx, values, extra, found, hits, w)
    hybrid_of: list[str] = named[:2] if len(named) >= 2 else []
    if not hybrid_of and best != "other":
        other, shared = other_role_skills(best, {h.id for h in hits})
        infra = sorted(INFRA_ROLES, key=lambda r: -scores[r])
        if len(shared) >= spec.hybrid_min_skills:
            hybrid_of = [best, other]
            tax = taxonomy()
            evidence += [
                Evidence(kind="skill", text=tax.by_id[i].name, role=other, weight=0.0)
                for i in shared
            ]
        elif scores[infra[1]] >= spec.hybrid_min_share * scores[infra[0]]:
            hybrid_of = infra[:2]
    return RoleScores(
        role=best,
        scores=scores,
        hybrid=bool(hybrid_of),
        hybrid_of=hybrid_of,
        evidence=evidence,
    )


def _evidence(
    role: str,
    named: list[str],
    idx: np.ndarray,
    values: np.ndarray,
    extra: np.ndarray,
    found: list[Mention],
    hits: list[SkillHit],
    w: _Weights,
    limit: int = 6,
) -> list[Evidence]:
    pull = w.pull[w.labels.index(role)]
    out = [Evidence(kind="title", text=r, role=r, weight=1.0) for r in named]
    role_phrases_found = [m for m in found if m.role == role and m.is_role]
    if role_phrases_found:
        out.append(
            Evidence(
                kind="phrase",
                text=role_phrases_found[0].text,
                role=role,
                weight=round(float(pull[w.n_vocab + 3 * INFRA_ROLES.index(role)]), 3)
                if role in INFRA_ROLES
                else 0.0,
                spans=tuple((p.start, p.end) for p in role_phrases_found[:5]),
            )
        )
    if len(idx):
        contrib = pull[idx] * values
        vocab = w.spec.vocabulary
        for j in np.argsort(-contrib)[:limit]:
            if contrib[j] <= 0:
                break
            out.append(
                Evidence(
                    kind="term", text=vocab[idx[j]], role=role, weight=round(float(contrib[j]), 3)
                )
            )
    tax = taxonomy()
    area_pull = {area: float(pull[i] * extra[i - w.n_vocab]) for i, area in w.areas}
    ranked = sorted(hits, key=lambda h: -area_pull.get(h.area or h.id, 0.0))
    for hit in ranked[:limit]:
        weight = area_pull.get(hit.area or hit.id, 0.0)
        if weight <= 0:
            break
        out.append(
            Evidence(
                kind="skill",
                text=tax.by_id[hit.id].name,
                role=role,
                weight=round(weight, 3),
                spans=tuple(hit.spans[:5]),
            )
        )
    return out
