"""Cursors that are signed correctly but absurd, or not ours at all, are BAD_USER_INPUT.

A cursor's signature proves only who made it, not that its body is sane: a leaked secret,
an old release or a bug could sign anything. So every generated body below is signed
with the service's own key and must either decode to a cursor whose values are in range
(and a page is served from it) or be refused with BAD_USER_INPUT; nothing else escapes.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from idv_gateway.domain import SessionFilter
from idv_gateway.errors import BadUserInput
from idv_gateway.pagination import CursorCodec, filter_digest
from idv_gateway.pagination.cursor import (
    MAX_CURSOR_LENGTH,
    MAX_ID_LENGTH,
    MAX_MICROS,
    MAX_OFFSET,
    VERSION,
    _b64,
)
from idv_gateway.service import SessionService

from .fakes import dataset

KEY = b"hostile-cursor-key-hostile-cursor"
CODEC = CursorCodec(KEY)
DIGEST = filter_digest(dataclasses.asdict(SessionFilter()))
DIDIT, KAYLE = dataset(5, 40, 10, 40, spread_hours=24, tie_every=3)
SERVICE = SessionService(didit=DIDIT, kayle=KAYLE, codec=CODEC)


def signed(body: Any) -> str:
    payload = json.dumps(body, separators=(",", ":"), allow_nan=True).encode()
    return _b64(payload + CODEC._sign(payload))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)
# Numbers at and beyond every bound a real cursor respects.
edges = st.sampled_from([0, -1, 1, 2, 3, -(2**63), 2**63, 10**30, -(10**30), 1e308, -0.0, 0.5])
numbers = edges | st.integers() | st.floats(allow_nan=True)
keys = st.none() | st.lists(numbers | st.text(max_size=200), min_size=0, max_size=4)
states = st.dictionaries(
    st.sampled_from(["0", "1", "2", "3", "-1", "99", "01", "x", "١"]),
    st.lists(numbers | st.none() | keys, max_size=4),
    max_size=4,
)
# Bodies shaped like ours (right version, connection and filter) with absurd insides.
ours = st.fixed_dictionaries(
    {"v": st.just(VERSION), "c": st.just("sessions"), "f": st.just(DIGEST), "k": keys, "s": states}
)


def page_or_bad_input(token: str) -> str:
    """Read a page from `token`: "page" or "refused"; any other outcome fails the test."""
    try:
        page = asyncio.run(SERVICE.page("sessions", SessionFilter(), first=5, after=token))
    except BadUserInput as error:
        refused_argument = error.extensions()["argument"]
        assert refused_argument == "after"
        return "refused"
    assert len(page.entries) <= 5
    assert not page.errors
    if page.has_next:
        assert page.end_cursor()
    return "page"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=ours)
def test_signed_bodies_shaped_like_ours_are_served_or_refused(body: dict[str, Any]) -> None:
    outcome = page_or_bad_input(signed(body))
    if outcome == "page":
        # Only in-range values got through: the decoded cursor re-encodes and decodes.
        cursor = CODEC.decode(signed(body), connection="sessions", digest=DIGEST)
        again = CODEC.decode(CODEC.encode(cursor), connection="sessions", digest=DIGEST)
        assert again.states.keys() == cursor.states.keys()


in_range_keys = st.none() | st.tuples(
    st.integers(-MAX_MICROS, 0),
    st.integers(0, 2),
    st.text("abc-_0123456789", max_size=MAX_ID_LENGTH),
).map(list)
in_range = st.fixed_dictionaries(
    {
        "v": st.just(VERSION),
        "c": st.just("sessions"),
        "f": st.just(DIGEST),
        "k": in_range_keys,
        "s": st.dictionaries(
            st.sampled_from(["0", "1", "2"]),
            st.tuples(
                st.integers(0, MAX_OFFSET),
                st.none() | st.floats(0, 1e9),
            ).map(list),
        ),
    }
)


@settings(max_examples=200, deadline=None)
@given(body=in_range)
def test_signed_bodies_in_range_are_served(body: dict[str, Any]) -> None:
    """The other side of the bounds: anything a cursor could hold pages on, even far off."""
    assert page_or_bad_input(signed(body)) == "page"


@settings(max_examples=300, deadline=None)
@given(body=json_values)
def test_any_signed_json_is_served_or_refused(body: Any) -> None:
    page_or_bad_input(signed(body))


@settings(max_examples=300, deadline=None)
@given(token=st.text(max_size=300) | st.binary(max_size=300).map(_b64))
def test_any_string_is_refused(token: str) -> None:
    assert page_or_bad_input(token) == "refused"


def test_a_real_cursor_with_an_absurd_value_is_refused_with_a_message() -> None:
    first = asyncio.run(SERVICE.page("sessions", SessionFilter(), first=5, after=None))
    real = json.loads(_decode_payload(first.end_cursor()))
    for path, value in [
        (("k", 0), -(10**30)),  # a date past the year 9999
        (("k", 1), 7),  # a source that does not exist
        (("k", 2), "x" * 5000),  # an id no provider issues
    ]:
        body = json.loads(json.dumps(real))
        body[path[0]][path[1]] = value
        token = signed(body)
        with pytest.raises(BadUserInput, match="not a cursor of this connection"):
            asyncio.run(SERVICE.page("sessions", SessionFilter(), first=5, after=token))


def test_a_cursor_signed_with_another_secret_says_so() -> None:
    other = CursorCodec(b"another-instance-with-another-key")
    token = asyncio.run(
        SessionService(didit=DIDIT, kayle=KAYLE, codec=other).page(
            "sessions", SessionFilter(), first=5, after=None
        )
    ).end_cursor()
    with pytest.raises(BadUserInput, match="not issued by this gateway") as refused:
        asyncio.run(SERVICE.page("sessions", SessionFilter(), first=5, after=token))
    assert "IDV_GATEWAY_CURSOR_SECRET" in str(refused.value)


def test_an_oversized_cursor_is_refused_before_decoding() -> None:
    padded = {"v": VERSION, "c": "sessions", "f": DIGEST, "k": None, "s": {}}
    token = signed({**padded, "pad": "a" * MAX_CURSOR_LENGTH})
    assert len(token) > MAX_CURSOR_LENGTH
    assert page_or_bad_input(token) == "refused"


def _decode_payload(token: str) -> bytes:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return raw[:-16]
