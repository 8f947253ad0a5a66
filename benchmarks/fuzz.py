"""The request corpus and the byte-level HTTP fuzzer of `make test`, longer and reseeded.

`make test` runs 10,100 fixed cases (`tests/resilience/test_corpus.py` and
`test_http_fuzz.py`); this draws new ones on every run, as many as asked, against one
in-process gateway, and prints how many ran and how long they took. A 5xx, a 4xx that is
not a JSON error, or an `INTERNAL` error fails it with the case that caused it:

    python -m benchmarks.fuzz [--schema 20000] [--bytes 20000] [--garbage 5000]
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, given, settings
from tests.resilience.corpus import garbage_documents, schema_documents
from tests.resilience.test_corpus import SCHEMA, _gateway as corpus_gateway
from tests.resilience.test_http_fuzz import _running as bytes_gateway, requests as byte_requests


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=int, default=20_000, help="schema-built documents")
    parser.add_argument("--garbage", type=int, default=5_000, help="garbage documents")
    parser.add_argument("--bytes", type=int, default=20_000, help="byte-level HTTP requests")
    args = parser.parse_args()
    figures: list[tuple[str, int, float]] = []
    with corpus_gateway() as (check, pools):
        for name, strategy, count in (
            ("schema documents", schema_documents(SCHEMA, pools), args.schema),
            ("garbage documents", garbage_documents(), args.garbage),
        ):
            started = time.monotonic()
            given(strategy)(_settings(count)(lambda request: check(request)))()
            figures.append((name, count, time.monotonic() - started))
    with bytes_gateway() as send:
        started = time.monotonic()
        given(byte_requests)(_settings(args.bytes)(lambda sent: send(sent)))()
        figures.append(("byte-level HTTP requests", args.bytes, time.monotonic() - started))
    print("| cases | count | seconds |\n|---|--:|--:|")
    for name, count, seconds in figures:
        print(f"| {name} | {count:,} | {seconds:.0f} |")
    print("0 × 5xx, 0 × INTERNAL, every 4xx a JSON error")


if __name__ == "__main__":
    main()
