"""Analyse a job posting: its role (with evidence), skills, pay, place and seniority."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from typing import Any

from pydantic import BaseModel, ConfigDict

from rolediff.errors import RolediffError
from rolediff.postings.classify import Evidence, model_version, role_scores
from rolediff.postings.features import mentions
from rolediff.postings.parse import (
    EmploymentType,
    PostingLocation,
    Salary,
    Seniority,
    employment_type,
    find_salary_in_description,
    in_local_currency,
    parse_location,
    parse_salary,
    parse_seniority,
    posting_country,
    with_stated_currency,
)
from rolediff.postings.read import (
    MAX_TEXT_CHARS,
    AnalysisInput,
    RawPosting,
    analysis_input,
    lone_surrogate,
)
from rolediff.postings.scan import scan
from rolediff.skills import Prepared, skill_matcher


class SkillCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    category: str
    count: int


class PostingAnalysis(BaseModel):
    """What a posting is and asks for. Stable JSON: see docs/json.md."""

    model_config = ConfigDict(frozen=True)

    id: str | None
    title: str | None
    role: str
    role_scores: dict[str, float]
    hybrid: bool
    hybrid_of: list[str]
    evidence: list[Evidence]
    skills: list[SkillCount]
    salary: Salary | None
    location: PostingLocation | None
    seniority: Seniority | None
    employment_type: EmploymentType | None
    model_version: str


def analyze_posting(
    text: str,
    title: str | None = None,
    location: str | None = None,
    salary_text: str | None = None,
    posting_id: str | None = None,
    job_type: str | None = None,
    job_level: str | None = None,
) -> PostingAnalysis:
    """Analyse one posting from its description (the title, place, pay, job-type and job-level
    fields are optional)."""
    # One validation of the whole result (in pydantic-core), its evidence and skill counts
    # already made: evidence as slotted dataclasses, skill counts frozen and shared, as they
    # recur from posting to posting ("kubernetes" x 2), which also spares the garbage collector
    # a dozen young objects per analysis.
    fields = analysis_fields(text, title, location, salary_text, posting_id, job_type, job_level)
    return PostingAnalysis.model_validate(fields)


@lru_cache(maxsize=16384)
def _skill_count(id: str, name: str, category: str, count: int) -> SkillCount:
    return SkillCount(id=id, name=name, category=category, count=count)


_BARE_FIGURE = re.compile(r"\s*[~≈]?\s*\d[\d.,]*\s*[kK]?\s*")


def analysis_fields(
    text: str,
    title: str | None = None,
    location: str | None = None,
    salary_text: str | None = None,
    posting_id: str | None = None,
    job_type: str | None = None,
    job_level: str | None = None,
    evidence: bool = True,
) -> dict[str, Any]:
    """The fields of a PostingAnalysis, not yet validated (its skills are already SkillCounts):
    the market store reads them as they are (without the evidence, which it does not keep) and
    skips building the model."""
    if not isinstance(text, str) or not text.strip():
        raise RolediffError("The posting has no text to analyse.")
    if len(text) > MAX_TEXT_CHARS:
        raise RolediffError(f"The posting is longer than {MAX_TEXT_CHARS:,} characters.")
    # The fields an analysis repeats must be characters (a JSON output cannot hold half of a
    # surrogate pair); the text is read as it is, and no line of it holding one is repeated.
    repeated = (
        ("title", title), ("location", location), ("pay text", salary_text), ("id", posting_id),
        ("job type", job_type),
    )  # fmt: skip
    for name, value in repeated:
        if value and (what := lone_surrogate(value)) is not None:
            raise RolediffError(f"The posting's {name} holds {what}.")
    prepared = Prepared.of(text)
    places = scan(prepared)
    hits = skill_matcher().find(prepared, places.skills)
    scores = role_scores(
        prepared, title=title, hits=hits, found=mentions(prepared, places), evidence=evidence
    )
    salary = parse_salary(salary_text, "field") if salary_text else None
    if salary is None or salary.estimate or _BARE_FIGURE.fullmatch(salary_text or ""):
        # A bare figure in a pay field ("350000.0") says neither currency, interval nor range,
        # and some job boards fill it with sums of the posting's own range; a job board's
        # estimate is not the employer's: pay the description states in words wins over both.
        salary = find_salary_in_description(text, places) or salary
    else:
        salary = with_stated_currency(salary, text, places)
    place = parse_location(location, text, places, title)
    country = posting_country(place)
    if salary is not None and country is not None:
        salary = in_local_currency(salary, salary_text, country, text, places)
    return {
        "id": posting_id,
        "title": title,
        "role": scores["role"],
        "role_scores": scores["scores"],
        "hybrid": scores["hybrid"],
        "hybrid_of": scores["hybrid_of"],
        "evidence": scores["evidence"],
        "skills": [_skill_count(h.id, h.name, h.category, h.count) for h in hits],
        "salary": salary,
        "location": place,
        "seniority": parse_seniority(title, text, places, job_level),
        "employment_type": employment_type(job_type, title, text, places),
        "model_version": model_version(),
    }


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector during a batch of analyses. An analysis makes
    thousands of short-lived objects and no reference cycles (reference counting frees them
    all), yet each allocation burst starts collections that walk every object alive: ~8% of
    the time of a batch. The collector runs again, as before, after the batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyze_raw(posting: RawPosting) -> PostingAnalysis:
    return analyze_posting(
        posting.description,
        title=posting.title,
        location=posting.location,
        salary_text=posting.salary_text,
        posting_id=posting.id,
        job_type=posting.job_type,
        job_level=posting.job_level,
    )


_Sent = tuple[AnalysisInput, str | None]
"""A posting as the main process sends it to a worker: what the analysis reads, and its id."""

_Packed = tuple[Any, ...]
"""An analysis as a worker sends it back: its fields in PostingAnalysis order, evidence and
skills as tuples (about a third of its JSON; unpacking costs the main process half of
validating that JSON, which made the main process the bottleneck on two cores)."""


def _send(posting: RawPosting) -> _Sent:
    return analysis_input(posting), posting.id


def _analyze_chunk(chunk: list[_Sent]) -> list[_Packed]:
    with gc_paused():
        return [
            _pack(analysis_fields(d, t, loc, pay, posting_id, job, level))
            for (d, t, loc, pay, job, level), posting_id in chunk
        ]


def _pack(fields: dict[str, Any]) -> _Packed:
    packed = dict(fields)
    packed["evidence"] = [(e.kind, e.text, e.role, e.weight, e.spans) for e in fields["evidence"]]
    packed["skills"] = [(s.id, s.name, s.category, s.count) for s in fields["skills"]]
    return tuple(packed[name] for name in PostingAnalysis.model_fields)


def _unpack(packed: _Packed) -> PostingAnalysis:
    fields = dict(zip(PostingAnalysis.model_fields, packed, strict=True))
    fields["evidence"] = [Evidence(*e) for e in fields["evidence"]]
    fields["skills"] = [_skill_count(*s) for s in fields["skills"]]
    return PostingAnalysis.model_validate(fields)


def analyze_postings(
    postings: Iterable[RawPosting], workers: int | None = None, chunk_size: int = 64
) -> Iterator[PostingAnalysis]:
    """Analyse many postings in input order, on all cores (``workers=1`` stays in-process)."""
    workers = workers or os.cpu_count() or 1
    iterator = iter(postings)
    chunks = iter(lambda: list(islice(iterator, chunk_size)), [])
    if workers == 1:
        for chunk in chunks:
            with gc_paused():
                results = [analyze_raw(p) for p in chunk]
            yield from results
        return
    import multiprocessing

    # Build the automaton and load the model once, before forking: the workers share them.
    analyze_posting("Warm-up: a DevOps engineer in Austin, TX, remote, $100,000 a year.")
    # fork shares the loaded taxonomy and model with the workers instead of rebuilding them.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    sent = (list(map(_send, chunk)) for chunk in chunks)
    with context.Pool(workers) as pool:
        for result in pool.imap(_analyze_chunk, sent):
            with gc_paused():
                analyses = list(map(_unpack, result))
            yield from analyses
