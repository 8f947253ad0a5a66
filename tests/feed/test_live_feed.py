"""The feed under live changes: the state machine of `live_model` over in-memory providers."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from .live_model import FIGURES, LiveFeed

LiveFeed.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=80,
    deadline=None,
    derandomize=True,  # the same walks on every run; benchmarks/live_feed.py explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class TestLiveFeed(LiveFeed.TestCase):  # type: ignore[misc, valid-type]
    """Thousands of interleaved page reads, inserts, deletions, status changes, outages."""


def test_the_model_exercised_every_kind_of_change() -> None:
    """Runs after the machine (file order): the figures show it did what it claims."""
    assert FIGURES.walks > 50 and FIGURES.checked_walks > 20
    assert FIGURES.inserts > 1000 and FIGURES.deletions > 1000
    assert FIGURES.status_changes > 500 and FIGURES.outages > 50 and FIGURES.late_edges > 0
    print(f"\nlive feed model: {FIGURES}")  # noqa: T201
