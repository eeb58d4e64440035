"""A fit report laid out as tables for the table, Markdown and CSV formats."""

from __future__ import annotations

from rolediff.data import role_profiles
from rolediff.fit import FitReport, Gap
from rolediff.render import Table
from rolediff.skills import taxonomy
from rolediff.views import ABSENT, dollars, percent

TOP_GAPS = 3


def _short(role: str) -> str:
    return role_profiles()[role].short_name


def asking(gap: Gap) -> str:
    """The share of postings asking for a gap, from its counts when the market gave them: the
    share is rounded, and rounding it again can go the wrong way (85 of 179 SRE postings ask for
    on-call: 47.49%, held as 0.475, which would print as 48%)."""
    if gap.share is None:
        return ABSENT
    return percent(gap.share, gap.n, gap.postings)


def _share(gap: Gap) -> str:
    """The share, naming the skill it counts when that is the area's most asked-for skill
    rather than the area itself (so it is not read as the area's share)."""
    if gap.share is None:
        return ABSENT
    counts = f"{gap.n:,} of {gap.postings:,}" if gap.n is not None and gap.postings else ""
    skill = taxonomy().get(gap.share_skill).name if gap.share_skill not in (None, gap.id) else ""
    detail = "; ".join(part for part in (skill, counts) if part)
    return f"{asking(gap)} ({detail})" if detail else asking(gap)


def _points(score: float) -> str:
    """A 0-1 score as the 0-100 points that the chart, the gaps' importance and the summary
    ("4 points closer to ...") use."""
    return f"{100 * score:.1f}"


def _premium(gap: Gap) -> str:
    if gap.pay_n is None:
        return ABSENT
    if gap.pay_premium is None:
        return f"too few (n={gap.pay_n})"
    sign = "+" if gap.pay_premium >= 0 else "-"
    return f"{sign}{dollars(abs(gap.pay_premium))} (n={gap.pay_n})"


def _names(ids: list[str]) -> str:
    """Skill ids by name, as the tables' other columns show skills."""
    return ", ".join(taxonomy().get(i).name for i in ids) or ABSENT


def _prerequisites(gap: Gap) -> str:
    if not gap.prerequisites:
        return ABSENT
    if gap.prerequisites_met:
        return "met"
    return "missing: " + _names(gap.missing_prerequisites)


GAP_COLUMNS = [
    "skill area",
    "level",
    "importance",
    "share of postings",
    "prerequisites",
    "pay premium",
    "start with",
]


def _gap_row(gap: Gap) -> list[str]:
    return [
        gap.name,
        gap.level,
        f"{gap.importance:.1f} pts",
        _share(gap),
        _prerequisites(gap),
        _premium(gap),
        ", ".join(s.name for s in gap.learn) or ABSENT,
    ]


def fit_tables(report: FitReport, detailed: bool = True) -> list[Table]:
    """Scores, what was (not) recognised, gaps, learning path and transition advice; CSV gets
    one table of every role's gaps."""
    if not detailed:
        columns = ["role", "score (0-100)", *GAP_COLUMNS]
        rows = [
            [role, _points(report.scores[role]), *_gap_row(gap)]
            for role, gaps in report.gaps.items()
            for gap in gaps
        ]
        return [Table("Gaps by role", columns, rows)]
    weights = (
        f"Weights: market snapshot ({report.market_as_of or 'undated'}) and role profiles."
        if report.weights_source == "market"
        else "Weights: role profiles only."
    )
    scores = Table(
        "Fit by role",
        ["role", "score (0-100)", "largest gaps"],
        [
            [
                role_profiles()[role].name,
                _points(score),
                ", ".join(g.name for g in report.gaps[role][:TOP_GAPS]) or ABSENT,
            ]
            for role, score in report.scores.items()
        ],
        notes=[report.difference[:1].upper() + report.difference[1:] + ".", weights, *report.notes],
    )
    recognised = Table(
        "Recognised skills",
        ["skill", "area", "matched"],
        [
            [r.name, _names([r.area]) if r.area else "(area)", ", ".join(r.matched)]
            for r in report.recognised
        ],
    )
    unrecognised = Table(
        "Not recognised",
        ["text", "times", "did you mean"],
        [[u.text, str(u.count), ", ".join(u.suggestions) or ABSENT] for u in report.unrecognised],
    )
    target = _short(report.target)
    gaps = Table(
        f"Gaps toward {target}, most important first",
        GAP_COLUMNS,
        [_gap_row(g) for g in report.gaps[report.target]],
        notes=["Importance: points of the score that covering the area would add."],
    )
    path = Table(
        f"Learning path toward {target}",
        ["step", "learn", "why", "after"],
        [
            [
                str(s.step),
                s.name,
                ("for " if s.kind == "gap" else "prerequisite of ")
                + _names(s.serves)
                + f" ({s.value:.1f} pts)",
                _names(s.after),
            ]
            for s in report.path
        ],
        notes=[
            "Prerequisites cited:",
            *(
                f"[{r.id}] {r.title} ({r.publisher}, {r.date}) {r.url}"
                for r in report.references.values()
            ),
        ],
    )
    tables = [scores, recognised, unrecognised, gaps, path]
    change = report.transition
    if change is not None:
        tables.append(
            Table(
                f"From {change.from_role.name} to {change.to_role.name}: duties to take on",
                ["duty", "skill areas"],
                [[d.text, ", ".join(s.name for s in d.skills) or ABSENT] for d in change.take_on],
                notes=[
                    "Areas to add: " + (", ".join(a.name for a in change.areas_to_add) or ABSENT),
                    "Areas to deepen: "
                    + (", ".join(a.name for a in change.areas_to_deepen) or ABSENT),
                ],
            )
        )
    return tables
