"""Content negotiation of GraphQL-over-HTTP responses (RFC 9110 `Accept` matching).

A client that accepts `application/graphql-response+json` gets that media type; one that
accepts only `application/json` (or sends no `Accept`, or `*/*`) keeps the traditional
shape. `http.graphql` decides status codes from the media type chosen here.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["GRAPHQL_RESPONSE_JSON", "JSON", "negotiate_media_type"]

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def _accept_ranges(accept: str) -> Iterable[tuple[str, float]]:
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 1.0
                # A malformed weight (not a number in [0, 1]) is ignored, as if absent.
                quality = weight if 0.0 <= weight <= 1.0 else 1.0
        if media_range:
            yield media_range.lower(), quality


def _preference(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching `media_type` (RFC 9110 §12.5.1)."""
    kind = media_type.split("/", 1)[0]
    best: tuple[float, int] | None = None
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[1]:
            best = (quality, specificity)
    return best or (0.0, -1)


def negotiate_media_type(accept: str | None) -> str:
    """The response media type for an `Accept` header.

    Without `Accept`, with `*/*`, or when nothing we serve is acceptable, the answer is
    `application/json`: older clients and tools expect it. A client that names
    `application/graphql-response+json` at least as highly as `application/json` gets it.
    """
    if not accept:
        return JSON
    ranges = list(_accept_ranges(accept))
    modern = _preference(GRAPHQL_RESPONSE_JSON, ranges)
    legacy = _preference(JSON, ranges)
    if modern[0] <= 0 and legacy[0] <= 0:
        return JSON
    if modern[0] > legacy[0] or (modern[0] == legacy[0] and modern[1] == 2):
        return GRAPHQL_RESPONSE_JSON
    return JSON
