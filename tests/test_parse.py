"""The posting parsers: golden cases under tests/cases/, the conventions files, properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.postings.parse import (
    _DESCRIPTION_MODES,
    _EXPLICIT_DESCRIPTION,
    _EXPLICIT_WORDS,
    _FIELD_MODES,
    _NOT_PAY_BEFORE,
    _NOT_PAY_BEFORE_WORDS,
    _PAY_WORDS,
    _PAY_WORDS_WORDS,
    _SEGMENT_SPLIT,
    _TEXT_LEVELS,
    _TITLE_LEVELS,
    _TITLE_MODE_WORDS,
    Salary,
    _folded,
    countries,
    explain_salary,
    find_salary_in_description,
    foreign_cities,
    parse_employment_type,
    parse_location,
    parse_salary,
    parse_seniority,
    pay_conventions,
    place_conventions,
    seniority_conventions,
    with_stated_currency,
)

CASES = Path(__file__).parent / "cases"


def _cases(folder: str) -> list[Any]:
    files = sorted((CASES / folder).glob("*.json"))
    return [pytest.param(json.loads(f.read_text(encoding="utf-8")), id=f.stem) for f in files]


def test_enough_golden_cases() -> None:
    assert len(_cases("pay")) >= 45
    assert len(_cases("place")) >= 25
    assert len(_cases("seniority")) >= 20


@pytest.mark.parametrize("case", _cases("pay"))
def test_pay(case: dict[str, Any]) -> None:
    if case["source"] == "field":
        salary, reason = explain_salary(case["input"], "field")
    else:
        salary, reason = find_salary_in_description(case["input"]), ""
    expected = case["expected"]
    if expected is None:
        assert salary is None
        assert reason.startswith(case.get("reason", ""))
        return
    assert salary is not None, reason
    assert salary.source == case["source"]
    for key, value in expected.items():
        actual = getattr(salary, key)
        assert actual == (pytest.approx(value) if isinstance(value, float) else value), key


@pytest.mark.parametrize("case", _cases("place"))
def test_place(case: dict[str, Any]) -> None:
    location = parse_location(case["input"], case.get("description"), title=case.get("title"))
    if case["expected"] is None:
        assert location is None
    else:
        assert location is not None
        assert location.model_dump(exclude={"text"}) == case["expected"]


@pytest.mark.parametrize("case", _cases("seniority"))
def test_seniority(case: dict[str, Any]) -> None:
    assert parse_seniority(case["title"], case.get("description")) == case["expected"]


@pytest.mark.parametrize(
    ("job_type", "title", "description", "expected"),
    [
        ("Full-time", "DevOps Engineer (Contract)", "", "full_time"),  # the field first
        (None, "DevOps Engineer (6 month contract)", "Employment type: Full-time", "contract"),
        (None, "Data Engineer - Contract (Remote)", "", "contract"),
        (None, "Software Engineering Intern", "", "internship"),
        (None, "Contracts Manager", "A role in our legal team.", None),
        (None, "B2B Pricing Senior Manager", "", None),
        (None, "SRE", "**Employment Type:** Full Time\n\nAbout us", "full_time"),
        (None, "SRE", "Position Type: Contract   Must have: Kubernetes", "contract"),
        (None, "SRE", "Job Type: Full Time/ Contract to Hire", "full_time"),
        (None, "SRE", "Any type of contract work welcome; we are a full-time team.", None),
        (None, None, "Role type:** Contract to hire", "contract"),
        # A bare "Type" label heads its line or follows another label; "Instance type" is no label.
        (None, "SRE", "Location: Austin, TX\nType: Contract\n\nAbout us", "contract"),
        (None, "SRE", "**Location:** Remote  \n **Type:** Full-Time, Salaried Exempt", "full_time"),
        (None, "SRE", "Location: London (Uxbridge) Type: Permanent", "full_time"),
        (None, "SRE", "Pick the instance type: temporary spot nodes cut costs.", None),
        (None, "SRE", "- Type: Contract\n- Duration: 6 months", "contract"),
        (None, "SRE", "Choose an instance-type: temporary nodes are cheap.", None),
        # Stated in a header line's parts, or in a sentence about the job.
        (None, "SRE", "Engineering /\n\nRemote - Full-time /\n\nApply for this job", "full_time"),
        (None, "SRE", "About the role\n  * Location: Remote (US)\n  * Full-time \n", "full_time"),
        (None, "SRE", "Duration: 6 month contract\nRate: DOE", "contract"),
        (None, "SRE", "* Permanent contract\n* 25 days of holiday", "full_time"),
        (None, "SRE", "This is a full-time, exempt position.", "full_time"),
        (None, "SRE", "This is a long-term full-time (40 hrs/wk) contract role.", "contract"),
        (None, "SRE", "Join us on a permanent, part-time basis.", "part_time"),
        (None, "SRE", "The role is contract-to-hire.", "contract"),
        (None, "SRE", "We are hiring a part-time community manager.", "part_time"),
        (None, "SRE", "This is a paid internship over the summer.", "internship"),
        # Offering a choice, or speaking of other people or of experience: nothing stated.
        (None, "SRE", "This is a full time (with benefits) or contract role.", None),
        (None, "SRE", "  * Full-time or part-time roles available.\n", None),
        (None, "SRE", "Full-time / Contract", None),
        (None, "SRE", "### Benefits (For Full Time Employees):\n  * Health", None),
        (None, "SRE", "Full-time team members are eligible for health insurance.", None),
        (None, "SRE", "  * 3+ years of full-time experience with Linux\n", None),
        (None, "SRE", "We offer permanent contracts and great benefits.", None),
        (None, "SRE", "Audit smart contracts; this is a great opportunity.", None),
        (None, "SRE", "We do not sponsor residence based on a permanent job offer.", None),
    ],
)
def test_employment_type_of_a_posting(
    job_type: str | None, title: str | None, description: str, expected: str | None
) -> None:
    from rolediff.postings.parse import employment_type

    assert employment_type(job_type, title, description) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Full-time", "full_time"),
        ("FULL_TIME", "full_time"),
        ("Permanent", "full_time"),
        ("Part time", "part_time"),
        ("Contract (6 months)", "contract"),
        ("Contractor, C2C", "contract"),
        ("B2B", "contract"),
        ("Temporary", "temporary"),
        ("Fixed-term", "temporary"),
        ("Internship", "internship"),
        ("Contract or full-time", "contract"),
        ("contract_to_hire", "contract"),
        ("", None),
        (None, None),
        ("Remote", None),
    ],
)
def test_employment_type(text: str | None, expected: str | None) -> None:
    assert parse_employment_type(text) == expected


@pytest.mark.parametrize(
    ("field", "description", "currency"),
    [
        # A job board labels every figure it copies "USD"; the description names pounds.
        ("USD 60000.0~70000.0", "**Salary:** £60,000 - £70,000", "GBP"),
        ("USD 153000.0~210000.0", "Pay: CA$ 153,000 to CA$ 210,000 a year", "CAD"),
        ("$350,700 - $474,400", "Base pay range: PLN 350,700 - 474,400", "PLN"),
        (
            "$107,200 - $160,800",
            "Pay range: MIN: $107,200 - MID: $134,000 - MAX: $160,800 Currency: CAD",
            "CAD",
        ),
        # Other figures, dollars that a label reads as Canadian, or none: the field's reading.
        ("USD 60000.0~70000.0", "**Salary:** £50,000 - £70,000", "USD"),
        ("$107,200 - $160,800 USD", "Pay: MIN: $107,200 - MAX: $160,800 Currency: CAD", "USD"),
        ("USD 60000.0~70000.0", "Salary: $60,000 - $70,000", "USD"),
        ("£60,000 - £70,000", "Salary: £60,000 - £70,000", "GBP"),
    ],
)
def test_a_pay_field_takes_the_currency_the_description_states_its_figures_in(
    field: str, description: str, currency: str
) -> None:
    salary = parse_salary(field, "field")
    assert salary is not None
    assert with_stated_currency(salary, description).currency == currency


# --- the conventions files --------------------------------------------------------------------


def test_annualisation_follows_bls_oews() -> None:
    a = pay_conventions().annualise
    assert a.hours_per_year == a.weeks_per_year * 40 == 2080
    assert a.working_days_per_year == a.weeks_per_year * 5 == 260
    assert a.months_per_year == 12
    assert "bls.gov/oes" in a.reference


def test_plausibility_bounds_are_ordered() -> None:
    p = pay_conventions().plausible
    assert p.annual_min < p.bare_annual_min < p.annual_max
    assert p.bare_hourly_max * pay_conventions().per_year("hour") > p.annual_min


def test_currencies_are_iso_codes_with_unique_symbols() -> None:
    currencies = pay_conventions().currencies
    assert all(len(code) == 3 and code.isupper() for code in currencies)
    symbols = [s for c in currencies.values() for s in c.symbols]
    assert len(symbols) == len(set(symbols))
    assert currencies["USD"].usd_scale == 1.0


def test_seniority_thresholds_ascend_from_zero() -> None:
    years = [y.min_years for y in seniority_conventions().years]
    assert years[0] == 0 and years == sorted(years) and len(set(years)) == len(years)
    assert set(seniority_conventions().title_levels) == {"1", "2", "3", "4", "5"}


def test_provinces_do_not_shadow_states_or_countries() -> None:
    from rolediff import data

    states = {s.state_abbr for s in data.states()} | {s.state_name.lower() for s in data.states()}
    country_names = {s.lower() for c in countries() for s in (c.name, *c.aliases)}
    for subdivisions in place_conventions().subdivisions.values():
        for code, spellings in subdivisions.items():
            assert len(code) == 2 and code.isupper() and code not in states
            assert not {s.lower() for s in spellings} & (states | country_names)


def test_countries_and_regions_are_unambiguous() -> None:
    table = countries()
    assert len({c.code for c in table}) == len(table) >= 240
    spellings = [s.lower() for c in table for s in (c.name, *c.aliases)]
    assert len(spellings) == len(set(spellings))
    regions = [s for spellings in place_conventions().regions.values() for s in spellings]
    assert not set(regions) & set(spellings)


def test_every_country_spelling_reads_alone_and_in_a_list() -> None:
    """Job boards list countries by their ISO 3166 names, some holding a separator ("Congo, The
    Democratic Republic of the", "Virgin Islands (UK)"): each spelling reads as its country,
    whole. Names hold no separator (they stand in for such spellings before a line is split)."""
    for country in countries():
        assert "," not in country.name and not _SEGMENT_SPLIT.search(country.name)
        for spelling in (country.name, *country.aliases):
            for line in (spelling, f"Germany,{spelling},Japan", f"Remote - {spelling}"):
                location = parse_location(line)
                assert location is not None and country.name in location.places, line


def test_foreign_cities_are_outside_the_us_and_their_aliases_known() -> None:
    conventions = place_conventions()
    codes = {c.code for c in countries()}
    cities = foreign_cities()
    assert {c.country for c in cities} <= codes - {"US", "PR"}
    least = conventions.bare_city.min_population
    assert all(c.population >= least for c in cities)
    names = {c.city for c in cities}
    assert len(names) == len(cities) >= 1000
    assert set(conventions.foreign_city_aliases.values()) <= names
    assert not set(conventions.foreign_city_aliases) & names


# --- properties ---------------------------------------------------------------------------------

_MONEYISH = st.text(
    alphabet=st.sampled_from(list("0123456789$£€₹,.~-\u2013/ kKmMAUSDEGBPhryearmonthwk+()")),
    max_size=40,
)


def _consistent(salary: Salary) -> None:
    per_year = pay_conventions().per_year(salary.interval)
    for stated, annual in ((salary.min, salary.annual_min), (salary.max, salary.annual_max)):
        assert (stated is None) == (annual is None)
        if stated is not None:
            assert annual == pytest.approx(stated * per_year)
    if salary.annual_min is not None and salary.annual_max is not None:
        assert salary.annual_min <= salary.annual_max
    assert salary.min is not None or salary.max is not None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _MONEYISH))
def test_pay_parsers_never_raise_and_stay_consistent(text: str) -> None:
    for salary in (parse_salary(text, "field"), find_salary_in_description(text)):
        if salary is not None:
            _consistent(salary)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=1, max_value=1e7, allow_nan=False),
    st.floats(min_value=1, max_value=1e7, allow_nan=False),
    st.sampled_from(["", " per hour", "/month", " a week", " a day", " per year"]),
)
def test_ranges_are_ordered_and_annualised_by_the_conventions(
    low: float, high: float, unit: str
) -> None:
    salary = parse_salary(f"${low:,.2f} - ${high:,.2f}{unit}", "field")
    if salary is not None:
        _consistent(salary)
        assert salary.min is not None and salary.max is not None
        assert salary.min <= salary.max


# Suffix, the interval it names, and how many of it make a year (BLS OEWS: 2080 hours, 260 days).
_RANGE_UNITS = [
    ("", "year", 1),  # a bare figure of at least bare_annual_min is a year's pay
    (" per year", "year", 1),
    ("/month", "month", 12),
    (" a week", "week", 52),
    (" a day", "day", 260),
    (" per hour", "hour", 2080),
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(_RANGE_UNITS),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=1, max_value=50),
    st.booleans(),
)
def test_plausible_ranges_are_read_ordered_and_annualised(
    unit: tuple[str, str, int], where: float, ratio: float, high_first: bool
) -> None:
    """Every range whose ends annualise inside the plausible bounds is read, whichever end comes
    first (the test above accepts None, and most of its random ranges are implausible). The ends
    stay within a factor of 50, so no "broken high end" repair ("$60,675- $101, 125") applies."""
    suffix, interval, per_year = unit
    bounds = pay_conventions().plausible
    floor = 1.01 * (bounds.bare_annual_min if suffix == "" else bounds.annual_min)
    annual_low = floor + where * (0.99 * bounds.annual_max / ratio - floor)
    low, high = round(annual_low / per_year, 2), round(annual_low * ratio / per_year, 2)
    first, second = (high, low) if high_first else (low, high)
    text = f"${first:,.2f} - ${second:,.2f}{suffix}"
    salary = parse_salary(text, "field")
    assert salary is not None, explain_salary(text, "field")[1]
    _consistent(salary)
    assert (salary.interval, salary.currency) == (interval, "USD")
    assert (salary.min, salary.max) == (pytest.approx(low), pytest.approx(high))
    assert salary.annual_min == pytest.approx(low * per_year)
    assert salary.annual_max == pytest.approx(high * per_year)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=300)))
def test_location_and_seniority_never_raise(text: str, description: str | None) -> None:
    location = parse_location(text, description, title=text)
    if location is not None:
        assert location.country is None or len(location.country) == 2
    parse_seniority(text, description)
    parse_employment_type(text)


@pytest.mark.parametrize(
    "text",
    [
        "$$$",
        "$,",
        "$.5",
        "1e9",
        "--",
        "~",
        "k",
        "9" * 400,
        "$" + "9" * 30,
        "12,34,56,78,90",
        "1.2.3.4",
        "€ - €",
        "USD USD USD",
        "\x00\ud7ff\ufeff",
        "$100k - ",
        "to $",
        "NaN",
        "inf",
    ],
)
def test_malformed_pay_gives_none_or_a_reason(text: str) -> None:
    salary, reason = explain_salary(text, "field")
    assert (salary is None) == (reason != "parsed")
    if salary is not None:
        _consistent(salary)
    find_salary_in_description(text)


# --- the word filter in front of the remote / hybrid / on-site patterns ------------------------


def test_folding_turns_every_ignorecase_twin_of_an_ascii_letter_into_it() -> None:
    import re
    import sys

    any_letter = re.compile("[a-z]", re.IGNORECASE)
    twins = [c for c in map(chr, range(sys.maxunicode + 1)) if any_letter.fullmatch(c)]
    assert len(twins) > 52  # the ASCII letters and a few others (the Kelvin sign, long s, ...)
    for char in twins:
        letters = [x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(x, char, re.I)]
        assert [_folded(char)] == letters, char


# Patterns that run only where one of their words is: every match must hold one of those words.
_WORD_FILTERED = {
    **{name: (p, w) for name, p, w in (*_DESCRIPTION_MODES, *_TITLE_LEVELS)},
    "pay words": (_PAY_WORDS, _PAY_WORDS_WORDS),
    "not pay before": (_NOT_PAY_BEFORE, _NOT_PAY_BEFORE_WORDS),
    "explicit work mode": (_EXPLICIT_DESCRIPTION, _EXPLICIT_WORDS),
    **{f"{mode} in a title": (p, _TITLE_MODE_WORDS) for mode, p in _FIELD_MODES},
}


@pytest.mark.parametrize("name", sorted(_WORD_FILTERED))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_match_of_a_word_filtered_pattern_holds_one_of_its_words(
    name: str, data: st.DataObject
) -> None:
    pattern, words = _WORD_FILTERED[name]
    found = pattern.search(data.draw(st.from_regex(pattern)))
    assert found is not None
    assert any(word in _folded(found.group()) for word in words)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_level_named_in_the_text_is_where_the_scan_looks(data: st.DataObject) -> None:
    """The level patterns run only around the scan's LEVEL needles ("a senior", ...)."""
    from rolediff.postings.scan import LEVEL_NEEDLES
    from rolediff.skills import lower_same_length, spaced

    found = _TEXT_LEVELS.search(data.draw(st.from_regex(_TEXT_LEVELS)))
    assert found is not None
    text = spaced(lower_same_length(found.group()))
    assert any(needle in text for needle in LEVEL_NEEDLES), found.group()


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("This is a HYBRID role based in Austin.", "hybrid"),
        ("Three days a week in the office, the rest remote.", "hybrid"),
        ("The job is fully remote from anywhere in the US.", "remote"),
        ("We work from home on Fridays; the role is remote.", "remote"),
        ("The position is on-site in our Denver office.", "onsite"),
        ("Must be onsite; no remote work.", "onsite"),
        ("Remote-first team; office in Berlin.", "remote"),
        ("Our office has a great coffee machine.", None),
        ("This is not a remote position.", "onsite"),
        ("No remote work permitted - must be onsite.", "onsite"),
        ("Hybrid workplace for most teams. This is a remote position.", "remote"),
        # A list of modes offers a choice: it states none, and the rest of the text decides.
        ("This is a Hybrid/Remote role within the USA.", None),
        ("This is a hybrid-remote role within the USA.", "hybrid"),
        ("**Workplace Type:** Onsite / Hybrid / Remote", None),
        ("Work mode: Remote or Hybrid", None),
        ("Our office is in Toronto, but the role is remote/hybrid/flexible.", None),
        ("Work mode: Remote or Hybrid. This is a remote position.", "remote"),
        ("We offer remote or hybrid working models in the US.", None),
        ("Location: Remote, US (on-site twice a year)", "remote"),
        ("The position is 100% remote; our offices run a hybrid model.", "remote"),
        ("This is an on-site contract (not remote).", "onsite"),
    ],
)
def test_work_mode_in_description(text: str, mode: str | None) -> None:
    from rolediff.postings.parse import remote_in_description

    assert remote_in_description(text) == mode


def test_an_amounts_first_digit_is_at_most_nine_characters_in() -> None:
    """The money pattern's lookahead assumes it: a three-letter code, ")", a space, a symbol of
    at most three characters and a space ("USD) US$ 1")."""
    from rolediff.postings.parse import _pay_grammar, pay_conventions

    assert all(len(code) == 3 for code in pay_conventions().currencies)
    assert max(map(len, _pay_grammar().symbol_currency)) <= 3
    found = _pay_grammar().money.search("(USD) US$ 120,000")
    assert found is not None and found.group("number_a") == "120,000"


def test_estimate_markers_are_whole_words_and_leading_words_lead() -> None:
    """An employer's "(estimated base)" is its own pay; no markers at all flag nothing."""
    from rolediff.postings.parse import Estimates, pay_conventions

    marks = pay_conventions().estimates.marks
    assert marks("$81K-$167K (Glassdoor est.)") and marks("Estimated $95.5K - $121K a year")
    assert not marks("$120,000 - $150,000 (estimated base)") and not marks("overestimated $1")
    assert not Estimates(markers=(), leading=(), note="").marks("$100,000")
