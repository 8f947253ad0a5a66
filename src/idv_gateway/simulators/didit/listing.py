"""Runs a `ListQuery` over the store and paginates like DRF's `LimitOffsetPagination`.

- `limit` defaults to 50; a missing, non-integer, zero or negative `limit` falls back
  to the default (DRF's `_positive_int(strict=True)`), and values above 100 are cut to
  100 (the documented maximum; DRF's `max_limit`). A bad `offset` counts as 0.
- `next`/`previous` are absolute URLs built from the request URL (its scheme and host),
  with the query re-encoded sorted and `limit`/`offset` replaced exactly as DRF's
  `replace_query_param`/`remove_query_param` do; `previous` drops `offset` when it
  would be 0.
- KYC `count` is exact. KYB matches are counted by a bounded scan: `count` stops at
  100, yet `next` is present whenever another KYB row exists, and rows beyond the
  100th are still served (unlike DRF, which would return an empty page for
  `offset > count`).
- `session_kind=all` returns the KYC page then the KYB page for the same
  limit/offset; `count` is the sum, `next`/`previous` follow the KYC side only.

Without filters a page is a slice of the newest-first list: no scan at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from idv_gateway.simulators.didit.query import ListQuery
from idv_gateway.simulators.didit.records import KycSession
from idv_gateway.simulators.didit.store import DiditStore

__all__ = ["KYB_COUNT_CAP", "Page", "list_sessions"]

KYB_COUNT_CAP = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A response body and the number of rows it carries (for `/_sim/stats`)."""

    body: dict[str, Any]
    rows: int


def _lazily_matching(items: Sequence[T], predicates: Sequence[Callable[[T], bool]]) -> Iterable[T]:
    """Matches one at a time, so that a bounded scan stops early."""
    matched: Iterable[T] = items
    for predicate in predicates:
        matched = filter(predicate, matched)
    return matched


def _kyc_page(store: DiditStore, query: ListQuery) -> tuple[list[dict[str, Any]], int]:
    end = query.offset + query.limit
    if query.kyc_none:
        return [], 0
    if not query.kyc:
        return [s.row for s in store.kyc[query.offset : end]], len(store.kyc)
    matched: list[KycSession] = store.kyc
    for predicate in query.kyc:  # one pass per filter: faster than chained lazy filters
        matched = list(filter(predicate, matched))
    return [s.row for s in matched[query.offset : end]], len(matched)


def _kyb_page(store: DiditStore, query: ListQuery) -> tuple[list[dict[str, Any]], int, bool]:
    """(rows, capped count, whether a further row exists)."""
    end = query.offset + query.limit
    if query.kyb_none:
        return [], 0, False
    scan = max(end + 1, KYB_COUNT_CAP + 1)  # enough to know the capped count and `next`
    found = list(islice(_lazily_matching(store.kyb, query.kyb), scan))
    return (
        [s.row for s in found[query.offset : end]],
        min(len(found), KYB_COUNT_CAP),
        len(found) > end,
    )


def list_sessions(store: DiditStore, query: ListQuery, url: str) -> Page:
    """The response body of `GET /v3/sessions/` for a validated query and request URL."""
    results: list[dict[str, Any]] = []
    count = 0
    has_next = False
    if query.kind in ("user", "all"):
        rows, count = _kyc_page(store, query)
        results.extend(rows)
        has_next = query.offset + query.limit < count
    if query.kind in ("business", "all"):
        rows, kyb_count, kyb_next = _kyb_page(store, query)
        results.extend(rows)
        count += kyb_count
        if query.kind == "business":
            has_next = kyb_next
    body = {
        "count": count,
        "next": _next_link(url, query) if has_next else None,
        "previous": _previous_link(url, query),
        "results": results,
    }
    return Page(body, len(results))


def _replace_query_param(url: str, key: str, value: int) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def _remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def _next_link(url: str, query: ListQuery) -> str:
    url = _replace_query_param(url, "limit", query.limit)
    return _replace_query_param(url, "offset", query.offset + query.limit)


def _previous_link(url: str, query: ListQuery) -> str | None:
    if query.offset <= 0:
        return None
    url = _replace_query_param(url, "limit", query.limit)
    if query.offset - query.limit <= 0:
        return _remove_query_param(url, "offset")
    return _replace_query_param(url, "offset", query.offset - query.limit)
