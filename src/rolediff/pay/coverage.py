"""The coverage manifest: per jurisdiction, what the tax engine models, for which years, how
sure its figures are, and where take-home pay can fall as pay rises (cliffs)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rolediff.pay import federal, local, payroll
from rolediff.pay.state_income import STATE_IDS, state_tax_data

Kind = Literal["federal", "fica", "state income", "state payroll", "local"]


class CoverageEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    kind: Kind
    years: list[int]
    verified_years: list[int]
    """Years whose figures were checked against the cited source."""
    modelled: list[str]
    not_modelled: list[str]
    cliffs: list[str]


def coverage_manifest() -> list[CoverageEntry]:
    """Every jurisdiction the take-home chain covers, federal first, then states and localities."""
    income = federal.schedule()
    fica = payroll.fica_schedule()
    entries = [
        CoverageEntry(
            jurisdiction="United States",
            kind="federal",
            years=sorted(income.years),
            verified_years=sorted(y for y, t in income.years.items() if t.verified),
            modelled=[
                "brackets",
                "standard deduction",
                "SALT deduction with its cap and phase-down",
                "earned income credit without qualifying children (refundable; filer aged 25-64)",
            ],
            not_modelled=[
                "credits needing dependants",
                "itemised deductions other than SALT",
                "2025 deductions for tips, overtime, seniors and car-loan interest",
            ],
            cliffs=[],
        ),
        CoverageEntry(
            jurisdiction="United States",
            kind="fica",
            years=sorted(fica.years),
            verified_years=sorted(y for y, t in fica.years.items() if t.verified),
            modelled=["Social Security to the wage base", "Medicare", "Additional Medicare"],
            not_modelled=[],
            cliffs=[],
        ),
    ]
    for code in STATE_IDS:
        record = state_tax_data(code)
        entries.append(
            CoverageEntry(
                jurisdiction=record.name,
                kind="state income",
                years=sorted(record.years),
                verified_years=sorted(y for y, t in record.years.items() if t.verified),
                modelled=list(record.coverage.modelled),
                not_modelled=list(record.coverage.not_modelled),
                cliffs=list(record.coverage.cliffs),
            )
        )
    for state, programs in sorted(payroll.payroll_states().items()):
        for program in programs.programs:
            entries.append(
                CoverageEntry(
                    jurisdiction=f"{program.name} ({state})",
                    kind="state payroll",
                    years=sorted(program.years),
                    verified_years=sorted(y for y, t in program.years.items() if t.verified),
                    modelled=["employee contribution: rate and wage cap"],
                    not_modelled=[program.note] if program.note else [],
                    cliffs=[],
                )
            )
    by_tax: dict[str, list[local.CoverageRow]] = {}
    for row in local.coverage():
        by_tax.setdefault(row.tax_id, []).append(row)
    cliffs = local.cliffs()
    for tax_id, rows in by_tax.items():
        entries.append(
            CoverageEntry(
                jurisdiction=f"{rows[0].name} ({rows[0].state})",
                kind="local",
                years=[r.year for r in rows],
                verified_years=[r.year for r in rows if r.verified],
                modelled=["resident rate on wages"],
                not_modelled=["non-resident rates"],
                cliffs=list(cliffs.get(tax_id, ())),
            )
        )
    return entries


@cache
def unverified(
    state: str, year: int, payroll_ids: tuple[str, ...], local_ids: tuple[str, ...]
) -> tuple[str, ...]:
    """The taxes of one statement whose figures for ``year`` are not yet checked against their
    published source (projections pending an agency's figures, or unconfirmed): federal income
    tax, FICA, the state's income tax, the state programs ``payroll_ids`` and the local taxes
    ``local_ids`` charged."""
    names = []
    income = federal.schedule().years.get(year)
    if income is not None and not income.verified:
        names.append(f"federal income tax {year}")
    fica = payroll.fica_schedule().years.get(year)
    if fica is not None and not fica.verified:
        names.append(f"Social Security and Medicare {year}")
    record = state_tax_data(state)
    state_year = record.years.get(year)
    if state_year is not None and not state_year.verified:
        names.append(f"{record.name} income tax {year}")
    programs = payroll.payroll_states().get(state)
    for program in programs.programs if programs else ():
        entry = program.years.get(year)
        if program.id in payroll_ids and entry is not None and not entry.verified:
            names.append(f"{program.name} {year}")
    for row in local.coverage():
        if row.tax_id in local_ids and row.year == year and not row.verified:
            names.append(f"{row.name} {year}")
    return tuple(names)
