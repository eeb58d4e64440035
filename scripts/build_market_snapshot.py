"""Regenerate the packaged market snapshot from the development corpus.

    python scripts/build_market_snapshot.py [--postings ../shared/data/postings/dev.jsonl]
                                            [--as-of YYYY-MM-DD]

Ingests the corpus into a temporary store with rolediff's own ingest, then writes the report's
statistics (never a posting's text) to src/rolediff/data/market/snapshot.json, with the corpus's
sha256, row counts and date range. See src/rolediff/data/market/SOURCE.md.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "postings" / "dev.jsonl"
OUT = ROOT / "src" / "rolediff" / "data" / "market" / "snapshot.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=Path, default=DEFAULT)
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not args.postings.is_file():
        print(f"no corpus at {args.postings}", file=sys.stderr)
        return 2
    from rolediff import market

    raw = args.postings.read_bytes()
    rows = sum(1 for line in raw.splitlines() if line.strip())
    with tempfile.TemporaryDirectory(prefix="rolediff-snapshot-") as tmp:
        db = Path(tmp) / "market.duckdb"
        summary = market.ingest([args.postings], db=db)
        span = market.report(db).date_range
        corpus = market.SnapshotCorpus(
            file=args.postings.name,
            sha256=hashlib.sha256(raw).hexdigest(),
            rows=rows,
            postings=summary.new,
            duplicate=summary.duplicate,
            malformed=summary.malformed,
            date_range=span,
            source="rolediff development corpus of job postings (see SOURCE.md)",
        )
        snapshot = market.build_snapshot(db, corpus, args.as_of)
    args.out.write_text(snapshot.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {summary.new:,} postings ({span.first} to {span.last}),"
        f" {len(snapshot.roles)} roles, {len(snapshot.distinctive)} role pairs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
