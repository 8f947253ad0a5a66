"""Benchmarks: real load against real processes (see docs/benchmarks.md)."""
