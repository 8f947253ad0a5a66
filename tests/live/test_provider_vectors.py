"""The providers' published signature vectors, through the gateway's verifiers."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, strategies as st
from joserfc.jwk import RSAKey

from idv_gateway.domain import SessionSource, SessionStatus
from idv_gateway.errors import WebhookRejected
from idv_gateway.providers.didit.webhooks import read_didit_webhook
from idv_gateway.providers.kayle.webhooks import read_kayle_webhook

# didit-api-reference §6.6: secret, timestamp and the basic_approved body, verbatim.
SECRET = "wh_test_secret_9f2c4b8e1a7d"
TIMESTAMP = 1774970000
BASIC_APPROVED = (
    b'{"application_id":"11111111-2222-3333-4444-555555555555","created_at":1774969994,'
    b'"decision":{"id_verifications":[{"node_id":"id_verification_1","status":"Approved",'
    b'"warnings":[]}],"reviews":[],"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",'
    b'"status":"Approved"},"environment":"live","event_id":"9c0c8b8a-1111-4222-9333-444444444444",'
    b'"metadata":{"wp_user_id":42},"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",'
    b'"status":"Approved","timestamp":1774970000,"vendor_data":"wp-42",'
    b'"webhook_type":"status.updated","workflow_id":"22222222-3333-4444-5555-666666666666",'
    b'"workflow_version":4}'
)
BASIC_SIGNATURE = "c8abe0c1a9e1e8325e83b789f4d1c398a3c9a5cd727424b642d4a93036be8977"
BASIC_SIMPLE = "d831dd64f6c1801e214d9c114fe24167baee695a879404771d3d5dbfb10fdf75"
_KEY = RSAKey.generate_key(2048)  # any key: nothing unsigned reaches decryption
DECLINED_SIMPLE = "ea157dba351b4c0f93fdaacd85059d494fd7696b3993c7a6707c2593d0fb4c74"


def test_basic_approved_vector_verifies_by_each_scheme() -> None:
    for header, value in (
        ("x-signature", BASIC_SIGNATURE),
        ("x-signature-v2", BASIC_SIGNATURE),  # ASCII body: V2 equals X-Signature
        ("x-signature-simple", BASIC_SIMPLE),
    ):
        event = read_didit_webhook(BASIC_APPROVED, {header: value}, SECRET, now=TIMESTAMP + 10)
        assert event is not None, header
        assert event.provider_session_id == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        assert event.status is SessionStatus.APPROVED
        assert event.source is SessionSource.DIDIT_KYC
    signed = read_didit_webhook(
        BASIC_APPROVED, {"x-signature": BASIC_SIGNATURE}, SECRET, now=TIMESTAMP
    )
    assert signed is not None
    assert signed.event_id == "didit:9c0c8b8a-1111-4222-9333-444444444444"


def test_declined_simple_vector() -> None:
    body = BASIC_APPROVED.replace(
        b'"status":"Approved","timestamp"', b'"status":"Declined","timestamp"'
    )
    event = read_didit_webhook(body, {"x-signature-simple": DECLINED_SIMPLE}, SECRET, now=TIMESTAMP)
    assert event is not None
    assert event.status is SessionStatus.DECLINED


def test_the_vector_fails_with_another_secret_or_outside_the_window() -> None:
    headers = {"x-signature": BASIC_SIGNATURE}
    with pytest.raises(WebhookRejected) as wrong:
        read_didit_webhook(BASIC_APPROVED, headers, SECRET + "x", now=TIMESTAMP)
    assert wrong.value.outcome == "bad_signature"
    for now in (TIMESTAMP + 301, TIMESTAMP - 301):
        with pytest.raises(WebhookRejected) as stale:
            read_didit_webhook(BASIC_APPROVED, headers, SECRET, now=now)
        assert stale.value.outcome == "stale"
    assert read_didit_webhook(BASIC_APPROVED, headers, SECRET, now=TIMESTAMP + 300) is not None


@given(
    st.binary(max_size=2_000),
    st.dictionaries(
        st.sampled_from(["x-signature", "x-signature-v2", "x-signature-simple", "x-timestamp"]),
        st.text(max_size=80),
    ),
)
def test_any_unsigned_input_is_refused_with_a_reason(body: bytes, headers: dict[str, str]) -> None:
    """Hostile bytes and headers: always WebhookRejected (never another exception)."""
    with pytest.raises(WebhookRejected) as rejected:
        read_didit_webhook(body, headers, SECRET, now=TIMESTAMP)
    assert rejected.value.status in (400, 401)
    assert rejected.value.reason


@given(st.binary(max_size=3_000), st.text(max_size=200))
def test_any_kayle_input_without_the_signature_is_refused(body: bytes, header: str) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        read_kayle_webhook(
            body, {"x-kayle-signature": header}, "whsec_" + "a" * 32, _KEY, now=TIMESTAMP
        )
    assert rejected.value.status in (400, 401)


def test_a_signed_body_that_is_not_a_jwe_is_undecryptable() -> None:
    secret = "whsec_" + "a" * 32
    for body in (b"not.a.jwe", b"", b"\xff" * 10, b"a.b.c.d.e"):
        t = TIMESTAMP
        v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        with pytest.raises(WebhookRejected) as refused:
            read_kayle_webhook(body, {"x-kayle-signature": f"t={t},v1={v1}"}, secret, _KEY, now=t)
        assert refused.value.outcome == "undecryptable"
        assert refused.value.status == 400
