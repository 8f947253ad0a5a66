"""Trusted documents: with a manifest, only the operations a team shipped can run.

`IDV_GATEWAY_TRUSTED_DOCUMENTS` names a manifest in either format clients produce:
Apollo's persisted-query manifest (`{"format": "apollo-persisted-query-manifest",
"operations": [{"id", "name", "type", "body"}]}`, ids the SHA-256 of the body) or Relay's
`persisted_queries.json` (`{"<id>": "<text>"}`, from relay-compiler's `persistConfig`).
A request names its document by `documentId` (the GraphQL-over-HTTP persisted-documents
proposal; `sha256:<hex>` or the bare id) or by `extensions.persistedQuery.sha256Hash`
(Apollo's links); the gateway runs the manifest's text. A free-form `query` is refused
with `PERSISTED_QUERY_NOT_FOUND` unless the caller holds `documents:any` (GraphiQL for the
team that owns the gateway). The manifest's operation names are always metric labels.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.domain import Caller, Scope as AccessScope
from idv_gateway.http.callers import CALLER
from idv_gateway.http.responses import send_error
from idv_gateway.http.scope import GRAPHQL_REQUEST, is_graphql, replay_body

__all__ = ["Manifest", "TrustedDocuments", "load_manifest"]

_APOLLO_FORMAT = "apollo-persisted-query-manifest"


@dataclass(frozen=True)
class Manifest:
    documents: Mapping[str, str]  # id -> document text
    names: frozenset[str]  # operation names, for the metrics

    def find(self, document_id: str) -> str | None:
        return self.documents.get(document_id.removeprefix("sha256:"))


def load_manifest(path: Path) -> Manifest:
    """Raises ValueError with one line per problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from None
    documents: dict[str, str] = {}
    names: set[str] = set()
    if isinstance(data, dict) and data.get("format") == _APOLLO_FORMAT:
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ValueError(f"{path}: `operations` must be a list")
        for index, operation in enumerate(operations):
            if not isinstance(operation, dict) or not isinstance(operation.get("body"), str):
                raise ValueError(f"{path}: operation {index} has no `body`")
            body = operation["body"]
            digest = hashlib.sha256(body.encode()).hexdigest()
            if operation.get("id") != digest:
                raise ValueError(f"{path}: operation {index}: `id` is not the SHA-256 of `body`")
            documents[digest] = body
            if isinstance(operation.get("name"), str):
                names.add(operation["name"])
    elif isinstance(data, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        documents = dict(data)  # Relay: id -> text; the ids are relay-compiler's own hashes
        names = {n for text in documents.values() if (n := _operation_name(text))}
    else:
        raise ValueError(
            f"{path} is neither an Apollo persisted-query manifest nor Relay's persisted queries"
        )
    if not documents:
        raise ValueError(f"{path} lists no document")
    return Manifest(documents, frozenset(names))


def _operation_name(text: str) -> str | None:
    head = text.lstrip().split("(", 1)[0].split("{", 1)[0].split()
    return head[1] if len(head) >= 2 and head[0] in ("query", "mutation", "subscription") else None


class TrustedDocuments:
    """Inside `BodyGuard`, which has read and parsed a JSON body (and refused a query
    string that is not ASCII) by the time a request gets here."""

    def __init__(self, app: ASGIApp, *, manifest: Manifest) -> None:
        self.app = app
        self.manifest = manifest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_graphql(scope):
            await self.app(scope, receive, send)
            return
        caller: Caller | None = scope.get("state", {}).get(CALLER)
        free_form = caller is not None and caller.has(AccessScope.DOCUMENTS_ANY.value)
        method = scope.get("method")
        if method == "GET":
            params = dict(
                parse_qsl(scope.get("query_string", b"").decode("ascii"), keep_blank_values=True)
            )
            if not params:
                await self.app(scope, receive, send)  # the GraphiQL page, if it is on
                return
            resolved = await self._resolve(params, send, free_form=free_form)
            if resolved is None:
                return
            scope = {**scope, "query_string": urlencode(resolved).encode()}
            await self.app(scope, receive, send)
            return
        request = scope.get("state", {}).get(GRAPHQL_REQUEST)
        if method != "POST" or request is None:
            # Not a JSON request body: the GraphQL layer refuses what it cannot parse.
            await self.app(scope, receive, send)
            return
        resolved = await self._resolve(request, send, free_form=free_form)
        if resolved is None:
            return
        await receive()  # the body `BodyGuard` replays (parsed above): hand on this one
        await self.app(scope, replay_body(json.dumps(resolved).encode(), receive), send)

    async def _resolve(
        self, request: dict[str, Any], send: Send, *, free_form: bool
    ) -> dict[str, Any] | None:
        """The request with the manifest's text as `query`, or None once refused."""
        extensions = request.get("extensions")
        if isinstance(extensions, str):  # GET: a JSON string
            try:
                extensions = json.loads(extensions)
            except ValueError:
                extensions = None
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        document_id = request.get("documentId")
        if document_id is None and isinstance(persisted, dict):
            document_id = persisted.get("sha256Hash")
        query = request.get("query")
        if document_id is None:
            if free_form or not query:
                return request  # allowed, or nothing to run (the GraphQL layer answers)
            await _not_found(send, "this gateway runs trusted documents only: send a `documentId`")
            return None
        text = self.manifest.find(str(document_id)) if isinstance(document_id, str) else None
        if text is None:
            await _not_found(send, "no trusted document has this id")
            return None
        if query and query != text:
            await _not_found(send, "`query` differs from the trusted document of this id")
            return None
        resolved = {k: v for k, v in request.items() if k != "documentId"}
        resolved["query"] = text
        return resolved


async def _not_found(send: Send, message: str) -> None:
    await send_error(send, status=400, message=message, code="PERSISTED_QUERY_NOT_FOUND")
