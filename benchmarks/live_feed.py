"""The live-feed model of `tests/feed/live_model.py`, run longer and with fresh seeds.

`make test` runs the same state machine with fixed seeds (120 examples of 80 steps, about
16 s); this explores new interleavings on every run and prints the figures; a violation
fails it with the falsifying sequence of steps:

    python -m benchmarks.live_feed [--examples 1000] [--steps 100]
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from tests.feed.live_model import FIGURES, LiveFeed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    chosen = settings(
        max_examples=args.examples,
        stateful_step_count=args.steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    started = time.monotonic()
    run_state_machine_as_test(LiveFeed, settings=chosen)
    elapsed = time.monotonic() - started
    print(f"0 violations in {elapsed:.0f} s")
    for name, value in vars(FIGURES).items():
        print(f"  {name:>15}: {value:,}")


if __name__ == "__main__":
    main()
