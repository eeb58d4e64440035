"""The questions every interface asks, answered by one call each: the CLI, the REST API and the
dashboard use these, so that the same question gets the same JSON everywhere.

Each function checks what the interfaces would otherwise check on their own (a salary or a role,
a known sort key, a positive ``top``), calls the library and returns its result model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolediff.errors import RolediffError

if TYPE_CHECKING:
    from rolediff.fit import FitReport
    from rolediff.geo import Place
    from rolediff.market import MarketReport, MarketSnapshot
    from rolediff.pay.coverage import CoverageEntry
    from rolediff.pay.models import CityRow, TakeHome
    from rolediff.pay.take_home import SalaryMatch
    from rolediff.postings.analyze import PostingAnalysis
    from rolediff.postings.read import Given, Malformed, PostingInput, RawPosting
    from rolediff.roles import Comparison

SORT_KEYS = ("take_home", "after_tax", "gross")
MAX_MONTHLY_COST = 1e7
"""The largest rent or living cost taken, dollars a month (the API's bound too)."""


def roles() -> list[dict[str, Any]]:
    """Every role profile, as JSON data."""
    from rolediff.roles import list_roles

    return [p.model_dump(mode="json") for p in list_roles()]


def role(role_id: str) -> dict[str, Any]:
    """One role profile, as JSON data."""
    from rolediff.roles import get_role

    return get_role(role_id).model_dump(mode="json")


def compare(a: str, b: str, city: str | None = None, db: str | Path | None = None) -> Comparison:
    from rolediff.roles import compare as compare_roles

    return compare_roles(a, b, city=city, db=db)


def where(place: str) -> Place:
    from rolediff.geo import resolve_place

    return resolve_place(place)


def pay(
    city: str,
    salary: float | None = None,
    role: str | None = None,
    percentile: int = 50,
    year: int | None = None,
    filing: str = "single",
    pretax: float = 0.0,
    hsa: float = 0.0,
    rent: float | None = None,
    living: float | None = None,
    bedrooms: int = 1,
) -> TakeHome:
    """Monthly take-home of a salary (or a role's estimated salary) in one place."""
    from rolediff.pay.take_home import take_home

    if salary is None and role is None:
        raise RolediffError("Give a salary, or a role whose estimated salary to use.")
    for name, cost in (("rent", rent), ("living", living)):
        if cost is not None and cost > MAX_MONTHLY_COST:
            raise RolediffError(
                f"{name} must be at most ${MAX_MONTHLY_COST:,.0f} a month; got {cost:,.0f}."
            )
    return take_home(
        salary,
        city,
        role=role,
        percentile=percentile,
        year=year,
        filing_status=filing,
        pretax=pretax,
        hsa=hsa,
        rent=rent,
        living=living,
        bedrooms=bedrooms,
    )


def cities(
    salary: float | None = None,
    role: str | None = None,
    percentile: int = 50,
    top: int | None = None,
    state: str | None = None,
    sort: str = "take_home",
    year: int | None = None,
    filing: str = "single",
    bedrooms: int = 1,
) -> list[CityRow]:
    """Every metro (or the best ``top``) ranked by ``sort``. A salary given replaces the role's
    estimate, as in :func:`pay`; ``sort`` may be written "Take-Home", ``state`` "North Carolina"."""
    from rolediff.pay.take_home import rank_cities

    if top is not None and top < 1:
        raise RolediffError("top must be 1 or more.")
    key = sort_key(sort)
    return rank_cities(
        salary=salary,
        role=None if salary is not None else role,
        percentile=percentile,
        year=year,
        filing_status=filing,
        bedrooms=bedrooms,
        state=None if state is None else _state_code(state),
        sort=key,  # type: ignore[arg-type]
        top=top,
    )


def sort_key(sort: str) -> str:
    """The ranking key ``sort`` names, written as in SORT_KEYS or as "Take-Home"."""
    key = sort.strip().lower().replace("-", "_")
    if key not in SORT_KEYS:
        raise RolediffError(f"sort must be take_home, after_tax or gross; got {sort!r}.")
    return key


def _state_code(state: str) -> str:
    """A state's two-letter code from its code or its name ("north carolina" is "NC")."""
    from rolediff.data import states

    wanted = " ".join(state.split()).casefold()
    for s in states():
        if wanted in (s.state_abbr.casefold(), s.state_name.casefold()):
            return s.state_abbr
    return state


def match(
    salary: float,
    from_place: str,
    to_place: str,
    year: int | None = None,
    filing: str = "single",
    bedrooms: int = 1,
) -> SalaryMatch:
    from rolediff.pay.take_home import match_salary

    return match_salary(
        salary, from_place, to_place, year=year, filing_status=filing, bedrooms=bedrooms
    )


def posting(text: str, given: Given | None = None) -> PostingAnalysis:
    """One posting's analysis, as ``rolediff posting FILE --title --location ...`` gives it."""
    from rolediff.postings.analyze import analyze_raw

    return analyze_raw(read_posting(text, given))


def read_posting(text: str, given: Given | None = None) -> RawPosting:
    """A posting's text read as a text or HTML file is (HTML reduced to its visible text)."""
    from rolediff.postings.read import NOTHING_GIVEN, RawPosting, read_postings

    (record,) = read_postings(text, "text", given or NOTHING_GIVEN)
    assert isinstance(record, RawPosting)
    return record


def read_posting_file(
    data: bytes,
    name: str,
    *,
    kind: str | None = None,
    given: Given | None = None,
    strict: bool = False,
) -> tuple[PostingInput, list[RawPosting], list[Malformed]]:
    """A file's postings as ``rolediff posting FILE`` reads them: the input, its postings and
    the malformed records skipped (with ``strict`` any malformed record refuses the file)."""
    from rolediff.postings.read import NOTHING_GIVEN, Malformed, RawPosting, read_posting_input

    read = read_posting_input(data, name, kind, given or NOTHING_GIVEN)
    bad = [r for r in read.records if isinstance(r, Malformed)]
    postings = [r for r in read.records if isinstance(r, RawPosting)]
    if bad and (strict or not postings):
        first = bad[0]
        where = f"{read.unit} {first.line}"
        if len(bad) > 1:
            where = f"{len(bad)} malformed records, the first on {where}"
        raise RolediffError(
            f"{where[0].upper()}{where[1:]}: {first.reason};"
            f" nothing analysed{' (strict)' if strict else ''}."
        )
    if not postings:
        raise RolediffError(f"No posting to analyse in {name}.")
    return read, postings, bad


def posting_file(
    data: bytes, name: str, strict: bool = False
) -> tuple[list[dict[str, Any]] | dict[str, Any], list[Malformed]]:
    """Every posting in an uploaded file, as ``rolediff posting FILE --format json`` prints them
    (a list for a batch: JSONL, CSV, a JSON array; else one object), and the malformed records
    skipped."""
    from rolediff.postings.analyze import analyze_postings

    read, postings, bad = read_posting_file(data, name, strict=strict)
    results = [r.model_dump(mode="json") for r in analyze_postings(postings, workers=1)]
    return (results if read.batch else results[0]), bad


def resume(data: bytes, name: str) -> str:
    """The text of an uploaded résumé, extracted in memory (nothing is written)."""
    from rolediff.resume import resume_text

    return resume_text(data, name)


def fit(
    skills: str | Sequence[str] | None = None,
    resume_text: str | None = None,
    target: str | None = None,
    from_role: str | None = None,
    to_role: str | None = None,
) -> FitReport:
    from rolediff.fit import fit as fit_person

    return fit_person(
        skills=skills,
        resume_text=resume_text,
        target=target,
        from_role=from_role,
        to_role=to_role,
    )


def market(
    db: str | Path | None,
    role: str | None = None,
    vs: str | None = None,
    metro: str | None = None,
    since: str | None = None,
) -> MarketReport:
    from rolediff.market import report

    return report(db=db, role=role, vs=vs, metro=metro, since=since)


def has_market_store(db: str | Path | None) -> bool:
    """Whether a market store exists at ``db`` (or the default place)."""
    from rolediff.market import store_path

    return store_path(db).is_file()


def snapshot() -> MarketSnapshot:
    from rolediff.market import load_snapshot

    return load_snapshot()


def datasets() -> list[dict[str, Any]]:
    from rolediff.data import datasets as packaged

    return [d.model_dump(mode="json") for d in packaged()]


def coverage(kind: str | None = None) -> list[CoverageEntry]:
    """The tax engine's coverage manifest, optionally of one kind of tax."""
    from rolediff.pay.coverage import coverage_manifest

    entries = coverage_manifest()
    if kind is not None:
        wanted = " ".join(kind.replace("_", " ").split()).lower()
        entries = [e for e in entries if e.kind == wanted]
        if not entries:
            raise RolediffError(
                f"Unknown kind {kind!r}: federal, fica, state income, state payroll or local."
            )
    return entries


def warm() -> None:
    """Load the data the answers need, so the first request is as fast as the rest."""
    from rolediff.postings.read import Given

    pay("Raleigh, NC", salary=100_000)
    cities(salary=100_000, top=1)
    compare("devops", "sre")
    fit(skills=["linux"])
    posting("Site reliability engineer: Kubernetes, on-call.", Given(title="SRE"))
