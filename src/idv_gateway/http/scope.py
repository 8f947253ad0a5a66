"""What the edge's middlewares share about one request: its route and its body."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

__all__ = ["GRAPHQL_PATH", "GRAPHQL_REQUEST", "is_graphql", "replay_body"]

GRAPHQL_PATH = "/graphql"
# Key in the ASGI scope's state: a `/graphql` JSON body, parsed once by `BodyGuard`.
GRAPHQL_REQUEST = "graphql_request"


def is_graphql(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return scope["type"] == "http" and path.rstrip("/") == GRAPHQL_PATH


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app `body` (already read) in one message."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # disconnect notifications

    return replay
