"""Read the fields of a job posting: pay, place, seniority and employment type.

Every parser takes text as published and never raises on odd input: it returns None when the text
says nothing it can read. The conventions it applies (annualisation factors, plausibility bounds,
seniority thresholds, country names) are data in ``rolediff/data/postings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from rolediff import data
from rolediff.errors import UnknownPlaceError
from rolediff.geo import Place, county_metro, normalize, resolve_place
from rolediff.postings.read import lone_surrogate
from rolediff.postings.scan import EMPLOYMENT, LEVEL, PAY, REMOTE, TERMS, YEARS, Found, scan

Interval = Literal["year", "month", "week", "day", "hour"]
SalarySource = Literal["field", "description"]
RemoteMode = Literal["remote", "hybrid", "onsite"]
Seniority = Literal[
    "intern", "junior", "mid", "senior", "staff", "principal", "lead", "manager", "director"
]
EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- conventions (packaged data) ------------------------------------------------------------


class Annualise(_Frozen):
    hours_per_year: PositiveInt
    weeks_per_year: PositiveInt
    working_days_per_year: PositiveInt
    months_per_year: PositiveInt
    reference: str


class PlausiblePay(_Frozen):
    """Bounds in US dollars; `CurrencyConvention.usd_scale` scales them to other currencies."""

    annual_min: PositiveFloat
    annual_max: PositiveFloat
    bare_hourly_max: PositiveFloat
    bare_annual_min: PositiveFloat
    millions_min_usd_scale: PositiveFloat
    note: str


class CurrencyConvention(_Frozen):
    symbols: tuple[str, ...]
    usd_scale: PositiveFloat
    countries: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the countries whose currency this is."""


class Placeholders(_Frozen):
    values: tuple[str, ...]
    note: str

    def holds(self, text: str) -> bool:
        """Whether a pay field's text is one of the values, ignoring case and spacing."""
        key = " ".join(text.split()).casefold()
        return any(key == " ".join(v.split()).casefold() for v in self.values)


class Estimates(_Frozen):
    markers: tuple[str, ...]
    """Anywhere in the field ("$81K-$167K (Glassdoor est.)")."""
    leading: tuple[str, ...]
    """Only as the field's first word ("Estimated $95.5K - $121K a year")."""
    note: str

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        def words(phrases: tuple[str, ...]) -> str:
            """The phrases as alternatives, longest first; none matches nothing (not "")."""
            ordered = sorted(phrases, key=len, reverse=True)
            return "|".join(re.escape(p) for p in ordered) if ordered else "(?!)"

        anywhere, first = words(self.markers), words(self.leading)
        return re.compile(rf"(?<!\w)(?:{anywhere})(?!\w)|^\W*(?:{first})(?!\w)", re.IGNORECASE)

    def marks(self, text: str) -> bool:
        """Whether a pay field's text says its figures are a job board's estimate."""
        return self._pattern.search(text) is not None


class UnreadCurrencies(_Frozen):
    codes: tuple[str, ...]
    """ISO 4217 codes of currencies rolediff does not read."""
    symbols: tuple[str, ...]
    reference: str


class PayConventions(_Frozen):
    annualise: Annualise
    plausible: PlausiblePay
    placeholders: Placeholders
    estimates: Estimates
    unread_currencies: UnreadCurrencies
    currencies: dict[str, CurrencyConvention]

    @model_validator(mode="after")
    def _one_currency_a_country(self) -> PayConventions:
        for country, codes in self._by_country().items():
            if len(codes) > 1:
                raise ValueError(f"country {country} has two currencies: {', '.join(codes)}")
        if read_and_unread := set(self.currencies) & set(self.unread_currencies.codes):
            raise ValueError(f"read and unread currencies: {', '.join(sorted(read_and_unread))}")
        return self

    def _by_country(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for code, currency in self.currencies.items():
            for country in currency.countries:
                found.setdefault(country, []).append(code)
        return found

    @cached_property
    def currency_by_country(self) -> dict[str, str]:
        """Each country's currency (one a country: checked when the conventions load)."""
        return {country: codes[0] for country, codes in self._by_country().items()}

    def currency_of(self, country: str) -> str | None:
        """The currency of a country (ISO 3166-1 alpha-2), or None when rolediff knows none."""
        return self.currency_by_country.get(country)

    def per_year(self, interval: Interval) -> int:
        """How many of `interval` make a year."""
        a = self.annualise
        return {
            "year": 1,
            "month": a.months_per_year,
            "week": a.weeks_per_year,
            "day": a.working_days_per_year,
            "hour": a.hours_per_year,
        }[interval]


class YearsLevel(_Frozen):
    min_years: int = Field(ge=0)
    level: Seniority


class YearsBounds(_Frozen):
    max_credible: PositiveInt
    note: str


class NotLevels(_Frozen):
    phrases: tuple[str, ...]
    ic_manager_families: tuple[str, ...]


class SeniorityConventions(_Frozen):
    title_levels: dict[str, Seniority]
    not_levels: NotLevels
    years: tuple[YearsLevel, ...]
    years_bounds: YearsBounds
    board_levels: dict[str, Seniority]
    """A job board's level among a pasted posting's header facts ("entry level") → level."""


class BareCity(_Frozen):
    min_population: PositiveInt
    note: str


class TwoLetterCodes(_Frozen):
    country_first: tuple[str, ...]
    note: str


class MetroWords(_Frozen):
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]


class ForeignCities(_Frozen):
    us_namesake_factor: PositiveFloat
    note: str


class ForeignCity(_Frozen):
    """A row of foreign_cities.csv (scripts/build_foreign_cities.py, from GeoNames)."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    city: str = Field(min_length=1)
    population: PositiveInt
    geonameid: PositiveInt


class PlaceConventions(_Frozen):
    bare_city: BareCity
    two_letter: TwoLetterCodes
    regions: dict[str, tuple[str, ...]]
    subdivisions: dict[str, dict[str, tuple[str, ...]]]
    """country code → subdivision code → spellings, the first its name"""
    metro_words: MetroWords
    foreign_cities: ForeignCities
    """How foreign_cities.csv was chosen (scripts/build_foreign_cities.py reads it)."""
    foreign_city_aliases: dict[str, str]
    """English name → the name foreign_cities.csv gives ("Cologne" → "Köln")"""


class Country(_Frozen):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    aliases: tuple[str, ...]


@cache
def pay_conventions() -> PayConventions:
    return PayConventions.model_validate(data.read_toml("postings/pay_conventions.toml"))


@cache
def seniority_conventions() -> SeniorityConventions:
    return SeniorityConventions.model_validate(data.read_toml("postings/seniority.toml"))


@cache
def place_conventions() -> PlaceConventions:
    return PlaceConventions.model_validate(data.read_toml("postings/places.toml"))


@cache
def foreign_cities() -> tuple[ForeignCity, ...]:
    """Cities outside the US that a location line may name alone ("London", "Barcelona")."""
    return tuple(
        ForeignCity.model_validate(row) for row in data.read_csv("postings/foreign_cities.csv")
    )


@cache
def countries() -> tuple[Country, ...]:
    """ISO 3166-1 alpha-2 codes with an everyday English name and other spellings."""
    return tuple(
        Country(
            code=row["code"],
            name=row["name"],
            aliases=tuple(a for a in row["aliases"].split(";") if a),
        )
        for row in data.read_csv("postings/countries.csv")
    )


# --- pay ------------------------------------------------------------------------------------


class Salary(_Frozen):
    """Pay as a posting states it, and the same pay over a year (same currency)."""

    min: float | None
    max: float | None
    currency: str
    """ISO 4217 code."""
    interval: Interval
    annual_min: float | None
    annual_max: float | None
    source: SalarySource
    estimate: bool = False
    """The pay field says its figures are a job board's own estimate ("(Glassdoor est.)"), not
    pay the employer states."""
    text: str
    """The matched text, verbatim."""


# A number as postings write it: 120,000 · 120000.0 · 60.000 (European) · 12,00,000 (Indian) ·
# 13 600 · 120'000 (Swiss; also with U+2019 for the apostrophe) · 57,582.12 · 1.200,00. `_number`
# decides which separator is the decimal one.
_NUMBER = (
    r"(?:\d{1,2}(?:,\d{2})+,\d{3}"
    r"|\d{1,3}(?:,\d{3})+"
    r"|\d{1,3}(?:\.\d{3})+"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"|\d{1,3}(?:['\u2019]\d{3})+"
    r"|\d+)"
    r"(?:[.,]\d{1,2})?(?!\d)"
)
# "120'000.-" (or an en or em dash): a Swiss whole amount (no centimes), read as the number.
_WHOLE_MARK = r"(?:\.[-\u2013\u2014](?![-\u2013\u2014]?\s?\d))?"
_NUMBER_SEPARATORS = str.maketrans("", "", " \u00a0\u202f'\u2019")
# k → thousands; lakh/crore → Indian units; m/bn/million → a company-scale sum, pay only in a
# currency where a million units is a salary ("¥8M": `_millions_are_pay`).
_MULTIPLIER = (
    r"\s?(?:[kK](?![a-z])"
    r"|(?i:lakhs?|lacs?|lpa|crores?)(?![a-zA-Z])"
    r"|(?:mm|MM|[mMbB]n?|(?i:million|billion))(?![a-zA-Z]))"
)
_INDIAN_UNITS_CURRENCY = "INR"
"""The currency of an amount in lakh or crore that names none ("12-15 LPA", "18 Lacs")."""
_INLINE_INTERVAL = (
    r"\s?(?:/|(?i:per|an?)\s)\s?(?i:years?|yrs?|annum|hours?|hrs?|months?|mos?|weeks?|wks?|days?)\b"
)
# Also the "to" of German, Dutch and French ("bis", "tot", "à"), and of Spanish and Portuguese
# ("a") where a currency sign follows ("R$ 18.000 a R$ 22.000").
_RANGE_SEPARATOR = (
    r"\s*(?:\\?-|\u2013|\u2014|~|(?i:\bto\b|\band\b|\bthrough\b|\bbis\b|\btot\b|\u00e0)"
    r"|\ba(?=\s*[A-Z]{0,3}[$£€])|/(?=\s)|(?=[$£€]))\s*"
)

# With the same words in German, Dutch, French, Spanish, Portuguese and Italian ("pro Monat",
# "per maand", "par mois", "por mes", "por mês", "al mese", "brutto im Jahr", "por hora"), and
# the Nordic and Polish month and year ("/mån", "per måned", "miesięcznie", "per år", "rocznie").
_FOREIGN_PER = r"(?:per|pro|por|par|al|im|a)\s+"
_INTERVAL_WORDS: tuple[tuple[Interval, str], ...] = (
    (
        "hour",
        r"hourly|per\s+hour|an\s+hour|/\s?h(?:ou)?rs?|p/h"
        rf"|{_FOREIGN_PER}(?:stunde|uur|heure|hora|ora)|stündlich|/\s?std",
    ),
    ("day", r"daily|per\s+day|a\s+day|/\s?day|day\s+rate|p/d"),
    ("week", r"weekly|per\s+week|a\s+week|/\s?w(?:ee)?ks?"),
    (
        "month",
        r"monthly|(?:per|a|each|every)\s+month|/\s?mo(?:nth)?s?|pcm|p/m"
        rf"|{_FOREIGN_PER}(?:monat|maand|mois|mes|mês|mese)|monatlich|maandelijks|mensu[ae]l"
        r"|mensile|/\s?(?:monat|maand|mois|mes|mês)"
        r"|(?:per|pr\.|i)\s+(?:månad|måned|mån)|/\s?(?:mån(?:ad)?|mnd|mies\.?)|miesięcznie",
    ),
    (
        "year",
        r"annual(?:ly)?|yearly|per\s+(?:year|annum)|a\s+year|/\s?y(?:ea)?rs?|p\.a\.|p/a|pa|lpa"
        rf"|{_FOREIGN_PER}(?:jahr|jaar|an|année|año|ano|anno)|jährlich|jaarlijks|annuel|anual"
        r"|(?:per|pr\.|om)\s+år(?:et)?|/\s?år|årlig(?:en)?|rocznie|/\s?rok|na\s+rok",
    ),
)
_INTERVAL_AFTER = re.compile(
    "|".join(rf"(?P<{name}>(?<![a-z]){words}(?![a-z]))" for name, words in _INTERVAL_WORDS),
    re.IGNORECASE,
)
# Before an amount only adjectives count: "hourly rate of $40", "Annual salary: £50,000".
_INTERVAL_BEFORE = re.compile(
    r"\b(?:(?P<hour>hourly)|(?P<day>daily|day\s+rate)|(?P<week>weekly)|(?P<month>monthly)"
    r"|(?P<year>annual|yearly))\b(?!.*\b(?:hourly|daily|weekly|monthly|annual|yearly)\b)",
    re.IGNORECASE | re.DOTALL,
)
_WINDOW_STOP = re.compile(r"[\n$£€₹\d]")
# "to £65k" with no figure before it is a British recruiter's "up to" ("Salary to £65k").
_UP_TO = re.compile(
    r"(?:up\s+to|max(?:imum)?(?:\s+of)?|as\s+much\s+as|^\D*\bto)\s*[:\-]?\s*$", re.I
)
_AT_LEAST = re.compile(
    r"(?:from|between|starting(?:\s+at)?|at\s+least"
    r"|min(?:imum)?(?:\s+of|\s+(?:annual\s+)?(?:salary|pay|base|rate))?)\s*[:\-]?\s*$",
    re.I,
)
# The top of a range stated after its bottom, in other words: "from $168,600 in our lowest
# geographic market up to $237,600", "Min: $162,400 Mid: $203,000 Max: $243,500".
_UPPER_CUE = re.compile(
    r"(?:up\s+to|\bto|\band|max(?:imum)?(?:\s+(?:annual\s+)?(?:salary|pay|base|rate))?)"
    r"\s*[:\-]?\s*$",
    re.I,
)
_UPPER_REACH = 160
"""How far after the bottom of a range its top may be stated (characters)."""
_PAY_WORDS = re.compile(
    r"salar|\bpay\b|compensation|\bbase\b|\bwages?\b|\brange\b|\bote\b|\bearn"
    r"|\brate\b|remuneration|\bgross\b|\bpackage\b|\bctc\b|\bbudgeted\s+range",
    re.IGNORECASE,
)
# Money that is not pay: funding, revenue, perks and budgets, said just before the amount...
_NOT_PAY_BEFORE = re.compile(
    r"perk|wellness|internet|phone|gym|rais(?:e|ed|ing)\b|fund|revenue|valuation|valued"
    r"|series\s+[a-f]\b|budget(?!ed\s+(?:comp|sal|pay|base|range))|allowance|stipend|reimburs"
    r"|bonus|learning|relocation|referral|credit|quota|\bgmv\b|\barr\b|spend|sales|grant"
    r"|scholarship|award|invest|\bcosts?\b|\bfees?\b|price|saving|worth|insurance|deductible"
    r"|401|\bmatch|donat|\bprize",
    re.IGNORECASE,
)
# ...or named by the words right after it ("$2,000 annual learning budget", "$40 per post",
# "$200/mo Health and Wellness Stipend"), though not after "plus" ("$120k plus bonus").
_NOT_PAY_AFTER = re.compile(
    r"^\s*(?:(?!plus\b|and\b|with\b)[\w-]+\s+){0,3}?"
    r"(?:budget|allowance|stipend|benefit|perk|wellness|well-?being|health|internet|phone"
    r"|equipment|coworking|reimburs|credit|grant|setup|set-up|set\s+up|fund|learning|signing"
    r"|sign-on|relocation"
    r"|referral|valuation|bonus|in\s+(?:arr|revenue|sales|funding|gmv)|of\s+(?:funding|revenue)"
    r"|per\s+(?!(?:hour|hr|year|yr|annum|month|week|day|maand|jaar|uur|anno|mese|ora|måned|månad"
    r"|mån|år)\b)[a-z]+)",
    re.IGNORECASE,
)
# Every match of these two holds one of its words (in the letters IGNORECASE matches, see
# _folded), so a window holding none is passed over without running the pattern: searching ~60
# characters with either cost 10-20 us, the pay finder's largest cost.
_PAY_WORDS_WORDS = (
    *("salar", "pay", "compensation", "base", "wage", "range", "ote", "earn", "rate"),
    *("remuneration", "gross", "package", "ctc"),
)
_NOT_PAY_BEFORE_WORDS = (
    *("perk", "wellness", "internet", "phone", "gym", "rais", "fund", "revenue", "valu"),
    *("series", "budget", "allowance", "stipend", "reimburs", "bonus", "learning", "relocation"),
    *("referral", "credit", "quota", "gmv", "arr", "spend", "sales", "grant", "scholarship"),
    *("award", "invest", "cost", "fee", "price", "saving", "worth", "insurance", "deductible"),
    *("401", "match", "donat", "prize"),
)
# A minus sign glued to the first figure ("-$5", "$ -5", "USD -100,000") or between a currency sign
# and its figure ("$5-$-10"), as opposed to the dash between the two ends of a range ("$120k -
# $150k", "100K USD - 120K USD") or a list's bullet ("- $120,000 a year").
_NEGATIVE = re.compile(
    r"^\s*(?:[$£€₹]|[A-Z]{3})?\s*[-\u2212][$£€₹]?\d|[$£€₹][-\u2212]\d", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r"\n|[;•!?]|\.\s")
_MIN_DESCRIPTION_SCORE = 3
_MAX_DESCRIPTION_SCORE = 7
"""Pay words 3, a range 2, a yearly-sized range 1, a stated interval 1: the most a mention
scores in find_salary_in_description."""


@dataclass(frozen=True)
class _PayGrammar:
    money: re.Pattern[str]
    symbol_currency: dict[str, str]
    needles: tuple[str, ...]
    """Where pay may be stated: currency signs, Indian units and ISO codes written "USD" or
    "Usd" (a mention marked only by "usd" is missed)."""


@cache
def _pay_grammar() -> _PayGrammar:
    conventions = pay_conventions()
    symbol_currency = {
        symbol: code for code, c in conventions.currencies.items() for symbol in c.symbols
    }
    symbols = "|".join(re.escape(s) for s in sorted(symbol_currency, key=len, reverse=True))
    codes = "|".join(sorted(conventions.currencies))
    # "100 €" is written, "100 $" hardly ever: a "$" after an amount starts the next one.
    post_symbols = "|".join(re.escape(s) for s in symbol_currency if not s.endswith("$"))

    # Markdown emphasis may close between an amount and its code ("**130,000.00** USD").
    def amount(tag: str) -> str:
        return (
            rf"(?:(?P<code_pre{tag}>(?i:\b(?:{codes})))\b\)?\s?)?"
            rf"(?P<symbol{tag}>{symbols})?\s?"
            rf"(?P<number{tag}>{_NUMBER}){_WHOLE_MARK}"
            rf"(?P<multiplier{tag}>{_MULTIPLIER})?"
            rf"(?:(?:\*\*|__)?\s?(?P<code_post{tag}>(?i:(?:{codes})\b)|{post_symbols})|(?![a-z]))"
            rf"(?P<interval{tag}>{_INLINE_INTERVAL})?"
        )

    # An amount's first digit comes at most 9 characters in ("USD) US$ 1"): the lookahead turns
    # away most places of a window before the currency codes are tried.
    money = re.compile(
        rf"(?<![\w.,/])(?=\D{{0,9}}\d){amount('_a')}(?:{_RANGE_SEPARATOR}{amount('_b')})?"
    )
    # "$" stands for "US$", "CA$" and the rest: one needle per distinct last character.
    needles = {s[-1] for s in symbol_currency}
    needles |= {"lakh", "Lakh", "Lacs", "lacs", "LPA", "lpa", "crore", "Crore"}
    needles |= {*conventions.currencies, *(c.capitalize() for c in conventions.currencies)}
    return _PayGrammar(money, symbol_currency, tuple(sorted(needles)))


def pay_needles() -> tuple[str, ...]:
    """The strings (case-sensitive) around which a description may state pay."""
    return _pay_grammar().needles


@dataclass(frozen=True)
class _Amount:
    value: float
    factor: float
    """The multiplier applied: 1000 for "k", 100,000 for "lakh", else 1."""
    big: bool
    """Millions or billions: a company-scale sum."""
    currency: str | None
    explicit_code: bool
    interval: Interval | None


@dataclass(frozen=True)
class _Mention:
    low: float
    high: float
    is_range: bool
    currency: str | None
    marked: bool
    """A currency sign or code is written."""
    interval: Interval | None
    big: bool
    start: int
    end: int


def _number(raw: str) -> float:
    digits = raw.translate(_NUMBER_SEPARATORS)
    whole, decimals = digits, ""
    if len(digits) >= 3 and digits[-3] in ".,":
        whole, decimals = digits[:-3], digits[-2:]
    elif len(digits) >= 2 and digits[-2] in ".,":
        whole, decimals = digits[:-2], digits[-1:]
    whole = whole.replace(",", "").replace(".", "")
    return float(f"{whole}.{decimals}" if decimals else whole)


def _interval_of(match: re.Match[str] | None) -> Interval | None:
    """The interval a match of `_INTERVAL_AFTER` or `_INTERVAL_BEFORE` names by its group."""
    if match is None:
        return None
    return next((i for i, _ in _INTERVAL_WORDS if i == match.lastgroup), None)


def _amount(m: re.Match[str], tag: str, grammar: _PayGrammar) -> _Amount:
    value = _number(m.group(f"number{tag}"))
    multiplier = (m.group(f"multiplier{tag}") or "").strip().lower()
    factor = 1.0
    interval: Interval | None = "year" if multiplier == "lpa" else None
    if multiplier == "k":
        # "$68,000k" is someone writing thousands twice, not 68 million.
        factor = 1000.0 if value < 1000 else 1.0
    elif multiplier.startswith(("lakh", "lac", "lpa")):
        factor = 100_000.0
    elif multiplier.startswith("crore"):
        factor = 10_000_000.0
    elif multiplier.startswith("b"):
        factor = 1_000_000_000.0
    elif multiplier:  # m, mm, mn, million
        factor = 1_000_000.0
    code = m.group(f"code_pre{tag}") or m.group(f"code_post{tag}")
    symbol = m.group(f"symbol{tag}")
    explicit_code = code is not None and code.upper() in pay_conventions().currencies
    currency = code.upper() if explicit_code and code else None
    if currency is None and symbol:
        currency = grammar.symbol_currency[symbol]
    if currency is None and code:  # a sign written after the amount: "100 €", "5 000 zł"
        currency = grammar.symbol_currency.get(code)
    indian = multiplier.startswith(("lakh", "lac", "lpa", "crore"))
    if currency is None and indian:  # lakh, lac, LPA, crore: Indian units, in rupees
        currency = _INDIAN_UNITS_CURRENCY
    inline = m.group(f"interval{tag}")
    if inline:
        interval = _interval_of(_INTERVAL_AFTER.search(inline)) or _inline_unit(inline)
    big = factor >= 1_000_000.0 and not indian
    return _Amount(value * factor, factor, big, currency, explicit_code, interval)


_UNIT_PREFIXES: tuple[tuple[Interval, tuple[str, ...]], ...] = (
    ("year", ("year", "yr", "annum")),
    ("hour", ("hour", "hr")),
    ("month", ("month", "mo")),
    ("week", ("week", "wk")),
    ("day", ("day",)),
)


def _inline_unit(inline: str) -> Interval | None:
    """The unit of "/yr", "per annum", "a day" (the forms `_INTERVAL_AFTER` does not spell)."""
    unit = inline.strip().split()[-1].lstrip("/").lower()
    return next((i for i, prefixes in _UNIT_PREFIXES if unit.startswith(prefixes)), None)


def _glued_sign(m: re.Match[str], grammar: _PayGrammar) -> str | None:
    """The currency of a sign glued to the word before an amount, where markup was stripped or
    markdown wraps it ("Pay Range$96,800", "_$135,000_"): the money pattern starts after such a
    sign (no word character may precede an amount), so it is read here, on the matches only."""
    at, text = m.start(), m.string
    if at < 2 or (text[at - 2] not in _GLUE_BEFORE_SIGN) or m.group("symbol_a"):
        return None
    return grammar.symbol_currency.get(text[at - 1])


_GLUE_BEFORE_SIGN = frozenset("abcdefghijklmnopqrstuvwxyz_")
"""What a glued sign may follow: a lower-case word's end or markdown's "_" ("HK$", "NT$" are
other dollars)."""


def _mention(m: re.Match[str], grammar: _PayGrammar) -> _Mention:
    a = _amount(m, "_a", grammar)
    start = m.start()
    glued = _glued_sign(m, grammar) if a.currency is None else None
    if glued is not None:
        a = replace(a, currency=glued)
        start -= 1
    if m.group("number_b") is None:
        return _Mention(
            a.value, a.value, False, a.currency, a.currency is not None, a.interval, a.big,
            start, m.end(),
        )  # fmt: skip
    b = _amount(m, "_b", grammar)
    low, high = a.value, b.value
    # "85-110k", "$180-220k", "32-35 Lakhs": the multiplier is written once for both ends.
    if b.factor > 1 and a.factor == 1 and low < 1000:
        low *= b.factor
    elif a.factor > 1 and b.factor == 1 and high < 1000:
        high *= a.factor
    # "$60,675- $101, 125", "$113,000 - $175-000": a broken high end, off by a thousand.
    elif low >= 1000 > high and low <= high * 1000 <= 10 * low:
        high *= 1000
    elif high >= 1000 > low and low * 1000 <= high <= 10 * low * 1000:  # "$100-150,000"
        low *= 1000
    low, high = min(low, high), max(low, high)
    codes = [x.currency for x in (a, b) if x.explicit_code]
    currency = codes[0] if codes else (a.currency or b.currency)
    return _Mention(
        low, high, True, currency, currency is not None, a.interval or b.interval,
        a.big or b.big, start, m.end(),
    )  # fmt: skip


def _merge(hits: list[tuple[int, int]], before: int, after: int) -> list[tuple[int, int]]:
    """Merged spans of a text around each hit (from scan.scan).

    Running the regexes over a few short spans instead of a whole 4 KB posting keeps them cheap.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(hits):
        lo, hi = max(0, start - before), end + after
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _window_after(text: str, end: int, size: int = 40) -> str:
    after = text[end : end + size]
    stop = _WINDOW_STOP.search(after)
    return after[: stop.start()] if stop else after


def _resolve_interval(text: str, mention: _Mention, whole_text: bool) -> Interval | None:
    if mention.interval:
        return mention.interval
    found = _interval_of(_INTERVAL_AFTER.search(_window_after(text, mention.end)))
    if found is None and whole_text:
        found = _interval_of(_INTERVAL_AFTER.search(text, mention.end))
    if found is None:
        found = _interval_of(
            _INTERVAL_BEFORE.search(text[max(0, mention.start - 40) : mention.start])
        )
    return found


def _millions_are_pay(currency: str | None) -> bool:
    """Whether a sum written in millions ("¥8M - ¥12M") may be pay: only with its currency
    written, one of at least `millions_min_usd_scale` units a US dollar ("$5M" is a company's
    sum; "6m" may be six months)."""
    if currency is None:
        return False
    conventions = pay_conventions()
    scale = conventions.currencies[currency].usd_scale
    return scale >= conventions.plausible.millions_min_usd_scale


@cache
def _unread_signs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What marks a figure's currency as one rolediff does not read, written right before it
    (an ISO code, a sign, letters glued to a "$": "HKD ", "₩", "NT$") and right after it."""
    unread = pay_conventions().unread_currencies
    codes = "|".join(unread.codes)
    signs = "|".join(re.escape(s) for s in sorted(unread.symbols, key=len, reverse=True))
    before = re.compile(
        rf"(?:(?<![A-Za-z])(?:{codes}|{signs})|(?<![A-Za-z])[A-Z]{{1,3}}\$)\W{{0,3}}$"
    )
    after = re.compile(rf"^\W{{0,3}}(?:(?:{codes})(?![A-Za-z])|{signs})")
    return before, after


def _unread_currency(text: str, start: int, end: int) -> str | None:
    """The code or sign of a currency rolediff does not read, written at a figure that names no
    currency it reads ("HKD 50,000", "NT$1,200,000", "60,000,000 KRW"), if any."""
    before, after = _unread_signs()
    found = (
        before.search(text, max(0, start - 8), start)
        or after.match(text[end : end + 8])
        # "60,000,000 KRW": the pay pattern took its "K" for thousands
        or (after.match(text[end - 1 : end + 7]) if text[end - 1 : end] == "K" else None)
    )
    if found is None:
        return None
    sign = found.group().strip(" \t*_:(-")
    known = _pay_grammar().symbol_currency
    return None if sign in known else sign


def _salary(
    text: str,
    mention: _Mention,
    source: SalarySource,
    whole_text: bool,
    span: tuple[int, int],
    unnamed: str | None = "USD",
) -> tuple[Salary | None, str]:
    conventions = pay_conventions()
    bounds = conventions.plausible
    if mention.big and not _millions_are_pay(mention.currency):
        return None, "not pay: a sum in millions or billions"
    if mention.currency is None and (sign := _unread_currency(text, mention.start, mention.end)):
        return None, f"not read: the figure is in {sign}, a currency rolediff does not read"
    currency = mention.currency or unnamed
    if currency is None:
        return None, "no currency: the figure names none, and the posting's country says none"
    scale = conventions.currencies[currency].usd_scale
    low: float | None = mention.low
    high: float | None = mention.high
    if not mention.is_range:
        before = text[max(0, mention.start - 24) : mention.start]
        if _UP_TO.search(before):
            low = None
        elif _AT_LEAST.search(before) or text[mention.end : mention.end + 1] == "+":
            high = None
    interval = _resolve_interval(text, mention, whole_text)
    if interval is None:
        if mention.high < bounds.bare_hourly_max * scale:
            interval = "hour"
        elif mention.low >= bounds.bare_annual_min * scale:
            interval = "year"
        else:
            return None, (
                f"no interval: {_fmt(mention.low)}-{_fmt(mention.high)} {currency} is neither "
                "an hourly rate nor a yearly salary"
            )
    factor = conventions.per_year(interval)
    annual_low = low * factor if low is not None else None
    annual_high = high * factor if high is not None else None
    implausible = _implausible([v for v in (annual_low, annual_high) if v is not None], currency)
    if implausible is not None:
        return None, implausible
    salary = Salary(
        min=low,
        max=high,
        currency=currency,
        interval=interval,
        annual_min=annual_low,
        annual_max=annual_high,
        source=source,
        text=text[span[0] : span[1]].strip(),
    )
    return salary, "parsed"


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def explain_salary(
    text: str | None, source: SalarySource = "field", unnamed: str | None = "USD"
) -> tuple[Salary | None, str]:
    """Parse a salary statement, and say why when it yields nothing.

    The first range wins; several single figures ("MIN: $107,200 - MID: ... - MAX: $160,800")
    make a range from the lowest to the highest. A figure naming no currency ("264000.0") is in
    `unnamed` (US dollars unless the posting's place says otherwise), and not read when that is
    None. A pay field that says its figures are a job board's estimate ("$81K-$167K (Glassdoor
    est.)") gives a salary flagged `estimate`. The reason is "parsed" on success, else
    starts with one of "empty", "no amount", "not pay", "no currency", "no interval",
    "implausible".
    """
    if text is None or not text.strip():
        return None, "empty"
    if source == "field" and pay_conventions().placeholders.holds(text):
        return None, "not pay: a job board's placeholder value"
    if _NEGATIVE.search(text):
        return None, "not pay: a negative amount"
    grammar = _pay_grammar()
    mentions = [_mention(m, grammar) for m in grammar.money.finditer(text)]
    if any(m.currency for m in mentions):
        # "$136,000 USD (Zone 2)": a bare number beside an amount with a currency is no pay.
        mentions = [m for m in mentions if m.currency]
    if not mentions:
        return None, "no amount: the text states no figure"
    ranges = [m for m in mentions if m.is_range]
    if ranges:
        chosen = ranges[0]
        span = (chosen.start, chosen.end)
    elif len(mentions) > 1 and not any(m.big for m in mentions):
        first = mentions[0]
        chosen = _Mention(
            min(m.low for m in mentions), max(m.high for m in mentions), True,
            next((m.currency for m in mentions if m.currency), None), first.marked,
            next((m.interval for m in mentions if m.interval), None), False,
            first.start, mentions[-1].end,
        )  # fmt: skip
        span = (first.start, mentions[-1].end)
    else:
        chosen = mentions[0]
        span = (chosen.start, chosen.end)
    salary, reason = _salary(text, chosen, source, whole_text=True, span=span, unnamed=unnamed)
    if salary is None:
        return None, reason
    if source == "field" and pay_conventions().estimates.marks(text):
        salary = salary.model_copy(update={"estimate": True})
    return _labelled(text, span[1], salary), reason


# "MIN: $107,200 - MAX: $160,800 Currency: CAD", "$120,000 - $150,000 per year (currency: AUD)":
# the currency of a dollar amount, named after it on the same line before any other amount.
_CURRENCY_LABEL = re.compile(
    r"[^\n$\d]{0,30}?\bcurrency\s*[:=]?\s*(?P<code>[A-Z]{3})\b", re.IGNORECASE
)


def _bare_dollars(salary: Salary) -> bool:
    """Read from a bare "$", taken for US dollars without saying so."""
    return salary.currency == "USD" and not any(c in salary.text.upper() for c in ("USD", "US$"))


def _labelled(text: str, end: int, salary: Salary) -> Salary:
    """A salary read from a bare "$" (taken for US dollars), in the dollars a "Currency: XXX"
    label right after it names instead."""
    if not _bare_dollars(salary):
        return salary
    label = _CURRENCY_LABEL.match(text, end)
    code = label["code"].upper() if label else None
    if code is None or code == "USD" or code not in pay_conventions().currencies:
        return salary
    if not any(s.endswith("$") for s in pay_conventions().currencies[code].symbols):
        return salary  # "$120,000 Currency: EUR" contradicts itself: keep the dollars
    return salary.model_copy(update={"currency": code})


def parse_salary(
    text: str | None, source: SalarySource, unnamed: str | None = "USD"
) -> Salary | None:
    """Parse a salary statement ("$120k-$150k", "£70,000 a year", "$65/hr"); None if unreadable.
    A figure naming no currency is in `unnamed` (see `explain_salary`)."""
    return explain_salary(text, source, unnamed)[0]


def posting_country(location: PostingLocation | None) -> str | None:
    """The one country outside the US a posting is placed in, or None (no place, the US,
    several places)."""
    if location is None or len(location.places) != 1 or location.country in (None, "US"):
        return None
    return location.country


def _names_usd(text: str, start: int, end: int) -> bool:
    """Whether the pay cue text[start:end] writes US dollars by name: "USD", or the "$" of "US$"."""
    cue = text[start:end]
    return cue.upper() == "USD" or (cue == "$" and text[max(0, start - 2) : start].upper() == "US")


def in_local_currency(
    salary: Salary, pay_field: str | None, country: str, description: str, found: Found
) -> Salary | None:
    """Pay taken for US dollars by default, in a posting placed in one country outside the US,
    in that country's currency instead: a pay field's figure naming no currency ("264000.0" for
    a role in Poland: zloty; unread where rolediff knows no currency of the country), and a bare
    "$" where the country's currency is a dollar ("$120,000-$145,000 for this remote Canada based
    role": Canadian dollars), unless the posting writes "USD" or "US$" where it states pay."""
    if salary.currency != "USD" or "USD" in salary.text.upper() or "US$" in salary.text.upper():
        return salary
    conventions = pay_conventions()
    local = conventions.currency_of(country)
    if local == "USD":
        return salary
    if "$" not in salary.text and salary.source == "field":  # a figure naming no currency
        return parse_salary(pay_field, "field", unnamed=local)
    if local is None or not any(s.endswith("$") for s in conventions.currencies[local].symbols):
        return salary
    if any(_names_usd(description, a, b) for a, b in found.of(PAY)):
        return salary
    stated = [v for v in (salary.annual_min, salary.annual_max) if v is not None]
    if _implausible(stated, local) is not None:
        return salary
    return salary.model_copy(update={"currency": local})


def _implausible(stated: list[float], currency: str) -> str | None:
    """Why yearly figures cannot be pay in a currency (below the plausible floor or above the
    ceiling, scaled from US dollars), or None when they can."""
    conventions = pay_conventions()
    scale = conventions.currencies[currency].usd_scale
    floor = conventions.plausible.annual_min * scale
    ceiling = conventions.plausible.annual_max * scale
    if min(stated) < floor:
        return f"implausible: {_fmt(min(stated))} {currency} a year is below {_fmt(floor)}"
    if max(stated) > ceiling:
        return f"implausible: {_fmt(max(stated))} {currency} a year is above {_fmt(ceiling)}"
    return None


def _holds(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> bool:
    """Whether the pattern finds something in the text; not run where none of the words (one of
    which each of its matches holds) is."""
    folded = _folded(text)
    return any(word in folded for word in words) and pattern.search(text) is not None


def _pay_words(text: str) -> bool:
    return _holds(_PAY_WORDS, _PAY_WORDS_WORDS, text)


def _not_pay_before(text: str) -> bool:
    return _holds(_NOT_PAY_BEFORE, _NOT_PAY_BEFORE_WORDS, text)


def find_salary_in_description(
    description: str | None, found: Found | None = None
) -> Salary | None:
    """The most salary-like money mention in free text, or None.

    Each mention with a currency is scored: pay words nearby (salary, base, range, ...) or a rate
    written with its unit per hour or year ("$60/hr") +3, a range +2, a stated interval +1, a
    yearly-sized range +1; funding, budgets, perks and bonuses -6. The best mention scoring at
    least 3 wins (the first on a tie); stated only from its bottom ("from $168,600 ..."), it takes
    the top stated after it ("... up to $237,600", `_with_top`).
    """
    if not description:
        return None
    grammar = _pay_grammar()
    best: tuple[int, Salary, int] | None = None  # score, salary, where its statement ends
    bounds = pay_conventions().plausible
    found = found or scan(description)
    matches = (
        m
        for lo, hi in _merge(found.of(PAY), 30, 70)
        for m in grammar.money.finditer(description, lo, hi)
    )
    for m in matches:
        mention = _mention(m, grammar)
        if not mention.marked or (mention.big and not _millions_are_pay(mention.currency)):
            continue
        before = description[max(0, mention.start - 80) : mention.start]
        # Perks and bonuses count against a mention only on its own line or bullet.
        line_before = _CLAUSE_BREAK.split(before[-50:])[-1]
        line_after = _CLAUSE_BREAK.split(description[mention.end : mention.end + 30])[0]
        score = 0
        # A rate written with its unit ("$60/hr", "$150k per year") states pay as plainly as
        # the pay words do.
        if (
            mention.interval in ("hour", "year")
            or _pay_words(before)
            or _pay_words(_window_after(description, mention.end))
        ):
            score += 3
        if _not_pay_before(line_before) or _NOT_PAY_AFTER.search(line_after):
            score -= 6
        if mention.is_range:
            score += 2
            scale = pay_conventions().currencies[mention.currency or "USD"].usd_scale
            if mention.low >= bounds.bare_annual_min * scale:
                score += 1
        if _resolve_interval(description, mention, whole_text=False):
            score += 1
        if score < _MIN_DESCRIPTION_SCORE or (best is not None and score <= best[0]):
            continue
        salary, _ = _salary(
            description, mention, "description", whole_text=False, span=(mention.start, m.end())
        )
        if salary is not None:
            best = (score, *_with_top(description, mention.start, m.end(), salary, grammar))
            if score == _MAX_DESCRIPTION_SCORE:  # nothing after it can win (ties go to the first)
                break
    return _labelled(description, best[2], best[1]) if best else None


def with_stated_currency(field: Salary, description: str, found: Found | None = None) -> Salary:
    """A pay field's salary in the currency the description states the same figures in: the
    field "$107,200 - $160,800" of a description saying "MIN: $107,200 - ... - MAX: $160,800
    Currency: CAD" is Canadian dollars, and a job board's "USD 60000.0~70000.0" of a description
    saying "Salary: £60,000 - £70,000" is pounds (boards label every figure they copy "USD").
    A field naming its currency gives way only to a statement that names its own ("£", "CA$",
    "PLN"), not to dollars a "Currency:" label reads as another country's."""
    bare = _bare_dollars(field)
    labelled = bare and any(w in description for w in ("urrency", "URRENCY"))
    if not labelled:
        # Only where the description writes money in some other currency than the field's (no
        # lower-casing of the whole description: most have a pay field).
        found = found or scan(description)
        if not any(_other_currency(description, at, end, field) for at, end in found.of(PAY)):
            return field
    stated = find_salary_in_description(description, found)
    if (
        stated is None
        or stated.currency == field.currency
        or (labelled and stated.currency == "USD")
        or (stated.min, stated.max, stated.interval) != (field.min, field.max, field.interval)
        or not (bare or _names_currency(stated))
    ):
        return field
    return field.model_copy(update={"currency": stated.currency})


def _names_currency(salary: Salary) -> bool:
    """Whether a salary's text writes its own currency: its code, or a sign other than "$"."""
    symbols = pay_conventions().currencies[salary.currency].symbols
    text = salary.text
    return salary.currency in text.upper() or any(s in text for s in symbols if s != "$")


def _other_currency(text: str, start: int, end: int, field: Salary) -> bool:
    """Whether the pay cue text[start:end] (a sign, a code, an Indian unit) may name another
    currency than the field's: any but "$" and "USD" for US dollars, a "$" only after a letter
    ("CA$", "A$") or "R"."""
    cue = text[start:end]
    if cue.isalpha() and (text[end : end + 1].isalpha() or text[start - 1 : start].isalpha()):
        return False  # "Europe", "Audit": a word, not a code
    if field.currency != "USD":
        return True
    if cue == "$":
        return start > 0 and text[start - 1].isalpha()
    return cue.upper() != "USD"


def _with_top(
    description: str, start: int, end: int, salary: Salary, grammar: _PayGrammar
) -> tuple[Salary, int]:
    """A salary stated only from its bottom ("from $168,600"), with the top the description states
    after it in other words ("... up to $237,600"): the first amount in the same currency, within
    `_UPPER_REACH` characters, after "up to", "to", "and" or "max", at most ten times the bottom.
    Also where the statement ends."""
    low = salary.min
    if low is None or salary.max is not None:
        return salary, end
    bounds = pay_conventions().plausible
    scale = pay_conventions().currencies[salary.currency].usd_scale
    factor = pay_conventions().per_year(salary.interval)
    for m in grammar.money.finditer(description, end, min(len(description), end + _UPPER_REACH)):
        top = _mention(m, grammar)
        if top.is_range or top.big or (top.currency or "USD") != salary.currency:
            continue
        if not _UPPER_CUE.search(description, max(end, m.start() - 30), m.start()):
            continue
        high = top.low
        if low < high <= 10 * low and high * factor <= bounds.annual_max * scale:
            text = description[start : m.end()].strip()
            update = {"max": high, "annual_max": high * factor, "text": text}
            return salary.model_copy(update=update), m.end()
    return salary, end


# --- place ----------------------------------------------------------------------------------


class PostingLocation(_Frozen):
    """Where a posting's job is, and whether it is remote.

    `city`, `state` and `metro_cbsa` describe the first US place named (`metro_cbsa` only when
    `rolediff.resolve_place` knows the city). `country` is an ISO 3166-1 alpha-2 code: the first
    country named, or "US" for a US place. `places` lists every city, country and region read.
    """

    city: str | None
    state: str | None
    metro_cbsa: str | None
    country: str | None
    remote: RemoteMode | None
    places: list[str]
    text: str


_SEGMENT_SPLIT = re.compile(
    r"\s*(?:[;|()\[\]\n:]|/|\s+or\s+|\s+[-\u2013\u2014]\s+)\s*", re.IGNORECASE
)
_HYBRID_FIELD = re.compile(r"\bhybrid\b", re.IGNORECASE)
_REMOTE_FIELD = re.compile(
    r"\b(?:remote(?:ly)?|telecommute|telework|work\s+from\s+home|wfh|anywhere|worldwide)\b",
    re.IGNORECASE,
)
# "Work from office" (WFO) is how Indian boards (Naukri) say on-site.
_ONSITE_FIELD = re.compile(
    r"\b(?:on-?site|in[- ]office|in[- ]person|work(?:ing)?\s+from\s+(?:the\s+)?office|wfo)\b",
    re.IGNORECASE,
)
# "Not remote", "No remote", "Onsite (no remote)", "Remote: No": remote denied, the job on-site.
_NOT_REMOTE_FIELD = re.compile(
    r"\b(?:not|no|non)[\s-]+(?:fully\s+)?remote(?:ly)?\b|\bremote\s*[:=]\s*(?:no|none|false)\b",
    re.IGNORECASE,
)
# In a description, only phrases about the job itself count: "hybrid cloud" is not a schedule.
_HYBRID_DESCRIPTION = re.compile(
    r"\bhybrid[\s-]+(?:role|position|work(?:ing|place)?|schedule|model|arrangement|opportunity"
    r"|job|remote|basis|setup|set-up|environment\s+\(|office)\b|\b(?:is|be)\s+(?:a\s+)?hybrid\b"
    r"|\(hybrid\)|\b(?:on-?site|in[- ](?:the\s+)?office)\s+\w+\s+(?:days?|times)\s*"
    r"(?:(?:a|per)\s+|/\s*)week"
    r"|\b\w+\s+days?\s*(?:(?:a|per)\s+|/\s*)week\s+(?:on-?site|in[- ](?:the\s+|our\s+)?office)"
    r"|\bhybrid\b\W{1,3}(?:\d|one|two|three|four)\s+days?\s+"
    r"(?:on-?site|in[- ](?:the\s+|our\s+)?office)",
    re.IGNORECASE,
)
_REMOTE_DESCRIPTION = re.compile(
    r"(?<!not )(?<!not a )(?<!no )(?<!non-)"
    r"(?:\b(?:fully|100%|completely|entirely)\s+remote\b|\bremote[- ](?:first|only)\b"
    r"|\bremote\s+(?:role|position|job|opportunity)\b|\b(?:role|position|job)\s+is\s+remote\b"
    r"|\bwork\s+(?:fully\s+)?remotely\b|\bwork\s+from\s+(?:home|anywhere)\b)",
    re.IGNORECASE,
)
_ONSITE_DESCRIPTION = re.compile(
    r"\b(?:fully|100%)\s+on-?site\b|\bon-?site\s+(?:role|position|job)\b"
    r"|\b(?:role|position|job)\s+is\s+(?:on-?site|in[- ]office)\b|\bmust\s+(?:be|work)\s+on-?site\b"
    r"|\bin[- ]office\s+(?:role|position|job)\b|\b(?:no|not)\s+(?:an?\s+)?remote\b(?![- ]first)",
    re.IGNORECASE,
)
# What a posting says of this job in so many words ("This is a remote position", "this role is
# fully remote", "This is a Hybrid/Remote role", "this is an on-site contract") outranks the
# modes the patterns above find anywhere (a benefits bullet "Hybrid workplace", "some teams work
# fully remote"). So does a label heading the mode ("**Location:** Remote", "Workplace type:
# Hybrid", "## Location\n\nRemote but ..."). Every match holds "this", "position is" / "role is" /
# "job is", or the label's word.
_EXPLICIT_DESCRIPTION = re.compile(
    r"\bthis\s+(?:is\s+an?|(?:role|position|job|opportunity)\s+is(?:\s+an?)?)\s+"
    r"|\b(?:role|position|job)\s+is\s+(?=(?:(?:fully|100%|completely|entirely)\s+)?remote\b)"
    r"|\b(?:location|workplace(?:\s+type)?|work (?:mode|model|arrangement))"
    r"(?:\s*(?:\*\*|__)?\s*[:\-\u2013\u2014]|[ \t]*\n)\s*(?:\*\*|__|#+)?\s*",
    re.IGNORECASE,
)
_EXPLICIT_MODE = re.compile(
    r"(?:(?:fully|100%|completely|entirely)\s+)?(?:(?P<hybrid>hybrid)|(?P<remote>remote)"
    r"|(?P<onsite>on-?site|in[- ]office|in[- ]person))\b",
    re.IGNORECASE,
)
_EXPLICIT_WORDS = (
    "this",
    "role",
    "position",
    "job",
    "location",
    "workplace",
    "work mode",
    "work arr",
)
# A mode word followed by another: "hybrid remote" and "hybrid-remote" are one mode (hybrid), while
# "Remote or Hybrid", "Onsite / Hybrid / Remote" and "remote/hybrid" list alternatives.
_MODE_WORD = r"(?:hybrid|remote|on-?site|in[- ]office|in[- ]person)"
_QUALIFIER = r"(?:(?:fully|100%|completely|entirely)\s+)?"
_ALTERNATIVE = r"[ \t]*(?:/|\||,|&|\band/or\b|\bor\b|\band\b)[ \t]*"
_NEXT_MODE = re.compile(
    rf"(?:(?P<joined>[ \t]*-[ \t]*|[ \t]+)|{_ALTERNATIVE}){_QUALIFIER}"
    r"(?:(?P<hybrid>hybrid)|(?P<remote>remote)|(?P<onsite>on-?site|in[- ]office|in[- ]person))\b",
    re.IGNORECASE,
)
_MODE_FIRST = re.compile(rf"{_QUALIFIER}{_MODE_WORD}\b", re.IGNORECASE)
_MODE_LAST = re.compile(rf"\b{_MODE_WORD}\Z", re.IGNORECASE)
_MODE_BEFORE = re.compile(rf"{_MODE_WORD}{_ALTERNATIVE}\Z", re.IGNORECASE)
_MODE_REACH = 24
"""How far before a phrase `_MODE_BEFORE` looks for a mode it is an alternative to."""
_MODES: dict[str, RemoteMode] = {"hybrid": "hybrid", "remote": "remote", "onsite": "onsite"}
# Each phrase a pattern finds holds one of its words, so a window holding none of them (in the
# letters IGNORECASE matches, see _folded) is passed over without running the pattern: the
# hybrid pattern alone cost ~30 us a posting on the windows around every "remote" and "office".
_DESCRIPTION_MODES: tuple[tuple[RemoteMode, re.Pattern[str], tuple[str, ...]], ...] = (
    ("hybrid", _HYBRID_DESCRIPTION, ("hybrid", "week")),
    ("remote", _REMOTE_DESCRIPTION, ("remote", "from")),
    ("onsite", _ONSITE_DESCRIPTION, ("site", "office", "remote")),
)
# The characters that re.IGNORECASE matches with an ASCII letter without lower-casing to it:
# dotted and dotless i, long s, the Kelvin sign.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(text: str) -> str:
    """Lower case in which every character an IGNORECASE pattern takes for an ASCII letter is
    that letter (ASCII text, most of it, needs no translation)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_FOLD).lower()


# Words a location line wraps places in ("Remote OK", "US only", "will consider remote in TW",
# Indeed's "Hybrid work in Austin, TX").
_FILLER = re.compile(
    r"\b(?:fully|temporarily|100%|remote(?:ly)?|telecommute|telework|work\s+from\s+home|wfh|wfo|hybrid"
    r"|on-?site|in[- ]office|ok|only|first|friendly|position|job|role|based|national|nationwide"
    r"|recruiting|will|consider|in|from|within|any|location|locations|flexible|preferred"
    r"|anywhere\s+in|work\s+from\s+anywhere\s+in|and|or|office|\d+\s*(?:miles?|mi|km)\s+(?:of|from)"
    r"|(?:\d|one|two|three|four|five)\s*days?(?:\s+(?:a|per)\s+week)?|work)\b|%",
    re.IGNORECASE,
)
_CODE_PREFIX = re.compile(r"^[A-Z]{2}\s+(\S.*)$")
_ARTICLE = re.compile(r"^\s*the\s+", re.IGNORECASE)
"""A leading "the" ("Anywhere in the US", "the Netherlands"), read past once the filler is gone."""
_ZIP_CODE = re.compile(r"\s+\d{5}(?:-\d{4})?$")
"""A US ZIP code after a state ("IL 62701", "CO 80202-1234")."""
# "US-CA-San Jose", "US-KS-Remote": country, state and city joined by hyphens.
_US_STATE_CITY = re.compile(r"^US-([A-Z]{2})-(\S.*)$")
_PUNCTUATION = " \t-\u2013\u2014.,!*'\""


@dataclass(frozen=True)
class _PlaceVocabulary:
    countries: dict[str, Country]
    """lower-case name or alias → country"""
    codes: dict[str, Country]
    states: dict[str, str]
    """lower-case name → abbreviation"""
    state_names: dict[str, str]
    state_abbrs: frozenset[str]
    regions: dict[str, str]
    """lower-case spelling → region label"""
    us_cities: frozenset[str]
    """Normalised names `resolve_place` may know; others are not worth a lookup."""
    min_population: int
    country_first: frozenset[str]
    subdivision_codes: dict[str, tuple[str, str]]
    """province code ("ON") → (country code, name); codes that are country codes are left out"""
    subdivision_names: dict[str, tuple[str, str]]
    """lower-case spelling ("ontario") → (country code, name)"""
    same_name: dict[str, tuple[tuple[str, int], ...]]
    """normalised city name → (state, 2020 population) of every principal city so named"""
    metro_words: re.Pattern[str]
    """"Greater X" (group `after` is X), "X Metropolitan Area" (group `before`): `_metro_inner`"""
    foreign_cities: dict[str, str]
    """normalised name or alias of a city outside the US → its country code"""
    compound_countries: re.Pattern[str] | None
    """Country spellings that hold a separator of location lines ("Korea, Republic of",
    "Virgin Islands (UK)"), as written between separators: `_plain_countries`"""
    compound_names: dict[str, str]
    """`_compound_key` of such a spelling → its country's name"""


def _compound_key(spelling: str) -> str:
    return " ".join(spelling.lower().replace(",", " , ").split())


def _loose(spelling: str) -> str:
    """A pattern for a spelling as lines write it: any spaces between words, none needed after
    a comma."""
    words = (r"\s+".join(map(re.escape, part.split())) for part in spelling.split(","))
    return r"\s*,\s*".join(words)


def _plain_countries(line: str, vocab: _PlaceVocabulary) -> str:
    """The line with each country spelled with a separator ("Congo, The Democratic Republic of
    the", ISO 3166's style of job boards' country lists) replaced by the country's name, so
    that splitting the line keeps it whole."""
    if vocab.compound_countries is None:
        return line
    return vocab.compound_countries.sub(
        lambda m: vocab.compound_names[_compound_key(m.group(0))], line
    )


_WORLDWIDE = "Worldwide"
"""places.toml's region for "anywhere", "worldwide", "global"."""
# A place with a region in brackets after it: "Amsterdam (Netherlands)", "Portland (ME)",
# "Anywhere (LATAM)"; or a work mode inside its address: "San Francisco (Remote), CA". Brackets
# split a line into places, so each is joined to its place first.
_QUALIFIED = re.compile(
    r"(?P<place>[^\s(),;|/\[\]][^(),;|/\[\]\n]*?)\s*\((?P<region>[^()\n,;|/]+)\)"
    r"(?=\s*,\s*(?P<next>[^(),;|/\[\]\n]+))?"
)


def _qualifiers_joined(line: str, vocab: _PlaceVocabulary) -> str:
    """The line with a region written in brackets after a city joined to it as its address
    ("Portland (ME)" as "Portland, ME": a state or country, not a place of its own; "Georgia
    (US)" is the state), and after "anywhere" or "worldwide" in its stead ("Work from anywhere
    (United States)": anywhere in the US). A work mode in brackets between a known US city and
    its state is left out ("San Francisco (Remote), CA"; the mode is read from the whole line),
    not between an unknown name and a state ("Southern CA (Remote), CA" is no town)."""
    if "(" not in line:
        return line

    def joined(m: re.Match[str]) -> str:
        region = _classify(m["region"], vocab)
        if region is None and m["next"] and _remote_in_field(m["region"]) is not None:
            state = _classify(m["next"], vocab)
            if state is None or state.kind != "state":
                return m.group()
            return m["place"] if _us_place(m["place"].strip(), state.value) else m.group()
        if region is None or region.kind not in ("state", "country", "subdivision", "region"):
            return m.group()
        place = _classify(m["place"], vocab)
        if place is not None and place.kind == "region" and place.value == _WORLDWIDE:
            return m["region"]
        us_state = place is not None and place.state is not None and _is_us(region)
        if place is None or (place.kind != "name" and not us_state) or region.kind == "region":
            return m.group()
        return f"{m['place']}, {m['region']}"

    return _QUALIFIED.sub(joined, line)


@cache
def _vocabulary() -> _PlaceVocabulary:
    by_name: dict[str, Country] = {}
    codes: dict[str, Country] = {}
    for country in countries():
        codes[country.code] = country
        for spelling in (country.name, *country.aliases):
            by_name[spelling.lower()] = country
    states = {s.state_name.lower(): s.state_abbr for s in data.states()}
    regions = {
        spelling: label
        for label, spellings in place_conventions().regions.items()
        for spelling in spellings
    }
    cities = {normalize(c.city_name) for c in data.principal_cities()}
    cities |= {normalize(c.common_name) for c in data.city_names()}
    cities |= {normalize(a.alias) for a in data.place_aliases()}
    subdivision_codes: dict[str, tuple[str, str]] = {}
    subdivision_names: dict[str, tuple[str, str]] = {}
    for country_code, subdivisions in place_conventions().subdivisions.items():
        for code, spellings in subdivisions.items():
            if code not in codes:  # "NL" is the Netherlands before Newfoundland and Labrador
                subdivision_codes[code] = (country_code, spellings[0])
            for spelling in spellings:
                subdivision_names[spelling.lower()] = (country_code, spellings[0])
    same_name: dict[str, list[tuple[str, int]]] = {}
    for city in data.principal_cities():
        same_name.setdefault(normalize(city.city_name), []).append(
            (city.state_abbr, city.city_pop2020)
        )
    words = place_conventions().metro_words
    prefixes, suffixes = (
        "|".join(r"\s+".join(map(re.escape, w.split())) for w in ws)
        for ws in (words.prefixes, words.suffixes)
    )
    metro_words = re.compile(
        rf"^(?:(?:{prefixes})\s+(?P<after>\S.*)|(?P<before>.*?\S)\s+(?:{suffixes}))$", re.I
    )
    conventions = place_conventions()
    foreign = {normalize(c.city): c.country for c in foreign_cities()}
    for alias, name in conventions.foreign_city_aliases.items():
        foreign[normalize(alias)] = foreign[normalize(name)]
    compound = {
        _compound_key(spelling): country.name
        for country in countries()
        for spelling in country.aliases
        if "," in spelling or _SEGMENT_SPLIT.search(spelling)
    }
    # Longest first, whole between separators (or the line's ends).
    alternatives = "|".join(_loose(k) for k in sorted(compound, key=len, reverse=True))
    compound_countries = (
        re.compile(rf"(?<![^\s,;|/\n])(?:{alternatives})(?![^\s,;|/\n])", re.IGNORECASE)
        if compound
        else None
    )
    return _PlaceVocabulary(
        countries=by_name,
        codes=codes,
        states=states,
        state_names={s.state_abbr: s.state_name for s in data.states()},
        state_abbrs=frozenset(states.values()),
        regions=regions,
        us_cities=frozenset(cities),
        min_population=place_conventions().bare_city.min_population,
        country_first=frozenset(place_conventions().two_letter.country_first),
        subdivision_codes=subdivision_codes,
        subdivision_names=subdivision_names,
        same_name={name: tuple(v) for name, v in same_name.items()},
        metro_words=metro_words,
        foreign_cities=foreign,
        compound_countries=compound_countries,
        compound_names=compound,
    )


@lru_cache(maxsize=4096)
def _resolve(query: str) -> Place | None:
    try:
        return resolve_place(query, suggestions=False)
    except UnknownPlaceError:
        return None


TokenKind = Literal["country", "state", "subdivision", "region", "name"]


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    text: str
    value: str
    """country code, state abbreviation, region label, subdivision name ("Ontario") or the name
    as written"""
    state: str | None = None
    """The US state the text can also mean ("Georgia", "DE")."""
    country: str | None = None
    """The country the text can also mean ("DE": Delaware or Germany)."""


_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,3}")


def _classify(raw: str, vocab: _PlaceVocabulary) -> _Token | None:
    """A country, US state, province, region or other name; full names are countries first
    ("Georgia"), two-letter codes states first ("DE", "IN"), then countries ("NL")."""
    stripped = raw.strip()
    filler_free = _FILLER.sub(" ", stripped)
    forms: tuple[str, ...] = (
        stripped, filler_free, _ZIP_CODE.sub("", stripped), _ARTICLE.sub("", filler_free),
    )  # fmt: skip
    if _INITIALS.fullmatch(stripped):  # "D.C.", "U.S.A.": the code without its dots
        forms = (stripped.replace(".", ""), *forms)
    spaced = (" ".join(c.split()) for c in forms)
    for candidate in (form for c in spaced for form in (c, c.strip(_PUNCTUATION))):
        lowered = candidate.lower()
        if not candidate:
            continue
        if candidate in vocab.state_abbrs:
            other = vocab.codes.get(candidate)
            return _Token("state", candidate, candidate, candidate, other.code if other else None)
        subdivision = vocab.subdivision_codes.get(candidate)
        if subdivision is not None:
            return _Token("subdivision", candidate, subdivision[1], country=subdivision[0])
        country = vocab.countries.get(lowered)
        if country is None and len(candidate) == 2 and candidate.isupper():
            country = vocab.codes.get(candidate)
        state = vocab.states.get(lowered)
        if country is not None:
            return _Token("country", candidate, country.code, state, country.code)
        if state is not None:
            return _Token("state", candidate, state, state)
        subdivision = vocab.subdivision_names.get(lowered)
        if subdivision is not None:
            return _Token("subdivision", candidate, subdivision[1], country=subdivision[0])
        if lowered in vocab.regions:
            return _Token("region", candidate, vocab.regions[lowered])
    cleaned = " ".join(_FILLER.sub(" ", stripped).split()).strip(_PUNCTUATION)
    return _Token("name", cleaned, cleaned) if cleaned else None


@dataclass
class _Reading:
    """What a location line says, filled in token by token."""

    foreign: bool
    """The line names a country other than the US: a bare city name is not read as a US one."""
    us_only: bool
    """The line names the US: a bare city name is read as a US one at any size."""
    city: str | None = None
    state: str | None = None
    metro_cbsa: str | None = None
    country: str | None = None
    city_country: str | None = None
    """The country of the first city read: it outranks a bare "US" written before it, as some
    boards prefix every line ("US,Vancouver, British Columbia" is in Canada)."""
    resolved: bool = False
    last_city_country: str | None = None
    """The country of the city (or county) read last: a country named right after a city read
    without one is that city's ("Phoenix, AZ, USA")."""

    def __post_init__(self) -> None:
        self.places: list[str] = []

    def add_label(self, label: str) -> None:
        if label not in self.places:
            self.places.append(label)

    def add_country(self, code: str, city: bool = False) -> None:
        self.country = self.country or code
        if city:
            self.city_country = self.city_country or code
            self.last_city_country = code

    def add_us(self, label: str | None, city: str | None, state: str, place: Place | None) -> None:
        if label:
            self.add_label(label)
        self.add_country("US", city=city is not None)
        if place is not None and not self.resolved:
            self.city, self.state, self.metro_cbsa = place.city, place.state, place.cbsa_code
            self.resolved = True
        elif not self.resolved and self.state is None:
            self.city, self.state = city, state

    def add_foreign(self, label: str, code: str, city: bool = False) -> None:
        self.add_label(label)
        self.add_country(code, city)

    def add_us_area(self, label: str, state: str | None, metro: str | None) -> None:
        """A county ("Wake County, NC") or a name several large US cities bear ("Kansas City"):
        its state and metro when known, never a city."""
        self.add_label(label)
        self.add_country("US", city=state is None)
        self.last_city_country = "US"
        if not self.resolved and self.state is None:
            self.state, self.metro_cbsa = state, metro
            self.resolved = metro is not None


def _us_place(name: str, state: str) -> Place | None:
    if normalize(name) not in _vocabulary().us_cities:
        return None  # no principal city, nickname or alias has this name
    place = _resolve(f"{name}, {state}")
    if place is None:  # "New York City, NY": a nickname with its state
        place = _resolve(name)
    return place if place is not None and place.state == state else None


def _read_bare_name(name: str, reading: _Reading, likeliest: bool = True) -> bool:
    """A city named alone: a US principal city when it is large enough to be the likely one.
    Metro names written around a city ("Greater Boston", "Los Angeles Metropolitan Area") and
    twin-city names ("Dallas-Fort Worth", "Raleigh-Durham") are read as their first city.
    `likeliest`: a name several cities bear may be read as the one of them large enough, or as
    the US (and their metro, if they share one) when several are; a city outside the US
    (places.toml's `foreign_cities`: "London", "Vancouver") is read as that, unless the line
    names the US."""
    if likeliest and not reading.us_only and _read_foreign_city(name, reading):
        return True
    if reading.foreign and not reading.us_only:
        return False
    place = _bare_place(name, reading.us_only, likeliest)
    if place is None:
        place = _metro_place(name, reading.us_only)
    if place is not None:
        reading.add_us(place.label, place.city, place.state, place)
        return True
    large = _large_namesakes(name) if likeliest else ()
    if len(large) < 2:  # a line naming the US tried its cities first; the others, abroad first
        return likeliest and reading.us_only and _read_foreign_city(name, reading)
    metros = {p.cbsa_code if p else None for p in (_resolve(f"{name}, {s}") for s in large)}
    reading.add_us_area(f"{name}, United States", None, metros.pop() if len(metros) == 1 else None)
    return True


def _metro_inner(name: str) -> str | None:
    """The city a metro name is written around ("Greater Seattle Area": "Seattle"), or None."""
    words = _vocabulary().metro_words.match(name)
    return (words.group("after") or words.group("before")) if words else None


def _read_foreign_city(name: str, reading: _Reading) -> bool:
    """A city outside the US named alone ("Berlin", "Greater London")."""
    vocab = _vocabulary()
    inner = _metro_inner(name) or name
    code = vocab.foreign_cities.get(normalize(inner))
    if code is None:
        return False
    reading.add_foreign(f"{inner}, {vocab.codes[code].name}", code, city=True)
    return True


def _large_namesakes(name: str) -> tuple[str, ...]:
    """The states of the principal cities so named with at least min_population people."""
    vocab = _vocabulary()
    namesakes = vocab.same_name.get(normalize(name), ())
    return tuple(s for s, pop in namesakes if pop >= vocab.min_population)


def _bare_place(name: str, us_only: bool, likeliest: bool = True) -> Place | None:
    vocab = _vocabulary()
    key = normalize(name)
    if key not in vocab.us_cities:
        return None
    place = _resolve(name)
    if place is None and likeliest:
        # "Austin" names Austin, TX and Austin, MN: the one city of them at least min_population
        # strong is the likely one.
        large = _large_namesakes(name)
        if len(large) != 1:
            return None
        place = _resolve(f"{name}, {large[0]}")
    if place is None or not (
        us_only
        or place.matched_by in ("alias", "metro")
        or place.city_population_2020 >= vocab.min_population
    ):
        return None
    return place


def _metro_place(name: str, us_only: bool) -> Place | None:
    vocab = _vocabulary()
    inner = _metro_inner(name)
    if inner is not None:  # "Greater Seattle Area": both
        return _bare_place(inner, us_only) or _metro_place(inner, us_only)
    parts = [p.strip() for p in re.split(r"[-\u2013]", name)]
    if len(parts) > 1 and all(normalize(p) in vocab.us_cities for p in parts):
        return _bare_place(parts[0], us_only)
    return None


def _read_city(name: str, region: _Token, reading: _Reading) -> bool:
    """`name, region`: a US city and its state, or a city and its country. False if neither."""
    vocab = _vocabulary()
    if region.state is not None:
        place = _us_place(name, region.state)
        if place is not None:
            reading.add_us(place.label, place.city, place.state, place)
            return True
        metro = county_metro(name, region.state)
        if metro is not None:  # "Wake County, NC": the county's metro, no city
            reading.add_us_area(f"{name}, {region.state}", region.state, metro)
            return True
        if (
            region.kind == "state"
            and region.value not in vocab.country_first
            and _written_as_a_name(name)
        ):
            reading.add_us(f"{name}, {region.state}", name, region.state, None)
            return True
    if region.country is not None and region.country != "US" and _written_as_a_name(name):
        reading.add_foreign(f"{name}, {vocab.codes[region.country].name}", region.country, True)
        return True
    return False


_NAME_PARTICLES = frozenset(
    {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les", "el"}
    | {"am", "an", "im", "der", "den", "on", "upon", "sur", "en", "y", "e", "of", "the", "van"}
)


def _written_as_a_name(name: str) -> bool:
    """Whether a place name the resolver does not know could be one: in a line written in mixed
    case, each of its words capitalised but for particles ("Rio de Janeiro", "Stratford-upon-
    Avon", "Coeur d'Alene"), so "Employees can work remotely, Romania" names no town "Employees
    can"; never starting with a number (a street address)."""
    if name[:1].isdigit():
        return False  # a street address's number: "123 Main St, Springfield, IL"
    if name.islower() or name.isupper():
        return True  # "remote,vitória": the case says nothing
    words = re.split(r"[\s-]+", name)
    return all(
        not w[:1].isalpha() or w[:1].isupper() or w in _NAME_PARTICLES or w[1:2] in ("'", "\u2019")
        for w in words
        if w
    )


def _read_segment(tokens: list[_Token], reading: _Reading) -> None:
    vocab = _vocabulary()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        # "New York, NY", "Washington, DC", "Ontario, CA": a state's or province's name used as
        # a city's.
        if (
            token.kind in ("state", "subdivision")
            and following is not None
            and following.kind == "state"
        ):
            token = _Token("name", token.text, token.text)
        # "Georgia, USA": the state, not the country, when the US follows it.
        if token.kind == "country" and token.state is not None and _is_us(following):
            token = _Token("state", token.text, token.state, state=token.state)
        if token.kind == "name" and following is not None:
            if _read_city(token.value, following, reading):
                i += 2 + _its_country(tokens, i + 2, reading.last_city_country, following)
                continue
            # "London, England, United Kingdom", "Berlin, Berlin, Germany": city, region, country.
            third = tokens[i + 2] if i + 2 < len(tokens) else None
            if (
                following.kind == "name"
                and third is not None
                and _read_city(token.value, third, reading)
            ):
                i += 3
                continue
        if token.kind == "name" or (token.kind == "state" and token.text != token.value):
            # A state's full name alone may be its city ("New York"): read it as one if it is.
            # ("Washington" is the state, though the capital is the largest of its namesakes.)
            likeliest = token.kind == "name"
            if _read_bare_name(token.text, reading, likeliest):
                i += _its_country(tokens, i + 1, reading.last_city_country)
            elif token.kind == "state":
                reading.add_us(vocab.state_names[token.value], None, token.value, None)
                i += _its_country(tokens, i + 1, "US")
        elif token.kind == "country":
            reading.add_foreign(vocab.codes[token.value].name, token.value)
        elif token.kind == "subdivision" and token.country is not None:
            reading.add_foreign(f"{token.value}, {vocab.codes[token.country].name}", token.country)
            i += _its_country(tokens, i + 1, token.country)
        elif token.kind == "region":
            reading.add_label(token.value)
        else:
            reading.add_us(vocab.state_names[token.value], None, token.value, None)
            i += _its_country(tokens, i + 1, "US")
        i += 1


def _is_us(token: _Token | None) -> bool:
    return token is not None and token.kind == "country" and token.value == "US"


def _its_country(
    tokens: list[_Token], i: int, country: str | None, region: _Token | None = None
) -> int:
    """1 when tokens[i] is `country`, that of the city or region just read (after its `region`,
    if any), written as the end of its address ("Phoenix, AZ, USA", "San Mateo, US", "London,
    England, United Kingdom", "Texas, USA", "Ontario, Canada"): no place of its own. The country
    written again by the same name after a city read with it ("Kyiv, Ukraine,Ukraine") is
    another entry of a list (anywhere in that country) and stays one."""
    token = tokens[i] if i < len(tokens) else None
    if token is None or token.kind != "country" or token.value != country:
        return 0
    repeated = (
        region is not None
        and region.kind == "country"
        and region.text.casefold().split() == token.text.casefold().split()
    )
    return 0 if repeated else 1


def _tokens(segment: str, vocab: _PlaceVocabulary) -> list[_Token]:
    joined = _US_STATE_CITY.match(segment.strip())
    if joined:
        segment = f"{joined.group(2)}, {joined.group(1)}, US"
    raw = [part for part in segment.split(",") if part.strip()]
    # "AZ Phoenix, Arizona, United States", "BE Berlin, Berlin, Germany": a region code written
    # before the city.
    if len(raw) >= 3:
        prefixed = _CODE_PREFIX.match(raw[0].strip())
        if prefixed:
            raw[0] = prefixed.group(1)
    return [t for t in (_classify(part, vocab) for part in raw) if t is not None]


def _remote_in_field(text: str) -> RemoteMode | None:
    """The mode a short field states: none when it names several, a choice ("Hybrid or Remote",
    "Tampa, FL (Hybrid/Remote/Onsite)"), unless they join as one ("Remote Hybrid": hybrid)."""
    if "no" in _folded(text) and _NOT_REMOTE_FIELD.search(text):
        rest = _NOT_REMOTE_FIELD.sub(" ", text)
        return "hybrid" if _HYBRID_FIELD.search(rest) else "onsite"
    if re.search(r"\bhybrid[\s-]+remote\b|\bremote[\s-]+hybrid\b", text, re.IGNORECASE):
        return "hybrid"
    named = [mode for mode, pattern in _FIELD_MODES if pattern.search(text)]
    return named[0] if len(named) == 1 else None


_FIELD_MODES: tuple[tuple[RemoteMode, re.Pattern[str]], ...] = (
    ("remote", _REMOTE_FIELD),
    ("hybrid", _HYBRID_FIELD),
    ("onsite", _ONSITE_FIELD),
)
# Title words naming a kind of job, not where it is done ("Remote Sensing Engineer", "Hybrid
# Cloud Architect", "Worldwide Sales Lead").
_NOT_MODES_IN_TITLES = re.compile(
    r"\bremote[\s-]+(?:sensing|support|access|monitoring|operations|operators?|pilots?|patients?"
    r"|control|desktops?|management|infrastructure|services?|diagnostics)\b"
    r"|\bhybrid[\s-]+(?:cloud|multi[\s-]?cloud|infrastructure|it|apps?|applications?|mobile"
    r"|integrations?|systems?|vehicles?|network(?:ing)?|storage|identity|solutions|environments?"
    r"|data)\b|\bworldwide\b",
    re.IGNORECASE,
)
_TITLE_MODE_WORDS = (
    *("remote", "tele", "home", "wfh", "wfo", "anywhere", "worldwide"),
    *("hybrid", "onsite", "on-site", "office", "person"),
)
"""Lower-case pieces every mode `_remote_in_field` reads holds one of."""


@lru_cache(maxsize=4096)
def _remote_in_title(title: str) -> RemoteMode | None:
    """The mode a title states ("SRE (Remote)", "DevOps Engineer | Hybrid", "Remote Data
    Engineer"), read as a location field is; none for a choice ("onsite or remote")."""
    folded = _folded(title)
    if not any(word in folded for word in _TITLE_MODE_WORDS):  # most titles: none
        return None
    return _remote_in_field(_NOT_MODES_IN_TITLES.sub(" ", title))


def _stated(text: str, said: re.Match[str], hi: int) -> RemoteMode | None:
    """The mode a match of `_EXPLICIT_MODE` states: none when an alternative follows ("Remote
    or Hybrid", "Onsite / Hybrid / Remote"), hybrid for "remote hybrid" or "hybrid-remote"."""
    first = _MODES[said.lastgroup or ""]
    after = _NEXT_MODE.match(text, said.end(), hi)
    if after is None:
        return first
    second = next(mode for name, mode in _MODES.items() if after.group(name))
    if after.group("joined") is not None:
        return "hybrid" if {first, second} == {"hybrid", "remote"} else first
    return first if second == first else None


def _states(pattern: re.Pattern[str], mode: RemoteMode, text: str, lo: int, hi: int) -> bool:
    """Whether `pattern` finds a phrase naming `mode` between lo and hi that is not one of a list
    of modes ("remote or hybrid working", "the role is remote/hybrid/flexible")."""
    m = pattern.search(text, lo, hi)
    while m is not None and _among_alternatives(text, m, mode, lo, hi):
        m = pattern.search(text, m.end(), hi)
    return m is not None


def _among_alternatives(text: str, m: re.Match[str], mode: RemoteMode, lo: int, hi: int) -> bool:
    """Whether a phrase that starts or ends with its mode word is listed with other modes."""
    start, end = m.span()
    if _MODE_LAST.search(text, max(start, end - 9), end):
        after = _NEXT_MODE.match(text, end, hi)
        if after is not None and after.group("joined") is None and not after.group(mode):
            return True
    return bool(
        _MODE_FIRST.match(text, start, end)
        and _MODE_BEFORE.search(text, max(lo, start - _MODE_REACH), start)
    )


def remote_in_description(description: str | None, found: Found | None = None) -> RemoteMode | None:
    """Hybrid, remote or on-site, from phrases about the job ("fully remote", "3 days a week
    in the office"); hybrid wins over remote, remote over on-site. What the posting says of this
    job ("This is a remote position", "Workplace type: Hybrid") wins over phrases elsewhere; a
    list of modes ("Work mode: Remote or Hybrid") offers a choice and states none."""
    if not description:
        return None
    windows = [
        (lo, hi, _folded(description[lo:hi]))
        for lo, hi in _merge((found or scan(description)).of(REMOTE), 60, 60)
    ]
    explicit: set[str] = set()
    for lo, hi, folded in windows:
        if any(word in folded for word in _EXPLICIT_WORDS):
            for m in _EXPLICIT_DESCRIPTION.finditer(description, lo, hi):
                said = _EXPLICIT_MODE.match(description, m.end(), hi)
                if said is not None and (stated := _stated(description, said, hi)):
                    explicit.add(stated)
    modes: tuple[RemoteMode, ...] = ("hybrid", "remote", "onsite")
    for mode in modes:
        if mode in explicit:
            return mode
    for mode, pattern, words in _DESCRIPTION_MODES:
        for lo, hi, folded in windows:
            if any(word in folded for word in words) and _states(
                pattern, mode, description, lo, hi
            ):
                return mode
    return None


def parse_location(
    text: str | None,
    description: str | None = None,
    found: Found | None = None,
    title: str | None = None,
) -> PostingLocation | None:
    """Read a posting's location line ("San Francisco, CA or Remote (USA)", "London, GB - Remote
    OK", "Canada,United States") and its work mode. None when nothing says anything. Without a
    location line, a line of the description labelling the job's location ("Location: Raleigh,
    NC") is read as one, else a place line at the top of a pasted posting (`_header_location`:
    LinkedIn's "Acme · Denver, CO (Hybrid) · 2 weeks ago", Indeed's "Denver, CO 80202").

    The work mode comes from the location line; else from the title ("SRE (Remote)", "DevOps
    Engineer | Hybrid"), which also turns a line's "Remote" into hybrid as "Remote Hybrid" reads
    in a line; else from the description (`remote_in_description`). A line or title naming
    several modes ("Hybrid or Remote") offers a choice and states none.
    """
    line = text.strip() if text else ""
    if not line and description:
        line = _labelled_location(description) or _header_location(description) or ""
    location = _read_line(line)
    said = location.remote if location else None
    in_title = _remote_in_title(title) if title else None
    if said is None or (said == "remote" and in_title == "hybrid"):
        remote = in_title or remote_in_description(description, found)
    else:
        remote = said
    if location is None:
        if remote is None:
            return None
        return PostingLocation(
            city=None, state=None, metro_cbsa=None, country=None, remote=remote, places=[],
            text=line,
        )  # fmt: skip
    return location if remote == said else location.model_copy(update={"remote": remote})


# A line of the description that labels the job's place ("Location: Raleigh, NC", "**Job
# Location:** Austin, TX"), read as a location field is where the posting has none. A value
# longer than a place line (text run together, a sentence) is not one.
_LOCATION_LABEL = re.compile(
    r"^[ \t*#>_-]*(?:job[ \t]+|work[ \t]+|office[ \t]+)?location[ \t]*(?:\*\*|__)?[ \t]*[:\uff1a]"
    r"[ \t]*(?:\*\*|__)?[ \t]*(?P<value>[^\n]{2,60}?)[ \t*_.]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _labelled_location(description: str) -> str | None:
    """The value of the description's first line labelling the job's location, if it reads as
    a place or a work mode."""
    if "ocation" not in description and "OCATION" not in description:
        return None
    found = _LOCATION_LABEL.search(description)
    if found is None:
        return None
    value = found.group("value").strip()
    return value if lone_surrogate(value) is None and _read_line(value) is not None else None


_HEADER_LINES = 6
"""How many of a pasted posting's first lines may hold its header facts (place, level)."""
_MIDDLE_DOT = " \u00b7 "


def _head_lines(description: str) -> list[str]:
    """The first `_HEADER_LINES` lines of a text that hold something, stripped."""
    lines = (x.strip() for x in description.split("\n", _HEADER_LINES * 3)[: _HEADER_LINES * 3])
    return [x for x in lines if x][:_HEADER_LINES]


def _header_location(description: str) -> str | None:
    """A pasted posting's place line near its top: LinkedIn's "Acme · Denver, CO (Hybrid) · 2
    weeks ago" (the part that is a place), Indeed's "Denver, CO 80202". A part must name a city
    with its state or country, or a country with a work mode ("United States (Remote)"): a
    bare name may be the company's ("Phoenix")."""
    for line in _head_lines(description):
        for part in (p.strip() for p in line.split(_MIDDLE_DOT)):
            if len(part) > 50 or ("," not in part and "(" not in part) or lone_surrogate(part):
                continue
            place = _read_line(part)
            if place is not None and (place.city or place.places) and (place.remote or "," in part):
                return part
    return None


@lru_cache(maxsize=8192)
def _read_line(line: str) -> PostingLocation | None:
    """The location line alone; cached because a few lines ("Remote", "United States") recur."""
    vocab = _vocabulary()
    split = _SEGMENT_SPLIT.split(_qualifiers_joined(_plain_countries(line, vocab), vocab))
    segments = [_tokens(s, vocab) for s in split if s.strip()]
    named = {t.value for s in segments for t in s if t.kind == "country"}
    named |= {t.country for s in segments for t in s if t.kind == "subdivision" and t.country}
    reading = _Reading(foreign=bool(named - {"US"}), us_only="US" in named)
    for tokens in segments:
        _read_segment(tokens, reading)
    remote = _remote_in_field(line)
    if not reading.places and reading.country is None and reading.state is None and not remote:
        return None
    return PostingLocation(
        city=reading.city,
        state=reading.state,
        metro_cbsa=reading.metro_cbsa,
        country=(
            reading.city_country
            if reading.country == "US" and reading.state is None and reading.city_country
            else reading.country
        ),
        remote=remote,
        places=reading.places,
        text=line,
    )


# --- seniority and employment type ------------------------------------------------------------

# Title words, most senior first: "Senior Manager" is a manager, "Associate Director" a director.
_TITLE_WORDS: tuple[tuple[Seniority, str], ...] = (
    ("director", r"\bdirector\b|\bhead\s+of\b|\bvp\b|vice\s+president|\bchief\b|\bc[tio]o\b"),
    ("manager", r"\bmanager\b|\bmgr\b"),
    ("principal", r"\bprincipal\b|\bdistinguished\b|\bfellow\b"),
    ("staff", r"\bstaff\b"),
    ("lead", r"\blead\b|\bleader\b"),
    ("senior", r"\bsenior\b|\bsr\b\.?|\bsnr\b"),
    ("mid", r"\bmid(?:[- ]?level)?\b|\bintermediate\b"),
    ("junior", r"\bjunior\b|\bjr\b|\bassociate\b|\bentry[- ]level\b|\bgraduate\b|\bnew\s+grad\b"),
    ("intern", r"\bintern(?:ship)?s?\b|\bco-?op\b|\btrainee\b|\bapprentice(?:ship)?\b"),
)
# Each pattern's matches hold one of these words (as the work-mode patterns' do, see _folded):
# a title holding none of a level's words is not searched for it.
_TITLE_LEVEL_WORDS: dict[Seniority, tuple[str, ...]] = {
    "director": ("director", "head", "vp", "vice", "chief", "cto", "cio", "coo"),
    "manager": ("manager", "mgr"),
    "principal": ("principal", "distinguished", "fellow"),
    "staff": ("staff",),
    "lead": ("lead",),
    "senior": ("senior", "sr", "snr"),
    "mid": ("mid", "intermediate"),
    "junior": ("junior", "jr", "associate", "entry", "graduate", "new"),
    "intern": ("intern", "op", "trainee", "apprentice"),
}
_TITLE_LEVELS = tuple(
    (level, re.compile(p, re.IGNORECASE), _TITLE_LEVEL_WORDS[level]) for level, p in _TITLE_WORDS
)
# "SRE II", "DevOps Engineer 3", "Engineer Level 2". Roman numerals are upper-case only.
_TITLE_NUMBER = re.compile(
    r"(?:\b(?:level|lvl|l)\s?(?P<level>[1-5])\b)|\s(?P<roman>I{1,3}|IV|V)\b(?![.'])"
    r"|\s(?P<digit>[1-5])\s*(?:$|[,(/|-])"
)


@cache
def _not_levels() -> re.Pattern[str]:
    """Title phrases whose level word names no level ("Chief of Staff", "Product Manager")."""
    conventions = seniority_conventions().not_levels

    def spelled(phrase: str) -> str:
        return r"[\s-]+".join(map(re.escape, phrase.split()))

    phrases = "|".join(spelled(p) for p in conventions.phrases)
    families = "|".join(spelled(f) for f in conventions.ic_manager_families)
    return re.compile(rf"\b(?:{phrases}|(?:{families})\s+(?:manager|mgr))\b", re.IGNORECASE)


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
}  # fmt: skip
_WORD_NUMBER = "|".join(_NUMBER_WORDS)
# The lookahead is every number's first character: most places in a window are rejected by it
# before the thirteen number words are tried.
_YEARS = re.compile(
    rf"\b(?=[\dOoTtFfSsEeNn])(?P<years>\d{{1,2}}|{_WORD_NUMBER})\s*(?:\+|plus)?"
    r"\s*(?:(?:-|\u2013|to)\s*\d{1,2}\s*)?\+?\s*(?:years?|yrs?)\b(?=(?P<context>.{0,60}))",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(r"experience|\bexp\b|background|working|hands-on", re.IGNORECASE)
# A description naming the level it hires at ("This is an entry-level role", "we are hiring a
# junior developer", "as a Senior SRE you will"): read before the years asked, when the title
# names no level. On the corpus's titled postings the level these give agrees with the title's
# more often (0.49) than the years alone do (0.42). Every match holds its level's word.
_TEXT_LEVELS = re.compile(
    r"(?P<junior>\bentry[- ]level\s+(?:role|position|job|opportunity)\b"
    r"|\b(?:is|as|hiring|seeking|for)\s+a[ \t\r\n]junior\s+\w)"
    r"|(?P<senior>\bas\s+an?[ \t\r\n]senior\b"
    r"|(?<!of )(?<!into )(?<!to )(?<!with )(?<!by )(?<!from )"  # "the supervision of a senior"
    r"\b(?:a|hiring\s+a|seeking\s+a|looking\s+for\s+a)[ \t\r\n]senior\s+(?:\w+\s+)?"
    r"(?:engineer|developer|sre|architect|administrator|analyst|scientist)\b)",
    re.IGNORECASE,
)
# Postings say whom they hire near the top: reading only the first 2,000 characters keeps 171 of
# the corpus's 188 cues (precision 0.486 instead of 0.489). The scan finds the level words; every
# junior or senior pattern has "a" or "an" right before its word, so the many "senior leadership"
# of company boilerplate open no window.
_TEXT_LEVEL_SPAN = 2000
_ARTICLE_BEFORE = re.compile(r"\ban?[ \t\r\n]\Z", re.IGNORECASE)
"""What every junior or senior pattern has right before its word ("a senior", "as an Senior")."""


def parse_seniority(
    title: str | None,
    description: str | None,
    found: Found | None = None,
    job_level: str | None = None,
) -> Seniority | None:
    """The level a posting hires at: from the title, else from a job board's level, in its own
    field (`job_level`, "Entry level") or among a pasted posting's header facts ("Full-time ·
    Entry level"), else from the description's words ("entry-level role", "as a Senior SRE"),
    else from the years of experience asked.

    Title words win, most senior first, except where they name no level ("Chief of Staff",
    "Product Manager": seniority.toml's `not_levels`); a trailing level number (I-V, 1-5) maps
    through seniority.toml. Otherwise the largest "N+ years ... experience" in the description
    maps to junior, mid or senior by the thresholds in seniority.toml.
    """
    if title:
        decided, level = _title_level(title)
        if decided:
            return level
    if job_level and (board := _named_board_level(job_level) or _board_years_level(job_level)):
        return board
    if not description:
        return None
    board = _board_level(description)
    if board is not None:
        return board
    found = found or scan(description)
    return _seniority_from_text(description, found) or _seniority_from_years(description, found)


def _board_level(description: str) -> Seniority | None:
    """The level a job board prints among the header facts of a pasted posting ("Full-time ·
    Entry level"), in a " · " line of its first lines."""
    if _MIDDLE_DOT not in description[:2000]:
        return None
    for line in _head_lines(description):
        for part in line.split(_MIDDLE_DOT):
            level = _named_board_level(part)
            if level is not None:
                return level
    return None


def _named_board_level(text: str) -> Seniority | None:
    """The level a job board's level name gives ("Entry level": junior), if rolediff reads it."""
    return seniority_conventions().board_levels.get(" ".join(text.lower().split()))


def _board_years_level(text: str) -> Seniority | None:
    """The level of a board's field stating the years asked ("3-8 Yrs", Naukri's: the fewest
    years asked, read by the years thresholds as a description's are)."""
    m = _YEARS.match(text.strip()) if len(text) <= 40 else None
    if m is None:
        return None
    raw = m.group("years").lower()
    return _level_of_years(_NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw))


@lru_cache(maxsize=4096)
def _title_level(title: str) -> tuple[bool, Seniority | None]:
    """Whether a title decides the level, and the level (a corpus repeats its titles: each is
    read once)."""
    title = _not_levels().sub(" ", title)
    folded = _folded(title)
    for level, pattern, words in _TITLE_LEVELS:
        if any(word in folded for word in words) and pattern.search(title):
            return True, level
    number = _TITLE_NUMBER.search(title)
    if number:
        key = number.group("level") or number.group("digit") or _ROMAN[number.group("roman")]
        return True, seniority_conventions().title_levels.get(key)
    return False, None


def _seniority_from_text(description: str, found: Found) -> Seniority | None:
    """The level a description names in so many words, junior before senior."""
    hits = [
        (start, end)
        for start, end in found.of(LEVEL)
        if start < _TEXT_LEVEL_SPAN
        and (
            description[start] in "eE"
            or _ARTICLE_BEFORE.search(description, max(0, start - 4), start)
        )
    ]
    named: set[str] = set()
    for lo, hi in _merge(sorted(hits), 30, 60):
        for m in _TEXT_LEVELS.finditer(description, lo, hi):
            named.add(m.lastgroup or "")
    if "junior" in named:
        return "junior"
    return "senior" if "senior" in named else None


def _seniority_from_years(description: str, found: Found) -> Seniority | None:
    conventions = seniority_conventions()
    asked: list[int] = []
    windows = _merge(found.of(YEARS), 30, 70)
    for m in (m for lo, hi in windows for m in _YEARS.finditer(description, lo, hi)):
        if not _EXPERIENCE.search(m.group("context")):
            continue
        raw = m.group("years").lower()
        years = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw)
        if years <= conventions.years_bounds.max_credible:
            asked.append(years)
    return _level_of_years(max(asked)) if asked else None


def _level_of_years(years: int) -> Seniority | None:
    """The level whose threshold is the highest of those ``years`` reach (seniority.toml)."""
    conventions = seniority_conventions()
    if years > conventions.years_bounds.max_credible:
        return None
    eligible = [y for y in conventions.years if y.min_years <= years]
    return max(eligible, key=lambda y: y.min_years).level if eligible else None


_EMPLOYMENT_TYPES: tuple[EmploymentType, ...] = (
    "full_time",
    "part_time",
    "contract",
    "temporary",
    "internship",
)
_EMPLOYMENT = re.compile(
    r"(?P<internship>\bintern(?:ship)?s?\b|\bco-?op\b)"
    r"|(?P<part_time>\bpart[-_ ]?time\b)"
    r"|(?P<full_time>\bfull[-_ ]?time\b|\bpermanent\b|\bFTE\b)"
    r"|(?P<contract>\bcontract(?:or|s)?(?![a-z0-9])|\bfreelance(?:r)?\b|\bC2C\b"
    r"|\bcorp[- ]to[- ]corp\b|\b1099\b|\bB2B\b)"
    r"|(?P<temporary>\btemp(?:orary)?\b|\bseasonal\b|\bfixed[- ]term\b)",
    re.IGNORECASE,
)


def parse_employment_type(text: str | None) -> EmploymentType | None:
    """Full-time, part-time, contract, temporary or internship, from a short field such as
    "Full-time", "FULL_TIME" or "Contract (6 months)"; the first one named wins."""
    return _employment_of(_EMPLOYMENT.search(text)) if text else None


def _employment_of(m: re.Match[str] | None) -> EmploymentType | None:
    """The employment type a match of `_EMPLOYMENT` names by its group."""
    return next((t for t in _EMPLOYMENT_TYPES if m and t == m.lastgroup), None)


# "Employment type: Full-time", "**Job Type:** Contract", "Position type - Permanent", and a
# bare "Type: Contract" that no other word qualifies ("Instance type: temporary ..." is no label).
_EMPLOYMENT_LABEL = re.compile(
    r"(?:\b(?:employment|job|position|contract|work|role)[ _-]?|(?<!\w[ _-])(?<![\w-]))type\b"
    r"\s*(?:\*\*|__)?\s*"
    r"[:\-\u2013\u2014]\s*(?:\*\*|__)?\s*(?P<value>[^\n|;]{1,40})",
    re.IGNORECASE,
)


_NOT_TERMS_IN_TITLES = frozenset({"contracts", "b2b"})
"""Words that name a kind of job in a title ("Contracts Manager", "B2B Pricing Manager"), not
the terms it is offered on."""


def employment_type(
    job_type: str | None, title: str | None, description: str, found: Found | None = None
) -> EmploymentType | None:
    """The posting's employment type: from its employment-type field, else its title ("DevOps
    Engineer (Contract)"; not "Contracts Manager", a kind of job), else a line of the description
    that labels it ("Employment type: Full-time"), looked for where the scan found "type", else
    the terms the description states of the job (`_stated_terms`)."""
    kind = parse_employment_type(job_type)
    if kind is None and title:
        low_title = title.lower()
        if any(word in low_title for word in _EMPLOYMENT_TITLE_WORDS):  # most titles: none
            m = _EMPLOYMENT.search(title)
            if m and m.group().lower() not in _NOT_TERMS_IN_TITLES:
                kind = _employment_of(m)
    if kind is not None:
        return kind
    found = found or scan(description)
    for at, _ in found.of(EMPLOYMENT):
        m = _EMPLOYMENT_LABEL.search(description, max(0, at - 12), at + 80)
        if m and (kind := parse_employment_type(m["value"])) is not None:
            return kind
    return _stated_terms(description, found)


# The terms a description may state, strongest first: an internship and a temporary or
# fixed-term job are that whatever else the phrase says ("full-time fixed-term contract"); a
# permanent one is full-time ("permanent contract") unless part-time; a contract is one even
# when full-time.
_STATED_TERM = re.compile(
    r"(?P<internship>\binternships?\b)"
    r"|(?P<temporary>\btemporary\b|\bfixed[- ]term\b|\bseasonal\b)"
    r"|(?P<permanent>\bpermanent\b)"
    r"|(?P<contract>\bcontract(?:or|s)?\b|\bfreelance(?:r)?\b)"
    r"|(?P<part_time>\bpart[-_ ]?time\b)"
    r"|(?P<full_time>\bfull[-_ ]?time\b)",
    re.IGNORECASE,
)
_TERM_STRENGTH: dict[str, EmploymentType] = {
    "internship": "internship", "temporary": "temporary", "permanent": "full_time",
    "contract": "contract", "part_time": "part_time", "full_time": "full_time",
}  # fmt: skip
# A sentence saying what the job is: "This is a full-time position", "The role is a 6-month
# contract", "on a full time, permanent basis", "we are hiring a part-time ..."; not "based on a
# permanent job offer" (a visa sponsorship notice).
_TERM_STATEMENT = re.compile(
    r"\b(?:this\s+is\s+an?|(?:this|the)\s+(?:role|position|job|opportunity)\s+is(?:\s+an?)?"
    r"|(?<!based )on\s+an?)\s+[^.;:!?\n]{0,60}?\b(?:position|role|job|opportunity|basis|assignment"
    r"|engagement|contract|employment|internship)\b"
    r"|\b(?:role|position|job)\s+is\s+(?:an?\s+)?(?:(?:fully\s+)?remote,?\s+)?"
    r"(?:full[-_ ]?time|part[-_ ]?time|permanent|temporary|fixed[- ]term|contract|freelance)\b"
    r"|\b(?:hiring|seeking|looking\s+for|recruiting)\s+an?\s+(?:(?:remote|experienced)\s+)?"
    r"(?:full[-_ ]?time|part[-_ ]?time|permanent|temporary|contract(?:or)?|freelance(?:r)?)\b",
    re.IGNORECASE,
)
_STATEMENT_OPENINGS = (" is ", "on a", "hiring", "seeking", "looking", "recruiting")
"""What precedes the term in every `_TERM_STATEMENT` match ("this is a", "the role is")."""
# A header line lists the job's facts in parts ("Engineering / Remote - Full-time /", "* Full
# Time", "Duration: 6 month contract"); a part naming terms with no other words than these
# states them.
_LINE_PARTS = re.compile(r"[/|\u2022\u00b7:;,()\[\]]|\s[-\u2013\u2014]\s|^\s*[-*+>]\s")
_PART_WORDS = frozenset(
    {"position", "role", "job", "employee", "employment", "opportunity", "only", "basis", "to"}
    | {"hire", "w2", "salaried", "exempt", "regular", "remote", "hybrid", "onsite", "month"}
    | {"months", "year", "years", "week", "weeks", "long", "short", "term"}
)
_HEADER_LINE = 80
"""Longest line (characters) read as a header line of parts."""
_CHOICE = re.compile(r"\bor\b", re.IGNORECASE)
"""A statement offering terms to choose from ("a full-time or contract role") states none."""


def _strongest(text: str) -> EmploymentType | None:
    named = {m.lastgroup for m in _STATED_TERM.finditer(text)}
    if "permanent" in named and "part_time" in named:
        named.discard("permanent")
    return next((kind for term, kind in _TERM_STRENGTH.items() if term in named), None)


def _line_terms(line: str) -> EmploymentType | None:
    """The terms a header line states, when its parts state one kind."""
    kinds = set()
    for part in _LINE_PARTS.split(line):
        if not _STATED_TERM.search(part):
            continue
        rest = re.findall(r"[^\W_]+", _STATED_TERM.sub(" ", part).lower())
        if all(word in _PART_WORDS or word.isdigit() for word in rest):
            kinds.add(_strongest(part))
    return kinds.pop() if len(kinds) == 1 else None


def _stated_terms(description: str, found: Found) -> EmploymentType | None:
    """The employment type the description states of the job, the first in the text: as a part
    of a header line, or in a sentence about the job. Benefits "for full-time employees" or
    "years of full-time experience" state nothing."""
    for at, end in sorted(found.of(TERMS)):
        start = description.rfind("\n", 0, at) + 1
        stop = description.find("\n", end)
        stop = len(description) if stop == -1 else stop
        if stop - start <= _HEADER_LINE and (kind := _line_terms(description[start:stop])):
            return kind
        # A statement's opening words come at most ~70 characters before its term, and its
        # noun at most ~60 after: most places hold none of the openings, and skip the regex.
        lo = max(start, at - 75)
        before = description[lo:at].lower()
        if not any(opening in before for opening in _STATEMENT_OPENINGS):
            continue
        for m in _TERM_STATEMENT.finditer(description, lo, min(stop, end + 62)):
            if m.start() <= at < m.end() and not _CHOICE.search(m.group()):
                kind = _strongest(m.group())
                if kind is not None:
                    return kind
    return None


_EMPLOYMENT_TITLE_WORDS = (
    *("intern", "co-op", "coop", "part", "full", "perman", "fte", "contract", "freelanc"),
    *("c2c", "corp", "1099", "b2b", "temp", "seasonal", "fixed"),
)
"""Lower-case pieces every term `_EMPLOYMENT` finds holds one of."""
