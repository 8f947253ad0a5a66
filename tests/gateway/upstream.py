"""Read the simulators directly, as the providers' own clients would, to get expectations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def newest_first(rows: list[dict[str, Any]], id_key: str) -> list[dict[str, Any]]:
    """The gateway's documented order: created_at descending, then provider id ascending."""
    by_id = sorted(rows, key=lambda r: r[id_key])
    return sorted(by_id, key=lambda r: parse_time(r["created_at"]), reverse=True)


async def didit_rows(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """Every row of a Didit list, following its limit/offset paging to the end."""
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        response = await client.get(
            "/v3/sessions/", params={**params, "limit": "100", "offset": str(offset)}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["results"])
        if body["next"] is None:
            return rows
        offset += 100


async def kayle_rows(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """Every Kayle session (with attempts), following its id keyset to the end."""
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": "100", "include_attempts": "true"}
        if cursor is not None:
            query["starting_after"] = cursor
        response = await client.get("/v1/sessions", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        cursor = body["pagination"]["next_cursor"]
        if cursor is None:
            return rows


KAYLE_STATUS = {
    "created": "NOT_STARTED",
    "in_progress": "IN_PROGRESS",
    "expired": "EXPIRED",
    "cancelled": "CANCELLED",
}


def kayle_unified_status(row: dict[str, Any]) -> str:
    if row["status"] == "completed":
        succeeded = any(a["status"] == "succeeded" for a in row["attempts"])
        return "APPROVED" if succeeded else "DECLINED"
    return KAYLE_STATUS[row["status"]]


def didit_unified_status(row: dict[str, Any]) -> str:
    return str(row["status"]).upper().replace(" ", "_")
