from typing import Any

import numpy as np

SOURCE_DIGEST: str

def count_terms(
    codes: np.ndarray,
    slots: np.ndarray,
    multipliers: np.ndarray,
    shift: int,
    bucket_mask: int,
    n_keys: int,
    out_idx: np.ndarray,
    out_counts: np.ndarray,
    /,
) -> int: ...
def prepare(
    text: str, lower: np.ndarray, spaced: np.ndarray, out_codes: np.ndarray, /
) -> str | None: ...
def score_terms(
    idx: np.ndarray,
    counts: np.ndarray,
    records: np.ndarray,
    n_labels: int,
    out_values: np.ndarray,
    out_logits: np.ndarray,
    /,
) -> None: ...
def add_features(
    features: list[float],
    scale: np.ndarray,
    columns: np.ndarray,
    intercept: np.ndarray,
    text_logits: np.ndarray,
    /,
) -> list[float]: ...
def top_terms(
    idx: np.ndarray,
    values: np.ndarray,
    records: np.ndarray,
    n_labels: int,
    label: int,
    limit: int,
    /,
) -> tuple[list[int], list[float]]: ...
def key_table(
    prefixes: np.ndarray,
    prefix_groups: np.ndarray,
    group_starts: np.ndarray,
    group_keys: np.ndarray,
    cores: np.ndarray,
    core_starts: np.ndarray,
    leads: np.ndarray,
    trails: np.ndarray,
    needles: np.ndarray,
    needle_starts: np.ndarray,
    max_words: int,
    max_gap: int,
    values: tuple[object, ...],
    /,
) -> object: ...
def place_skills(
    matches: list[tuple[int, Any]],
    url_starts: list[int],
    url_ends: list[int],
    passes: Any,
    text: str,
    low: str,
    /,
) -> dict[str, list[tuple[int, int]]]: ...
def scan_keys(
    codes: np.ndarray,
    table: object,
    text: str,
    groups: tuple[list[tuple[int, int]], ...],
    /,
) -> list[tuple[int, Any]]: ...
