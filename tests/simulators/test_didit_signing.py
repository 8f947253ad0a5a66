"""Didit's webhook body and signatures against the reference's test vectors (§6.5, §6.6)."""

from __future__ import annotations

import hashlib
import hmac
import json

from idv_gateway.simulators.didit.signing import signed_headers

VECTOR_SECRET = "wh_test_secret_9f2c4b8e1a7d"
# didit-api-reference.md §6.6, basic_approved: the exact body and its three signatures.
BASIC_APPROVED = (
    '{"application_id":"11111111-2222-3333-4444-555555555555","created_at":1774969994,'
    '"decision":{"id_verifications":[{"node_id":"id_verification_1","status":"Approved",'
    '"warnings":[]}],"reviews":[],"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",'
    '"status":"Approved"},"environment":"live","event_id":"9c0c8b8a-1111-4222-9333-444444444444",'
    '"metadata":{"wp_user_id":42},"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",'
    '"status":"Approved","timestamp":1774970000,"vendor_data":"wp-42",'
    '"webhook_type":"status.updated","workflow_id":"22222222-3333-4444-5555-666666666666",'
    '"workflow_version":4}'
)
BASIC_SIGNATURE = "c8abe0c1a9e1e8325e83b789f4d1c398a3c9a5cd727424b642d4a93036be8977"
BASIC_SIMPLE = "d831dd64f6c1801e214d9c114fe24167baee695a879404771d3d5dbfb10fdf75"
DECLINED_SIMPLE = "ea157dba351b4c0f93fdaacd85059d494fd7696b3993c7a6707c2593d0fb4c74"


def _hex(secret: str, message: str | bytes) -> str:
    raw = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def test_signatures_match_the_reference_vectors() -> None:
    payload = json.loads(BASIC_APPROVED)
    headers, body = signed_headers(payload, VECTOR_SECRET)
    assert body == BASIC_APPROVED.encode()
    assert headers["X-Signature"] == BASIC_SIGNATURE
    assert headers["X-Signature-V2"] == BASIC_SIGNATURE
    assert headers["X-Signature-Simple"] == BASIC_SIMPLE
    assert headers["X-Timestamp"] == "1774970000"
    declined, _ = signed_headers({**payload, "status": "Declined"}, VECTOR_SECRET)
    assert declined["X-Signature-Simple"] == DECLINED_SIMPLE


def test_non_ascii_is_escaped_in_the_body_and_signed_unescaped_by_v2() -> None:
    payload = {"session_id": "s", "status": "Approved", "name": "José 北京", "score": 100.0}
    headers, body = signed_headers(payload, VECTOR_SECRET)
    assert (
        body
        == b'{"name":"Jos\\u00e9 \\u5317\\u4eac","score":100,"session_id":"s","status":"Approved"}'
    )
    assert headers["X-Signature"] == _hex(VECTOR_SECRET, body)
    unescaped = '{"name":"José 北京","score":100,"session_id":"s","status":"Approved"}'
    assert headers["X-Signature-V2"] == _hex(VECTOR_SECRET, unescaped)
    assert headers["X-Signature-V2"] != headers["X-Signature"]
