"""The wrk summary parser of `make bench` (no load is generated here)."""

from __future__ import annotations

import pytest
from benchmarks.load import parse_wrk_output

WRK_STDOUT = """\
Running 10s test @ http://127.0.0.1:40123/graphql
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.31ms  120.55ms   1.22s    70.12%
    Req/Sec    60.12     20.01   110.00     68.00%
  1203 requests in 10.01s, 3.10MB read
Requests/sec:    120.18
Transfer/sec:    317.22KB
BENCH_JSON {"requests": 1203, "sent": 1253, "duration_us": 10010000, "bytes": 3250000, \
"p50_us": 401234, "p95_us": 650001, "p99_us": 980500, "max_us": 1220000, "mean_us": 412310.5, \
"errors": {"connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1}, "bad_responses": 3}
"""


def test_parses_the_summary_line_of_the_lua_script() -> None:
    result = parse_wrk_output(WRK_STDOUT)

    assert result.requests == 1203
    assert result.sent == 1253
    assert result.duration_s == pytest.approx(10.01)
    assert result.rps == pytest.approx(1203 / 10.01)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (401.23, 650.0, 980.5)
    assert result.max_ms == 1220.0
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1}
    assert result.bad_responses == 3
    assert result.as_dict()["rps"] == 120.2


def test_output_without_the_summary_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="BENCH_JSON"):
        parse_wrk_output("Running 10s test @ http://127.0.0.1:1/\n  0 requests in 0.00s\n")
