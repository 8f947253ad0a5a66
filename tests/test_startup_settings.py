"""`idv-gateway serve` refuses unusable settings with one line per problem and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys


def _serve(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IDV_GATEWAY_")}
    return subprocess.run(
        [sys.executable, "-m", "idv_gateway", "serve", "--port", "1"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_short_cursor_secret_stops_start_up_without_echoing_it() -> None:
    secret = "short-but-secret-value"
    result = _serve(
        IDV_GATEWAY_DIDIT_BASE_URL="http://didit.invalid", IDV_GATEWAY_CURSOR_SECRET=secret
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("idv-gateway: IDV_GATEWAY_CURSOR_SECRET:")
    assert "at least 32 bytes (it is 22)" in lines[0]
    assert secret not in result.stderr + result.stdout
