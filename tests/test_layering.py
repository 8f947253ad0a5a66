"""The import contracts of `pyproject.toml` hold, and they do fail on a wrong import.

`make lint` runs the same contracts; this test shows they are not vacuous by linting a
copy of the source tree with one forbidden import added per case.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/sessions.py", "import strawberry", "The domain uses no framework"),
        ("domain/filters.py", "import idv_gateway.service", "Each room imports only"),
        ("schema/query.py", "import idv_gateway.providers.didit", "never import a provider"),
        ("feed/engine.py", "import idv_gateway.providers.kayle.adapter", "through the ports"),
        ("simulators/kayle/store.py", "import idv_gateway.domain", "Simulators import nothing"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "idv_gateway", src / "idv_gateway")
    target = src / "idv_gateway" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint(src)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
