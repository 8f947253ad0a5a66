"""Kayle's webhook management routes (reference §3, §5.4): endpoints and their encryption keys.

Auth and scopes come from the app's edge middleware (`webhooks:read` for GET,
`webhooks:write` otherwise). Lists use Kayle's pagination (`limit` 1..100, default 10;
`starting_after`; `id ASC`). The signing secret appears once, in the create response.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from idv_gateway.simulators.kayle.jscompat import parse_query, zod_error_body
from idv_gateway.simulators.kayle.validation import _limit_issues
from idv_gateway.simulators.kayle.webhook_schemas import (
    EndpointSpec,
    envelope_error,
    parse_endpoint_body,
    parse_key_body,
    read_json_body,
    unsafe_url,
)
from idv_gateway.simulators.kayle.webhooks import Endpoint, KayleWebhooks

__all__ = ["WEBHOOK_ROUTES", "WEBHOOK_SCOPES", "webhook_routes"]

_ENDPOINTS = "/v1/webhooks/endpoints"
_ENDPOINT = "/v1/webhooks/endpoints/{endpoint_id}"
_KEYS = "/v1/webhooks/endpoints/{endpoint_id}/keys"
WEBHOOK_ROUTES = (
    f"GET {_ENDPOINTS}",
    f"POST {_ENDPOINTS}",
    f"GET {_ENDPOINT}",
    f"GET {_KEYS}",
    f"POST {_KEYS}",
)
WEBHOOK_SCOPES = frozenset({"webhooks:read", "webhooks:write"})
_DOCS = "https://kayle.id/docs/api/webhooks"


def _hub(request: Request) -> KayleWebhooks:
    hub: KayleWebhooks = request.app.state.webhooks
    return hub


def _endpoint_not_found(anchor: str) -> JSONResponse:
    return envelope_error(
        404,
        "NOT_FOUND",
        "Webhook endpoint not found.",
        "The webhook endpoint with the given ID was not found.",
        f"{_DOCS}/{anchor}",
    )


def _page(request: Request, items: list[tuple[str, dict[str, object]]]) -> Response:
    """Kayle's cursor page over (id, rendered) pairs, ordered by id."""
    query = parse_query(request.scope["query_string"])
    limit = 10
    if "limit" in query:
        issues, parsed = _limit_issues(query["limit"])
        if issues or parsed is None:
            return JSONResponse(zod_error_body(issues), 400)
        limit = parsed
    after = query.get("starting_after")
    rows = sorted(
        (item for item in items if not isinstance(after, str) or item[0] > after),
        key=lambda item: item[0],
    )
    page, has_more = rows[:limit], len(rows) > limit
    pagination = {
        "limit": limit,
        "has_more": has_more,
        "next_cursor": page[-1][0] if has_more else None,
    }
    return JSONResponse(
        {"data": [rendered for _, rendered in page], "error": None, "pagination": pagination}
    )


async def list_endpoints(request: Request) -> Response:
    return _page(request, [(e.id, e.render()) for e in _hub(request).endpoints])


async def create_endpoint(request: Request) -> Response:
    body = await read_json_body(request)
    if isinstance(body, Response):
        return body
    spec = parse_endpoint_body(body)
    if not isinstance(spec, EndpointSpec):
        return JSONResponse(spec, 400)
    if unsafe_url(spec.url):
        return envelope_error(
            400,
            "BAD_REQUEST",
            "Bad request.",
            "The webhook URL must be an https:// URL without embedded credentials.",
            f"{_DOCS}/endpoints#create",
        )
    endpoint = _hub(request).add_endpoint(
        spec.url,
        name=spec.name,
        enabled=spec.enabled,
        subscribed_event_types=spec.subscribed_event_types,
    )
    data = {"endpoint": endpoint.render(), "signing_secret": endpoint.signing_secret}
    return JSONResponse({"data": data, "error": None})


def _endpoint(request: Request) -> Endpoint | None:
    return _hub(request).get_endpoint(request.path_params["endpoint_id"])


async def get_endpoint(request: Request) -> Response:
    endpoint = _endpoint(request)
    if endpoint is None:
        return _endpoint_not_found("endpoints#get-by-id")
    return JSONResponse({"data": endpoint.render(), "error": None})


async def list_keys(request: Request) -> Response:
    endpoint = _endpoint(request)
    keys = [] if endpoint is None else endpoint.keys
    return _page(request, [(k.id, k.render()) for k in keys])


async def create_key(request: Request) -> Response:
    body = await read_json_body(request)
    if isinstance(body, Response):
        return body
    spec = parse_key_body(body)
    if isinstance(spec, dict):
        return JSONResponse(spec, 400)
    endpoint = _endpoint(request)
    if endpoint is None:
        return _endpoint_not_found("keys#create")
    try:
        key = _hub(request).add_key(endpoint, spec.key_id, spec.jwk)
    except ValueError:
        return envelope_error(
            400,
            "BAD_REQUEST",
            "Bad request.",
            "Provide an RSA-OAEP-256 public JWK without private key material.",
            f"{_DOCS}/keys#create",
        )
    return JSONResponse({"data": key.render(), "error": None})


def webhook_routes() -> list[Route]:
    return [
        Route(_ENDPOINTS, list_endpoints, methods=["GET"]),
        Route(_ENDPOINTS, create_endpoint, methods=["POST"]),
        Route(_ENDPOINT, get_endpoint, methods=["GET"]),
        Route(_KEYS, list_keys, methods=["GET"]),
        Route(_KEYS, create_key, methods=["POST"]),
    ]
