"""A real gateway process for the conformance suites, and a way to run their Node clients.

The clients (graphql-http, relay-compiler, GraphiQL in Chromium) are what users run, so
they talk to `idv-gateway serve` over TCP exactly as deployed, on the embedded demo.
Missing tools fail the tests with the command that installs them: a conformance suite
that skips when its client is absent proves nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import gateway_key  # noqa: F401  (the webhook decryption key fixture)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "artifacts" / "conformance"
NODE_MODULES = HERE / "node_modules"
INSTALL_HINT = "run `make conformance-deps` (npm ci in tests/conformance, apt-get chromium)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def demo_env() -> dict[str, str]:
    """This environment without `IDV_GATEWAY_*`, so `serve` runs the embedded demo."""
    return {k: v for k, v in os.environ.items() if not k.startswith("IDV_GATEWAY_")}


def node_tool(
    *args: str | Path, cwd: Path = HERE, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a script or npm binary of tests/conformance; fail (never skip) if not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"`node` is not on PATH: install Node.js ≥ 18, then {INSTALL_HINT}")
    if not (NODE_MODULES / ".installed").exists():
        pytest.fail(f"tests/conformance/node_modules is missing or incomplete: {INSTALL_HINT}")
    command = [str(a) for a in args]
    if command[0].endswith(".mjs"):
        command.insert(0, node)
    return subprocess.run(
        command,
        cwd=cwd,
        env={**demo_env(), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def gateway_url(artifacts: Path) -> Iterator[str]:
    """`idv-gateway serve` on a free port (embedded demo), up until the session ends."""
    port = free_port()
    executable = Path(sys.executable).with_name("idv-gateway")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "idv_gateway"]
    log_path = artifacts / "gateway.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=demo_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the gateway exited with {process.returncode}:\n{log_path.read_text()}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the gateway did not answer /healthz in 60 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield f"{base}/graphql"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
