"""Request bodies of `POST /v3/session/` and `PATCH .../update-status/`, validated DRF-style.

Failures raise `InvalidBody` carrying the 400 body: field-keyed lists of messages, in
DRF's shapes and wording where the documents leave them open (a missing field is
`This field is required.`, a bad choice `"X" is not a valid choice.`, an unknown
workflow DRF's related-field message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from idv_gateway.simulators.didit._text import parse_uuid
from idv_gateway.simulators.didit.catalog import WORKFLOWS, Workflow

__all__ = [
    "CreateRequest",
    "InvalidBody",
    "StatusUpdate",
    "parse_create",
    "parse_json_object",
    "parse_status_update",
]

_CALLBACK_METHODS = ("initiator", "completer", "both")
_NEW_STATUSES = ("Approved", "Declined", "Resubmitted")
_OBJECT_FIELDS = ("contact_details", "expected_details")

Errors = dict[str, Any]


class InvalidBody(Exception):
    """A request body the API answers with 400 and `errors` as the JSON body."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(errors)
        self.errors = errors


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object (an empty body counts as `{}`)."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise InvalidBody({"detail": f"JSON parse error - {exc}"}) from None
    if not isinstance(body, dict):
        kind = type(body).__name__
        raise InvalidBody(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return body


@dataclass(frozen=True)
class CreateRequest:
    workflow: Workflow
    vendor_data: str | None = None
    callback: str | None = None
    callback_method: str | None = None
    metadata: Any = None
    contact_details: dict[str, Any] | None = None
    expected_details: dict[str, Any] | None = None


def parse_create(body: dict[str, Any]) -> CreateRequest:
    errors: Errors = {}
    workflow: Workflow | None = None
    raw_id = body.get("workflow_id")
    if "workflow_id" not in body:
        errors["workflow_id"] = ["This field is required."]
    elif raw_id is None:
        errors["workflow_id"] = ["This field may not be null."]
    elif not isinstance(raw_id, str) or (parsed := parse_uuid(raw_id)) is None:
        errors["workflow_id"] = ["Must be a valid UUID."]
    elif (workflow := WORKFLOWS.get(parsed)) is None:
        errors["workflow_id"] = [f'Invalid pk "{raw_id}" - object does not exist.']
    for name in ("vendor_data", "callback"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = ["Not a valid string."]
    callback = body.get("callback")
    if isinstance(callback, str) and not callback.startswith(("https://", "http://")):
        errors["callback"] = ["Enter a valid URL."]
    method = body.get("callback_method")
    if method is not None and method not in _CALLBACK_METHODS:
        errors["callback_method"] = [f'"{method}" is not a valid choice.']
    for name in _OBJECT_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, dict):
            kind = type(value).__name__
            errors[name] = {
                "non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]
            }
    if errors or workflow is None:
        raise InvalidBody(errors)
    return CreateRequest(
        workflow=workflow,
        vendor_data=body.get("vendor_data"),
        callback=callback,
        callback_method=method,
        metadata=body.get("metadata"),
        contact_details=body.get("contact_details"),
        expected_details=body.get("expected_details"),
    )


@dataclass(frozen=True)
class StatusUpdate:
    new_status: str
    comment: str | None = None
    features: tuple[str, ...] = field(default_factory=tuple)  # from nodes_to_resubmit


def parse_status_update(body: dict[str, Any]) -> StatusUpdate:
    errors: Errors = {}
    status = body.get("new_status")
    if status is None:
        errors["new_status"] = ["This field is required."]
    elif status not in _NEW_STATUSES:
        errors["new_status"] = [f'"{status}" is not a valid choice.']
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = ["Not a valid string."]
    if body.get("send_email") is True and not body.get("email_address"):
        errors["email_address"] = ["This field is required when send_email is true."]
    nodes = body.get("nodes_to_resubmit") or []
    if not isinstance(nodes, list) or not all(isinstance(node, dict) for node in nodes):
        errors["nodes_to_resubmit"] = ['Expected a list of {"node_id", "feature"} objects.']
        nodes = []
    if errors:
        raise InvalidBody(errors)
    features = tuple(_feature_of(node) for node in nodes)
    return StatusUpdate(new_status=str(status), comment=comment, features=features)


def _feature_of(node: dict[str, Any]) -> str:
    """`{"node_id": "feature_ocr", "feature": "OCR"}` names the ID verification step."""
    name = str(node.get("feature") or "").upper()
    return {"OCR": "ID_VERIFICATION", "FACE": "FACE_MATCH"}.get(name, name)
