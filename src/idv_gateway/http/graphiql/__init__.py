"""GraphiQL, served by the gateway from files installed with it: no CDN, works offline.

A back office behind no internet is where this gateway belongs, so the page loads
nothing from anywhere else: React, GraphiQL and its explorer plugin come from the npm
packages pinned in web/graphiql (copied by `make install`, see scripts/build_graphiql.py),
each with its Subresource Integrity hash, under a Content-Security-Policy that allows
this origin only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from idv_gateway.http.responses import error_response

__all__ = ["ASSET_PREFIX", "graphiql_assets_router", "graphiql_page"]

ASSET_PREFIX = "/graphiql"
_HERE = Path(__file__).parent
_BUILT = _HERE / "assets"
_OWN = ("page.js", "page.css")  # this package's own files, beside the template
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>idv-gateway · GraphiQL not installed</title></head><body>
<h1>GraphiQL's files are not installed with this copy of idv-gateway</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> in <code>web/graphiql</code>
and <code>python scripts/build_graphiql.py</code>). The GraphQL endpoint itself works:
<code>POST /graphql</code>.</p></body></html>"""


@dataclass(frozen=True, slots=True)
class _Files:
    page: str | None  # None: the npm files were not copied into the package
    paths: dict[str, Path]


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@functools.cache
def _files() -> _Files:
    manifest_path = _BUILT / "manifest.json"
    if not manifest_path.is_file():
        return _Files(page=None, paths={})
    manifest = json.loads(manifest_path.read_text())
    paths = {name: _BUILT / name for name in manifest}
    integrity = {name: entry["integrity"] for name, entry in manifest.items()}
    for name in _OWN:
        paths[name] = _HERE / name
        integrity[name] = _sri(paths[name].read_bytes())
    page = (_HERE / "page.html").read_text()
    page = page.replace("{base}", ASSET_PREFIX)
    for name, value in integrity.items():
        page = page.replace("{" + name + "}", value)
    return _Files(page=page, paths=paths)


def graphiql_page() -> HTMLResponse:
    files = _files()
    if files.page is None:
        return HTMLResponse(_NOT_BUILT, status_code=503)
    return HTMLResponse(
        files.page,
        headers={"content-security-policy": CONTENT_SECURITY_POLICY, "cache-control": "no-cache"},
    )


def graphiql_assets_router() -> APIRouter:
    router = APIRouter()

    @router.get(ASSET_PREFIX + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        path = _files().paths.get(name)
        if path is None:
            return error_response(404, "no such GraphiQL file", "NOT_FOUND")
        return FileResponse(  # streamed from a thread: GraphiQL's bundle is 3.5 MB
            path,
            media_type=_TYPES[path.suffix],
            headers={"cache-control": "public, max-age=3600", "x-content-type-options": "nosniff"},
        )

    return router
