"""`idv-gateway serve` refuses unusable settings with one line per problem and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest


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


SECRET = "a-cursor-secret-of-at-least-32-bytes!"
URL = "https://verification.didit.example"


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"IDV_GATEWAY_DIDIT_URL": URL},
            "IDV_GATEWAY_DIDIT_URL: not a setting of idv-gateway; did you mean "
            "IDV_GATEWAY_DIDIT_BASE_URL?",
        ),
        (
            {"IDV_GATEWAY_DIDIT_BASE_URL": "verification.didit.example"},
            "IDV_GATEWAY_DIDIT_BASE_URL: must start with https://",
        ),
        (
            {"IDV_GATEWAY_DIDIT_BASE_URL": "ftp://verification.didit.example"},
            "IDV_GATEWAY_DIDIT_BASE_URL: must start with https://",
        ),
        (
            {"IDV_GATEWAY_DIDIT_BASE_URL": URL + "/v3/sessions"},
            "IDV_GATEWAY_DIDIT_BASE_URL: must be the API root without a path",
        ),
        (
            {"IDV_GATEWAY_DIDIT_BASE_URL": URL, "IDV_GATEWAY_DIDIT_API_KEY": None},
            "IDV_GATEWAY_DIDIT_API_KEY is missing: IDV_GATEWAY_DIDIT_BASE_URL is set",
        ),
        (
            {
                "IDV_GATEWAY_DIDIT_BASE_URL": None,
                "IDV_GATEWAY_DIDIT_API_KEY": None,
                "IDV_GATEWAY_KAYLE_API_KEY": "kk_x",  # no demo: a provider variable is set
            },
            "IDV_GATEWAY_KAYLE_BASE_URL is missing: IDV_GATEWAY_KAYLE_API_KEY is set",
        ),
        (
            {"IDV_GATEWAY_CURSOR_SECRET": None},
            "IDV_GATEWAY_CURSOR_SECRET is missing: it signs pagination cursors",
        ),
        (
            {"IDV_GATEWAY_AUTH_DISABLED": None},
            "no caller authentication is configured, and this gateway serves personal data",
        ),
        (
            {
                "IDV_GATEWAY_AUTH_JWKS_URL": "https://login.example.test/jwks",
                "IDV_GATEWAY_AUTH_DISABLED": None,
            },
            "IDV_GATEWAY_AUTH_ISSUER, IDV_GATEWAY_AUTH_AUDIENCE missing",
        ),
        (
            {"IDV_GATEWAY_MAX_QUERY_DEPTH": "deep"},
            "IDV_GATEWAY_MAX_QUERY_DEPTH: Input should be a valid integer",
        ),
    ],
)
def test_each_misconfiguration_is_one_line_and_exit_code_2(
    env: dict[str, str | None], line: str
) -> None:
    base: dict[str, str | None] = {
        "IDV_GATEWAY_DIDIT_BASE_URL": URL,
        "IDV_GATEWAY_DIDIT_API_KEY": "didit-key-not-a-secret",
        "IDV_GATEWAY_CURSOR_SECRET": SECRET,
        "IDV_GATEWAY_AUTH_DISABLED": "true",
    }
    merged = {k: v for k, v in {**base, **env}.items() if v is not None}
    result = _serve(**merged)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("idv-gateway: " + line), lines[0]
    assert "Traceback" not in result.stderr and "didit-key-not-a-secret" not in result.stderr


def test_a_complete_configuration_has_no_problem() -> None:
    from idv_gateway.config import Settings, configuration_problems

    settings = Settings(
        didit_base_url=URL,
        didit_api_key="k",
        cursor_secret=SECRET,
        kayle_base_url=None,
        auth_disabled=True,
    )
    assert configuration_problems(settings, {"IDV_GATEWAY_DIDIT_BASE_URL": URL}) == []
    assert configuration_problems(Settings(), {}) == []  # the embedded demo


def test_version() -> None:
    from idv_gateway import __version__

    result = subprocess.run(
        [sys.executable, "-m", "idv_gateway", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"idv-gateway {__version__}"


def _first_lines(args: list[str], env: dict[str, str], count: int) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IDV_GATEWAY_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "idv_gateway", *args],
        env={**clean, **env},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stderr is not None
        return [process.stderr.readline().strip() for _ in range(count)]
    finally:
        process.kill()
        process.communicate(timeout=30)  # reaps it and closes its pipe


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_start_up_names_the_providers_and_never_their_keys() -> None:
    key = "didit-key-that-must-not-be-printed"
    port = _port()
    lines = _first_lines(
        ["serve", "--port", str(port)],
        {
            "IDV_GATEWAY_DIDIT_BASE_URL": URL,
            "IDV_GATEWAY_DIDIT_API_KEY": key,
            "IDV_GATEWAY_CURSOR_SECRET": SECRET,
            "IDV_GATEWAY_AUTH_DISABLED": "true",
        },
        5,
    )
    assert lines == [
        f"Didit: {URL}",
        "Kayle: not configured",
        "Authentication: OFF (IDV_GATEWAY_AUTH_DISABLED=true)",
        "Workers: 1",
        f"GraphQL: http://127.0.0.1:{port}/graphql",  # GraphiQL is off outside the demo
    ]


def test_a_simulator_says_where_it_listens() -> None:
    port = _port()
    [line] = _first_lines(["simulate", "kayle", "--port", str(port)], {}, 1)
    assert line.startswith(f"Kayle simulator on http://127.0.0.1:{port} (API key kk_")


def test_every_option_is_explained_with_its_default() -> None:
    for command, expected in (
        ("serve", ["--workers WORKERS  worker processes (default: 1)", "(default: 8000)"]),
        ("simulate", ["seed of the generated data (default: 7)", "Didit only (default 300)"]),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "idv_gateway", command, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        for words in expected:
            assert " ".join(words.split()) in text, (command, words)
        assert "(default: None)" not in text


def test_a_client_that_never_finishes_its_headers_is_disconnected() -> None:
    import socket

    port = _port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IDV_GATEWAY_")}
    env = {**clean, "IDV_GATEWAY_HEADER_READ_TIMEOUT_SECONDS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "idv_gateway", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):  # the demo takes a few seconds to start
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as ready:
                    ready.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    if ready.recv(100).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no blank line, ever
            started = time.monotonic()
            assert slow.recv(100) == b""  # closed by the gateway
            assert time.monotonic() - started < 5
        with socket.create_connection(("127.0.0.1", port), timeout=10) as quick:
            quick.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert quick.recv(100).startswith(b"HTTP/1.1 200")  # others are served
    finally:
        process.kill()
        process.wait(timeout=30)


def test_a_simulator_never_prints_a_key_it_was_given() -> None:
    port = _port()
    key = "sim-key-that-must-stay-unprinted"
    [line] = _first_lines(["simulate", "didit", "--port", str(port), "--api-key", key], {}, 1)
    assert "API key the one given with --api-key" in line
    assert key[:4] not in line.split("(", 1)[1]


@pytest.mark.parametrize(
    "url", ["https://user:hunter2-pass@didit.example", "user:hunter2-pass@didit.example/v3"]
)
def test_a_base_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    result = _serve(
        IDV_GATEWAY_DIDIT_BASE_URL=url,
        IDV_GATEWAY_DIDIT_API_KEY="didit-key-not-a-secret",
        IDV_GATEWAY_CURSOR_SECRET=SECRET,
    )
    assert result.returncode == 2
    assert "IDV_GATEWAY_DIDIT_BASE_URL: must not hold a user or password" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
