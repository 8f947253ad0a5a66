"""The Starlette app that plays Didit's session API (`/v3/...`) plus the `/_sim/*` surface.

Framework behaviour reproduced from the documents (Django + DRF upstream):
- every provider route answers 403 `{"detail": "You do not have permission to perform
  this action."}` when `x-api-key` is missing or wrong (the header name is
  case-insensitive); Didit never returns 401 here;
- `/v3/sessions` (no slash) is a 301 to `/v3/sessions/` with the query kept. As with
  Django's `APPEND_SLASH`, this happens before authentication and `Location` is the
  path plus query (relative), which clients resolve against the request URL;
- session routes only match lowercase hyphenated UUIDs (Django's `<uuid:>` converter),
  so a malformed id is a routing 404 before authentication; unknown and deleted ids
  are 404 after it. Every 404 body is `{"detail": "Not found."}`;
- JSON is compact UTF-8 (`ensure_ascii=False`), like DRF's renderer.

The `/_sim/*` operations middleware wraps the whole app (outside Starlette's error
middleware), so the `reset` fault can reach the server's transport.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from idv_gateway.simulators._ops import SimOps, StatusSetter
from idv_gateway.simulators.didit._text import format_timestamp
from idv_gateway.simulators.didit.catalog import SESSION_STATUSES
from idv_gateway.simulators.didit.decision import kyc_decision
from idv_gateway.simulators.didit.decision_kyb import kyb_decision
from idv_gateway.simulators.didit.destinations import DESTINATION_ROUTES
from idv_gateway.simulators.didit.listing import list_sessions
from idv_gateway.simulators.didit.payloads import (
    InvalidBody,
    parse_create,
    parse_json_object,
    parse_status_update,
)
from idv_gateway.simulators.didit.query import parse_list_query
from idv_gateway.simulators.didit.records import KycSession
from idv_gateway.simulators.didit.rows import display_status
from idv_gateway.simulators.didit.store import DiditStore, Session

__all__ = [
    "LIST_ROUTE",
    "ROUTES",
    "DiditApi",
    "DiditApp",
    "method_not_allowed",
    "not_found",
    "status_setter",
]

LIST_ROUTE = "GET /v3/sessions/"
ROUTES = (
    LIST_ROUTE,
    "GET /v3/sessions",
    "GET /v3/session/{session_id}/decision/",
    "POST /v3/session/",
    "PATCH /v3/session/{session_id}/update-status/",
    "DELETE /v3/session/{session_id}/delete/",
    *DESTINATION_ROUTES,
)
_FORBIDDEN = {"detail": "You do not have permission to perform this action."}
_NOT_FOUND = {"detail": "Not found."}
_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# §5.1: statuses a session may be moved out of; Resubmitted needs a reviewable outcome.
_UPDATABLE = frozenset(
    {"Approved", "Declined", "In Review", "Kyc Expired", "Abandoned", "Resubmitted"}
)
_RESUBMITTABLE = frozenset({"Declined", "In Review", "Abandoned"})


class DiditApp(Starlette):
    """A Starlette app whose outermost layer is the `/_sim/*` operations middleware."""

    def __init__(self, ops: SimOps, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.router.redirect_slashes = False
        self._ops = ops

    def build_middleware_stack(self) -> ASGIApp:
        return self._ops.middleware(super().build_middleware_stack())


class DiditApi:
    """Request handlers over one store; `routes()` lists them for the app."""

    def __init__(self, store: DiditStore, ops: SimOps, api_key: str) -> None:
        self.store = store
        self.ops = ops
        self._api_key = api_key.encode()

    def routes(self) -> list[Route]:
        return [
            Route("/v3/sessions/", self.list_sessions, methods=["GET"]),
            Route("/v3/sessions", self.redirect_to_slash, methods=["GET"]),
            Route("/v3/session/", self.create_session, methods=["POST"]),
            Route("/v3/session/{session_id}/decision/", self.decision, methods=["GET"]),
            Route("/v3/session/{session_id}/update-status/", self.update_status, methods=["PATCH"]),
            Route("/v3/session/{session_id}/delete/", self.delete_session, methods=["DELETE"]),
        ]

    def authorised(self, request: Request) -> bool:
        """Whether the request carries the application's `x-api-key`."""
        presented = request.headers.get("x-api-key", "").encode()
        return hmac.compare_digest(presented, self._api_key)

    def _session(self, request: Request) -> Session | Response:
        """The addressed session, or the 404/403 response that replaces it."""
        session_id = request.path_params["session_id"]
        if not _SESSION_ID.fullmatch(session_id):
            return JSONResponse(_NOT_FOUND, status_code=404)
        if not self.authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        session = self.store.get(session_id)
        return JSONResponse(_NOT_FOUND, status_code=404) if session is None else session

    async def list_sessions(self, request: Request) -> Response:
        if not self.authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        query = parse_list_query(request.query_params)
        if isinstance(query, dict):
            return JSONResponse(query, status_code=400)
        page = list_sessions(self.store, query, str(request.url))
        self.ops.count_rows(LIST_ROUTE, page.rows)
        return JSONResponse(page.body)

    async def redirect_to_slash(self, request: Request) -> Response:
        query = request.url.query
        location = "/v3/sessions/" + (f"?{query}" if query else "")
        return Response(status_code=301, headers={"location": location})

    async def decision(self, request: Request) -> Response:
        session = self._session(request)
        if isinstance(session, Response):
            return session
        if isinstance(session, KycSession):
            return JSONResponse(kyc_decision(session))
        return JSONResponse(kyb_decision(session, self.store.kyb_uppercase_status))

    async def create_session(self, request: Request) -> Response:
        if not self.authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        try:
            spec = parse_create(parse_json_object(await request.body()))
        except InvalidBody as exc:
            return JSONResponse(exc.errors, status_code=400)
        session, _ = self.store.create(
            spec.workflow,
            vendor_data=spec.vendor_data,
            callback=spec.callback,
            callback_method=spec.callback_method,
            metadata=spec.metadata,
            contact_details=spec.contact_details,
            expected_details=spec.expected_details,
        )
        token = session.session_token
        return JSONResponse(
            {
                "session_id": session.session_id,
                "session_kind": session.session_kind,
                "session_number": session.session_number,
                "session_token": token,
                "url": f"https://verify.didit.me/session/{token}" if token else None,
                "vendor_data": session.vendor_data,
                "metadata": session.metadata,
                "status": self._status(session),
                "workflow_id": spec.workflow.workflow_id,
                "workflow_version": session.workflow_version,
                "callback": session.callback,
            },
            status_code=201,
        )

    async def update_status(self, request: Request) -> Response:
        session = self._session(request)
        if isinstance(session, Response):
            return session
        try:
            update = parse_status_update(parse_json_object(await request.body()))
        except InvalidBody as exc:
            return JSONResponse(exc.errors, status_code=400)
        allowed = _RESUBMITTABLE if update.new_status == "Resubmitted" else _UPDATABLE
        if session.status not in allowed:
            message = (
                f'Cannot change the status of a session in "{session.status}" '
                f'to "{update.new_status}".'
            )
            return JSONResponse({"detail": message}, status_code=400)
        review = {
            "user": "api",
            "new_status": update.new_status,
            "comment": update.comment,
            "created_at": format_timestamp(self.store.now()),
        }
        self.store.move(session, update.new_status, focus=update.features, review=review)
        return JSONResponse(
            {"session_id": session.session_id, "session_kind": session.session_kind}
        )

    async def delete_session(self, request: Request) -> Response:
        session = self._session(request)
        if isinstance(session, Response):
            return session
        self.store.delete(session.session_id)
        return Response(status_code=204)

    def _status(self, session: Session) -> str:
        if isinstance(session, KycSession):
            return session.status
        return display_status(session.status, self.store.kyb_uppercase_status)


def status_setter(store: DiditStore) -> StatusSetter:
    """`POST /_sim/sessions/{id}/status`: move a session to any Didit status; answers its row."""

    async def set_status(session_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        session = store.get(session_id)
        if session is None:
            return 404, {"error": f"unknown session {session_id}"}
        status = body["status"]
        if status not in SESSION_STATUSES:
            expected = ", ".join(SESSION_STATUSES)
            return 400, {"error": f'unknown status "{status}"; expected one of {expected}'}
        store.move(session, status)
        return 200, session.row

    return set_status


async def not_found(request: Request, exc: Exception) -> Response:
    del request, exc
    return JSONResponse(_NOT_FOUND, status_code=404)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    headers = exc.headers if isinstance(exc, HTTPException) else None
    body = {"detail": f'Method "{request.method}" not allowed.'}
    return JSONResponse(body, status_code=405, headers=headers)
