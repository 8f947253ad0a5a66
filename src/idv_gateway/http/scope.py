"""What the edge's middlewares share about one request: its route and its body."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

__all__ = [
    "GRAPHQL_PATH",
    "GRAPHQL_REQUEST",
    "is_graphql",
    "is_graphql_path",
    "own_state",
    "replay_body",
]

GRAPHQL_PATH = "/graphql"
# Key in the ASGI scope's state: a `/graphql` JSON body, parsed once by `BodyGuard`.
GRAPHQL_REQUEST = "graphql_request"


def own_state(scope: Scope) -> None:
    """Gives the request a `state` of its own. The ASGI lifespan-state extension lets a
    server hand every request the same dict (uvicorn copies it, others need not); the
    edge writes a request's caller and tenant there, so a shared one would let one
    caller's request read another's."""
    scope["state"] = dict(scope.get("state") or {})


def is_graphql(scope: Scope) -> bool:
    return scope["type"] == "http" and is_graphql_path(scope)


def is_graphql_path(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return path.rstrip("/") == GRAPHQL_PATH


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
