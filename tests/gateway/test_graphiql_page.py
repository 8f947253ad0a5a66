"""GraphiQL is served from the gateway's own files: integrity-checked, CSP-locked, offline."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import Harness

ROOT = Path(__file__).resolve().parents[2]
BROWSER = {"accept": "text/html,application/xhtml+xml"}


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


async def test_the_page_loads_only_this_origin_and_every_file_matches_its_integrity(
    harness: Harness,
) -> None:
    page = await harness.gateway.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    references = re.findall(r'(?:src|href)="([^"]*)"(?: integrity="([^"]*)")?', page.text)
    assert len(references) >= 8
    for url, integrity in references:
        if url == "data:,":
            continue
        assert url.startswith("/graphiql/"), f"{url} is not served by the gateway"
        assert integrity.startswith("sha384-"), url
        asset = await harness.gateway.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith(("text/javascript", "text/css"))
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert _sri(asset.content) == integrity, f"{url}: the bytes differ from the page's hash"
    assert "unpkg" not in page.text and "https://" not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/unknown.js",
        "/graphiql/manifest.json",
        "/graphiql/page.html",
        "/graphiql/..%2Fpage.html",
        "/graphiql/%2e%2e%2f__init__.py",
        "/graphiql/",
    ],
)
async def test_nothing_but_the_listed_files_is_served(harness: Harness, path: str) -> None:
    response = await harness.gateway.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_the_installed_files_match_the_pinned_npm_packages() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_graphiql.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
