"""Every shell block in README.md and docs/ runs as written, and none changes the checkout.

A reader copies commands from the documentation; a command that fails as written (a
missing venv prefix, a placeholder file, a tracked file rewritten) costs them an
afternoon. Each fenced `bash`/`sh` block is run in document order from the repository
root, unless the line above it says otherwise:

- `<!-- docs-test: skip (reason) -->`: not run here (the reason is shown in the docs source);
- `<!-- docs-test: background PORT ... -->`: each command is a server, started in the
  background; the file's later blocks run once every listed port accepts connections,
  and the servers are stopped when the file is done.

Afterwards `git status` must be what it was before.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(
    r"(?:<!-- docs-test: (?P<mark>[^\n]*?) -->\n)?```(?:bash|sh|shell)\n(?P<body>.*?)```", re.S
)
_BLOCK_SECONDS = 300


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    mark: str  # "" (run), "skip (…)" or "background PORT…"
    body: str

    @property
    def where(self) -> str:
        name = (
            self.document.relative_to(ROOT) if self.document.is_relative_to(ROOT) else self.document
        )
        return f"{name}:{self.line}"


def blocks(document: Path) -> list[Block]:
    text = document.read_text()
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("body"))
        found.append(Block(document, line, match.group("mark") or "", match.group("body")))
    return found


def _status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _listening(port: int) -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _environment() -> dict[str, str]:
    # A reader's shell: no IDV_GATEWAY_* left over from the test run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDV_GATEWAY_")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}"
    return env


@contextlib.contextmanager
def _servers(block: Block) -> Iterator[None]:
    ports = [int(p) for p in block.mark.split()[1:]]
    busy = [p for p in ports if _listening(p)]
    if busy:
        pytest.fail(f"{block.where}: port(s) {busy} already in use; stop what listens there")
    commands = [line.split("#", 1)[0].strip() for line in block.body.splitlines() if line.strip()]
    # A file, not a pipe: a chatty server must never block on a full pipe.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, after the servers)
    started = [
        subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=_environment(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        for command in commands
        if command
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(_listening(p) for p in ports):
            if any(p.poll() is not None for p in started):
                log.seek(0)
                output = log.read().decode(errors="replace")[-3000:]
                pytest.fail(f"{block.where}: a server exited at start:\n{output}")
            if time.monotonic() > deadline:
                pytest.fail(f"{block.where}: nothing listened on {ports} after 60 s")
            time.sleep(0.1)
        yield
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _run(block: Block) -> None:
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.body],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=_BLOCK_SECONDS,
        check=False,
    )
    assert run.returncode == 0, (
        f"{block.where} failed (exit {run.returncode}):\n{block.body}\n"
        f"stdout:\n{run.stdout[-2000:]}\nstderr:\n{run.stderr[-2000:]}"
    )


def test_every_block_is_marked_as_something_this_test_knows() -> None:
    for document in DOCUMENTS:
        for block in blocks(document):
            kind = block.mark.split(" ", 1)[0]
            assert kind in ("", "skip", "background"), f"{block.where}: {block.mark!r}"
            if kind == "skip":
                assert re.fullmatch(r"skip \(.+\)", block.mark), f"{block.where}: say why"


RUNNABLE = [d for d in DOCUMENTS if any(b.mark == "" for b in blocks(d))]


@pytest.mark.parametrize("document", RUNNABLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_documented_commands_run_and_leave_the_checkout_as_it_was(document: Path) -> None:
    found = blocks(document)
    before = _status()
    with contextlib.ExitStack() as servers:
        for block in found:
            if block.mark.startswith("skip"):
                continue
            if block.mark.startswith("background"):
                servers.enter_context(_servers(block))
            else:
                _run(block)
    assert _status() == before, f"{document.name}'s commands changed the checkout"


def test_the_runner_fails_a_command_that_fails(tmp_path: Path) -> None:
    broken = Block(tmp_path / "x.md", 1, "", "true\nfalse\ntrue\n")
    with pytest.raises(AssertionError, match="exit 1"):
        _run(broken)
