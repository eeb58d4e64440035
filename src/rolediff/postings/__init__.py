"""Job postings: parse, classify, analyse."""
