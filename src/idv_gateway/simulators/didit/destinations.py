"""`/v3/webhook/destinations/`: create, list, get and delete webhook destinations (reference §6.1).

Validation answers like a DRF serializer: field-keyed lists of messages in field order.
From the docs: `label` and `url` (HTTPS) are required, `enabled` defaults to true,
`webhook_version` to `v3`; `subscribed_events` has no wildcard, an explicit `[]` is a
400 and an omitted list subscribes to nothing; `(application, url)` is unique. The list
is unpaginated, oldest first, and omits `secret_shared_key`; the single-destination GET
shows it. The duplicate-URL wording is the simulator's own (the docs give none), and
plain `http://` is accepted for loopback hosts only, so local demos can receive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from idv_gateway.simulators.didit.payloads import InvalidBody, parse_json_object
from idv_gateway.simulators.didit.webhooks import EVENT_TYPES, WEBHOOK_VERSIONS, DiditWebhooks

__all__ = ["DESTINATION_ROUTES", "DestinationsApi"]

_COLLECTION = "/v3/webhook/destinations/"
_ITEM = "/v3/webhook/destinations/{destination_uuid}/"
DESTINATION_ROUTES = (
    f"POST {_COLLECTION}",
    f"GET {_COLLECTION}",
    f"GET {_ITEM}",
    f"DELETE {_ITEM}",
)
_FORBIDDEN = {"detail": "You do not have permission to perform this action."}
_NOT_FOUND = {"detail": "Not found."}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_MAX_LABEL = 255
_REQUIRED = "This field is required."
_NOT_STRING = "Not a valid string."


class DestinationsApi:
    """Handlers over one `DiditWebhooks` registry, behind the simulator's `x-api-key` check."""

    def __init__(self, hub: DiditWebhooks, authorised: Callable[[Request], bool]) -> None:
        self.hub = hub
        self._authorised = authorised

    def routes(self) -> list[Route]:
        return [
            Route(_COLLECTION, self.create, methods=["POST"]),
            Route(_COLLECTION, self.list_all, methods=["GET"]),
            Route(_ITEM, self.get, methods=["GET"]),
            Route(_ITEM, self.delete, methods=["DELETE"]),
        ]

    async def create(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        try:
            body = parse_json_object(await request.body())
        except InvalidBody as exc:
            return JSONResponse(exc.errors, status_code=400)
        fields, errors = _validate(body)
        if not errors and any(d.url == fields["url"] for d in self.hub.destinations):
            errors["url"] = ["A webhook destination with this url already exists."]
        if errors:
            return JSONResponse(errors, status_code=400)
        destination = self.hub.add_destination(**fields)
        return JSONResponse(destination.render(with_secret=True), status_code=201)

    async def list_all(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        return JSONResponse([d.render(with_secret=False) for d in self.hub.destinations])

    async def get(self, request: Request) -> Response:
        destination_uuid = request.path_params["destination_uuid"]
        if not _UUID.fullmatch(destination_uuid):
            return JSONResponse(_NOT_FOUND, status_code=404)
        if not self._authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        destination = self.hub.get_destination(destination_uuid)
        if destination is None:
            return JSONResponse(_NOT_FOUND, status_code=404)
        return JSONResponse(destination.render(with_secret=True))

    async def delete(self, request: Request) -> Response:
        destination_uuid = request.path_params["destination_uuid"]
        if not _UUID.fullmatch(destination_uuid):
            return JSONResponse(_NOT_FOUND, status_code=404)
        if not self._authorised(request):
            return JSONResponse(_FORBIDDEN, status_code=403)
        if not self.hub.remove_destination(destination_uuid):
            return JSONResponse(_NOT_FOUND, status_code=404)
        return Response(status_code=204)


def _validate(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keyword arguments for `add_destination`, DRF-style errors in field order)."""
    fields: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    label = body.get("label")
    if "label" not in body or label is None:
        errors["label"] = [_REQUIRED if "label" not in body else "This field may not be null."]
    elif not isinstance(label, str):
        errors["label"] = [_NOT_STRING]
    elif not label.strip():
        errors["label"] = ["This field may not be blank."]
    elif len(label.strip()) > _MAX_LABEL:
        errors["label"] = [f"Ensure this field has no more than {_MAX_LABEL} characters."]
    else:
        fields["label"] = label.strip()
    url = body.get("url")
    if "url" not in body or url is None:
        errors["url"] = [_REQUIRED if "url" not in body else "This field may not be null."]
    elif not isinstance(url, str):
        errors["url"] = [_NOT_STRING]
    elif (url_error := _url_error(url.strip())) is not None:
        errors["url"] = [url_error]
    else:
        fields["url"] = url.strip()
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        errors["enabled"] = ["Must be a valid boolean."]
    else:
        fields["enabled"] = enabled
    version = body.get("webhook_version", "v3")
    if version not in WEBHOOK_VERSIONS:
        errors["webhook_version"] = [f'"{version}" is not a valid choice.']
    else:
        fields["webhook_version"] = version
    events = body.get("subscribed_events", [])
    if not isinstance(events, list):
        errors["subscribed_events"] = [
            f'Expected a list of items but got type "{_py_type(events)}".'
        ]
    elif "subscribed_events" in body and not events:
        errors["subscribed_events"] = ["This list may not be empty."]
    elif bad := {
        str(index): [f'"{event}" is not a valid choice.']
        for index, event in enumerate(events)
        if not isinstance(event, str) or event not in EVENT_TYPES
    }:
        errors["subscribed_events"] = bad
    else:
        fields["subscribed_events"] = list(dict.fromkeys(events))
    return fields, errors


def _url_error(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https") or not host or re.search(r"\s", url):
        return "Enter a valid URL."
    if parts.scheme == "http" and host not in _LOOPBACK:
        return "Webhook destinations must use an https:// URL."
    return None


def _py_type(value: object) -> str:
    """The Python type name DRF puts in its list-field message."""
    return type(value).__name__ if value is not None else "NoneType"
