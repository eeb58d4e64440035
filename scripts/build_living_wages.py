"""Build the packaged rent, price-parity and wage tables from the shared reference data.

    .venv/bin/python scripts/build_living_wages.py [--shared ../shared/data]

Reads (see each folder's SOURCE.md there):
- geo/principal_cities_2023.csv, geo/states.csv
- hud_fmr/fmr_fy2026_county.csv
- rpp/rpp_msa_2024.csv, rpp/rpp_state_portion_2024.csv
- oews/oews_may2025_computer_occupations.csv

Writes:
- src/rolediff/data/living/fmr_fy2026.csv: the HUD FY2026 row of every county or New England
  town that holds a principal city (the only places rolediff resolves).
- src/rolediff/data/living/rpp_2024.csv: BEA RPP 2024 all items, goods and other services for
  the U.S., every MSA and every state's metro and nonmetro portion.
- src/rolediff/data/wages/oews_may2025.csv: national, state and MSA wages of the proxy
  occupations named in wages/role_proxies.toml, plus the national 15-0000 row used to age the
  article's figures.

Values are copied, never changed; the script fails if a principal city finds no rent row.
"""

from __future__ import annotations

import argparse
import csv
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "rolediff" / "data"
BEDROOMS = range(5)
PERCENTILE_COLUMNS = ("annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")
    return len(rows)


def rent_key(city: dict[str, str]) -> str:
    """The HUD row of a principal city: its New England town, else its primary county."""
    return city["ne_town_fips"] or city["primary_county_fips"]


def build_rents(shared: Path) -> None:
    cities = read(shared / "geo" / "principal_cities_2023.csv")
    rows = {
        (r["county_subdivision_fips"] or r["county_fips"]): r
        for r in read(shared / "hud_fmr" / "fmr_fy2026_county.csv")
    }
    wanted = sorted({rent_key(c) for c in cities})
    missing = [key for key in wanted if key not in rows]
    if missing:
        raise SystemExit(f"no FY2026 FMR row for {missing}")
    write(
        DATA / "living" / "fmr_fy2026.csv",
        ["fips", "hud_area_code", "hud_area_name", *(f"fmr_{b}br" for b in BEDROOMS)],
        (
            [
                key,
                rows[key]["hud_area_code"],
                rows[key]["hud_area_name"],
                *(rows[key][f"fmr_{b}br"] for b in BEDROOMS),
            ]
            for key in wanted
        ),
    )


def build_price_parities(shared: Path) -> None:
    abbr = {s["state_fips"]: s["state_abbr"] for s in read(shared / "geo" / "states.csv")}
    kinds = {
        "us": "us",
        "msa": "msa",
        "state_metro_portion": "state_metro",
        "state_nonmetro_portion": "state_nonmetro",
    }
    out = []
    for name in ("rpp_msa_2024.csv", "rpp_state_portion_2024.csv"):
        for r in read(shared / "rpp" / name):
            kind = kinds.get(r["geo_type"])
            if kind is None or not r["all_items"] or (kind == "us" and out and out[0][0] == "us"):
                continue  # U.S. nonmetro row, blank portions, the U.S. row repeated
            area = {"us": "US", "msa": r["cbsa_code"]}.get(kind) or abbr[r["state_fips"]]
            out.append([kind, area, r["all_items"], r["goods"], r["other_services"]])
    write(
        DATA / "living" / "rpp_2024.csv",
        ["area_type", "area", "all_items", "goods", "other_services"],
        out,
    )


def build_wages(shared: Path) -> None:
    proxies = tomllib.loads((DATA / "wages" / "role_proxies.toml").read_text("utf-8"))
    socs = {p["soc"] for role in proxies["roles"] for p in role["proxies"]}
    growth_soc = proxies["wage_growth"]["soc"]
    out = []
    for r in read(shared / "oews" / "oews_may2025_computer_occupations.csv"):
        wanted = r["soc_code"] in socs and r["area_type"] in ("national", "state", "msa")
        if not wanted and not (r["soc_code"] == growth_soc and r["area_type"] == "national"):
            continue
        area = {"national": "US", "state": r["state_abbr"], "msa": r["cbsa_code"]}[r["area_type"]]
        columns = ("employment", "annual_mean", *PERCENTILE_COLUMNS)
        out.append([r["area_type"], area, r["soc_code"], *(r[c] for c in columns)])
    out.sort(key=lambda row: ({"national": 0, "state": 1, "msa": 2}[row[0]], row[1], row[2]))
    write(
        DATA / "wages" / "oews_may2025.csv",
        ["area_type", "area", "soc_code", "employment", "annual_mean", *PERCENTILE_COLUMNS],
        out,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    build_rents(args.shared)
    build_price_parities(args.shared)
    build_wages(args.shared)


if __name__ == "__main__":
    main()
