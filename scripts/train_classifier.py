"""Train the role classifier and write src/rolediff/data/classifier/role_model.json.

    python scripts/train_classifier.py [--postings ../shared/data/postings/dev.jsonl] [--cv-only]

Labels come from the titles (see the corpus's SOURCE.md); the model reads descriptions only,
so cross-validation hides titles. Folds are grouped by employer so that one company's
boilerplate never sits on both sides. Training is deterministic: the same corpus gives the same
file, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from rolediff.postings.features import (
    INFRA_ROLES,
    ROLES,
    extra_feature_names,
    mentions,
    other_role_skills,
    phrase_features,
    skill_features,
    tokens,
)
from rolediff.skills import find_skills

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTINGS = ROOT.parent / "shared" / "data" / "postings" / "dev.jsonl"
OUT = ROOT / "src" / "rolediff" / "data" / "classifier" / "role_model.json"
VERSION = "2026.11.11"

# Chosen by grouped 5-fold cross-validation on the development corpus (see SOURCE.md).
MAX_FEATURES = 20000
MIN_DF = 2
C = 30.0
PHRASE_WEIGHT = 0.5
SKILL_WEIGHT = 0.3
TITLE_BOOST = 30.0
TITLE_OTHER_FACTOR = 0.05
HYBRID_MIN_SHARE = 0.35
HYBRID_MIN_SKILLS = 4
EVIDENCE_MIN_EMPLOYERS = 3
"""A term is shown as evidence only when the training postings of at least this many employers
use it: employer and product names ("opentable", "at axon") carry weight in a model fitted on a
few postings per employer, but say nothing about the role (see SOURCE.md)."""
PREFIXES = (300, 1000)
"""Each training posting is also learnt from its first 300 and 1,000 characters, so that a short
description (a job-board snippet, a pasted paragraph) is read on its words rather than left to the
`other` intercept. Cross-validation scores full postings only (see SOURCE.md)."""


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def extras(descriptions: list[str]) -> tuple[np.ndarray, list[set[str]]]:
    """The non-text features of every posting, and the skill ids each asks for."""
    rows = []
    asked = []
    for text in descriptions:
        hits = find_skills(text)
        asked.append({h.id for h in hits})
        rows.append(
            [v * PHRASE_WEIGHT for v in phrase_features(mentions(text))]
            + [v * SKILL_WEIGHT for v in skill_features(hits)]
        )
    return np.asarray(rows), asked


Prefixes = list[tuple[list[str], np.ndarray]]
"""Per PREFIXES length: every posting cut to it, and its extra features."""


def prefixes(texts: list[str]) -> Prefixes:
    cut = [[text[:n] for text in texts] for n in PREFIXES]
    return [(short, extras(short)[0]) for short in cut]


def with_prefixes(
    index: np.ndarray, texts: list[str], extra: np.ndarray, y: np.ndarray, cuts: Prefixes
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The training postings at ``index``, each followed by its prefixes (same label)."""
    out_texts = [texts[i] for i in index]
    out_extra = [extra[index]]
    for short, short_extra in cuts:
        out_texts += [short[i] for i in index]
        out_extra.append(short_extra[index])
    return out_texts, np.vstack(out_extra), np.tile(y[index], 1 + len(cuts))


def fit(
    texts: list[str], extra: np.ndarray, y: np.ndarray
) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(
        analyzer=tokens, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES
    )
    matrix = sparse.hstack([vectorizer.fit_transform(texts), sparse.csr_matrix(extra)]).tocsr()
    model = LogisticRegression(max_iter=5000, C=C, class_weight="balanced")
    model.fit(matrix, y)
    return vectorizer, model


def predict(
    vectorizer: TfidfVectorizer, model: LogisticRegression, texts: list[str], extra: np.ndarray
) -> np.ndarray:
    matrix = sparse.hstack([vectorizer.transform(texts), sparse.csr_matrix(extra)]).tocsr()
    probs: np.ndarray = model.predict_proba(matrix)
    return probs


def metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    labels = list(ROLES)
    p, r, f, n = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    pair = np.isin(y, ["devops", "sre"])
    return {
        "macro_f1": round(float(f1_score(y, pred, labels=labels, average="macro")), 4),
        "devops_vs_sre_accuracy": round(float(np.mean(pred[pair] == y[pair])), 4),
        "infra_vs_other_f1": round(float(f1_score(y != "other", pred != "other")), 4),
        "per_label": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "n": int(n[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(y, pred, labels=labels).tolist(),
        },
    }


def employer(row: dict[str, Any]) -> str:
    """Who posted a posting (its company, else its title): the folds' groups."""
    return str(row.get("company") or row["title"]).strip().lower()


def term_employers(rows: list[dict[str, Any]], vocabulary: list[str]) -> list[int]:
    """Per vocabulary term, how many employers' training postings use it."""
    seen: dict[str, set[str]] = {}
    for row in rows:
        who = employer(row)
        for term in set(tokens(row["description"])):
            seen.setdefault(term, set()).add(who)
    return [len(seen.get(term, ())) for term in vocabulary]


def cross_validate(
    rows: list[dict[str, Any]],
    texts: list[str],
    extra: np.ndarray,
    asked: list[set[str]],
    cuts: Prefixes,
    seed: int = 0,
) -> dict[str, Any]:
    y = np.asarray([r["label"] for r in rows])
    groups = [employer(r) for r in rows]
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    probs = np.zeros((len(rows), len(ROLES)))
    for train, test in folds.split(texts, y, groups):
        vectorizer, model = fit(*with_prefixes(train, texts, extra, y, cuts))
        fold = predict(vectorizer, model, [texts[i] for i in test], extra[test])
        order = [list(model.classes_).index(label) for label in ROLES]
        probs[test] = fold[:, order]
    pred = np.asarray(ROLES)[probs.argmax(axis=1)]
    result = metrics(y, pred)
    # The same postings, asked only "DevOps or SRE?": the more probable of the two.
    pair = np.isin(y, ["devops", "sre"])
    devops, sre = probs[pair, ROLES.index("devops")], probs[pair, ROLES.index("sre")]
    binary = np.where(devops >= sre, "devops", "sre")
    result["devops_or_sre_accuracy"] = round(float(np.mean(binary == y[pair])), 4)
    multi = np.asarray([bool(r.get("multi_role_title")) for r in rows])
    infra = [ROLES.index(r) for r in INFRA_ROLES]
    top2 = np.sort(probs[:, infra], axis=1)[:, -2:]
    by_share = (pred != "other") & (top2[:, 0] >= HYBRID_MIN_SHARE * top2[:, 1])
    by_skills = np.asarray(
        [
            role != "other" and len(other_role_skills(role, ids)[1]) >= HYBRID_MIN_SKILLS
            for role, ids in zip(pred, asked, strict=True)
        ]
    )
    hybrid = by_share | by_skills
    result["hybrid"] = {
        "min_share": HYBRID_MIN_SHARE,
        "min_skills": HYBRID_MIN_SKILLS,
        "flagged_share": round(float(hybrid.mean()), 4),
        "recall_on_multi_role_titles": round(float(hybrid[multi].mean()), 4),
        "flagged_among_single_role_infra": round(float(hybrid[~multi & (y != "other")].mean()), 4),
    }
    return result


HEADLINE_METRICS = (
    "macro_f1",
    "devops_vs_sre_accuracy",
    "devops_or_sre_accuracy",
    "infra_vs_other_f1",
)


def round_floats(values: np.ndarray) -> list[Any]:
    return json.loads(json.dumps(np.round(values, 6).tolist()))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=Path, default=DEFAULT_POSTINGS)
    parser.add_argument("--cv-only", action="store_true", help="report metrics, write nothing")
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="with --cv-only: also repeat the cross-validation with fold seeds 1..N-1 and print"
        " the mean and range of each headline metric (one split moves DevOps-vs-SRE accuracy by"
        " about ±0.01)",
    )
    args = parser.parse_args(argv)
    if not args.postings.exists():
        print(f"no corpus at {args.postings}", file=sys.stderr)
        return 2
    rows = [r for r in load(args.postings) if r.get("label") in ROLES]
    texts = [r["description"] for r in rows]
    extra, asked = extras(texts)
    cuts = prefixes(texts)
    cv = cross_validate(rows, texts, extra, asked, cuts)
    print(json.dumps({k: v for k, v in cv.items() if k != "confusion"}, indent=2))
    print("confusion (rows = truth):", cv["confusion"]["labels"])
    for label, row in zip(cv["confusion"]["labels"], cv["confusion"]["matrix"], strict=True):
        print(f"  {label:10} {row}")
    if args.cv_only:
        if args.seeds > 1:
            runs = [cv] + [
                cross_validate(rows, texts, extra, asked, cuts, seed)
                for seed in range(1, args.seeds)
            ]
            for key in HEADLINE_METRICS:
                values = [float(run[key]) for run in runs]
                print(
                    f"{key}: mean {np.mean(values):.4f} over {len(values)} fold seeds"
                    f" (min {min(values):.4f}, max {max(values):.4f})"
                )
        return 0
    y = np.asarray([r["label"] for r in rows])
    vectorizer, model = fit(*with_prefixes(np.arange(len(rows)), texts, extra, y, cuts))
    order = [list(model.classes_).index(label) for label in ROLES]
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    digest = hashlib.sha256(args.postings.read_bytes()).hexdigest()
    spec = {
        "version": VERSION,
        "labels": list(ROLES),
        "vocabulary": vocabulary,
        "idf": round_floats(vectorizer.idf_),
        "extra_features": extra_feature_names(),
        "phrase_weight": PHRASE_WEIGHT,
        "skill_weight": SKILL_WEIGHT,
        "coef": round_floats(model.coef_[order]),
        "intercept": round_floats(model.intercept_[order]),
        "title_boost": TITLE_BOOST,
        "title_other_factor": TITLE_OTHER_FACTOR,
        "hybrid_min_share": HYBRID_MIN_SHARE,
        "hybrid_min_skills": HYBRID_MIN_SKILLS,
        "evidence_min_employers": EVIDENCE_MIN_EMPLOYERS,
        "term_employers": term_employers(rows, vocabulary),
        "training": {
            "corpus": args.postings.name,
            "corpus_sha256": digest,
            "rows": len(rows),
            "method": "logistic regression (C=30, balanced classes) on tf-idf word 1-2 grams "
            "(20,000 most frequent, min_df 2) plus role-phrase and skill-area features; each "
            "posting also learnt from its first 300 and 1,000 characters",
            "cross_validation": "5-fold, grouped by employer, stratified, titles hidden",
            "cv_metrics": {k: v for k, v in cv.items() if k != "confusion"},
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(spec, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
