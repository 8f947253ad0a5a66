"""Kayle's edge: API-key auth and scopes before validation, strict routing, headers, body limit."""

from __future__ import annotations

import pytest

from tests.simulators.kayle_support import (
    ADMIN_KEY,
    API_KEY,
    AUTH,
    FORBIDDEN,
    READ_ONLY_KEY,
    SECURITY_HEADERS,
    UNAUTHORIZED,
    WEBHOOKS_KEY,
    WRITE_ONLY_KEY,
    client_for,
    make_app,
)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_missing_authorization_is_401_with_the_short_body() -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.get("/v1/sessions")
    assert response.status_code == 401
    assert response.text == '{"error":{"code":"UNAUTHORIZED","message":"Unauthorized"}}'
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer ",
        "Bearer     ",
        f"bearer {API_KEY}",
        f"BEARER {API_KEY}",
        f"Basic {API_KEY}",
        f"Bearer{API_KEY}",
        f"Bearer {API_KEY}x",
        "Bearer kk_" + "nope" * 8,
    ],
)
async def test_malformed_empty_or_unknown_credentials_are_401(header: str) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.get("/v1/sessions", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_the_token_after_bearer_is_trimmed() -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.get(
            "/v1/sessions", headers={"Authorization": f"Bearer  {API_KEY} "}
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/sessions"),
        ("POST", "/v1/sessions"),
        ("GET", "/v1/sessions/vs_" + "a" * 64),
        ("POST", "/v1/sessions/vs_" + "a" * 64 + "/cancel"),
        ("GET", "/v1/sessions/"),
    ],
)
async def test_a_key_without_session_scopes_is_403(method: str, path: str) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.request(method, path, headers=bearer(WEBHOOKS_KEY))
    assert response.status_code == 403
    assert response.text == '{"error":{"code":"FORBIDDEN","message":"Forbidden"}}'


async def test_read_scope_reads_but_cannot_write_and_write_scope_implies_read() -> None:
    async with client_for(make_app(sessions=5)) as client:
        read_list = await client.get("/v1/sessions", headers=bearer(READ_ONLY_KEY))
        read_create = await client.post("/v1/sessions", headers=bearer(READ_ONLY_KEY))
        write_list = await client.get("/v1/sessions", headers=bearer(WRITE_ONLY_KEY))
        write_create = await client.post("/v1/sessions", headers=bearer(WRITE_ONLY_KEY))
    assert (read_list.status_code, read_create.status_code) == (200, 403)
    assert read_create.json() == FORBIDDEN
    assert (write_list.status_code, write_create.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/sessions?limit=0&status=nope", None),
        ("GET", "/v1/sessions/not-a-session-id", None),
        ("POST", "/v1/sessions/not-a-session-id/cancel", None),
        ("POST", "/v1/sessions", b"{not json"),
        ("POST", "/v1/sessions", b'{"share_fields": {"bogus": {}}}'),
    ],
)
async def test_auth_and_scope_errors_win_over_validation_errors(
    method: str, path: str, body: bytes | None
) -> None:
    headers = {"Content-Type": "application/json"}
    async with client_for(make_app(sessions=5)) as client:
        anonymous = await client.request(method, path, content=body, headers=headers)
        forbidden = await client.request(
            method, path, content=body, headers={**headers, **bearer(WEBHOOKS_KEY)}
        )
        allowed = await client.request(method, path, content=body, headers={**headers, **AUTH})
    assert (anonymous.status_code, anonymous.json()) == (401, UNAUTHORIZED)
    assert (forbidden.status_code, forbidden.json()) == (403, FORBIDDEN)
    assert allowed.status_code == 400


@pytest.mark.parametrize(
    "path", ["/v1/nope", "/v1/sessions/", "/v1/sessions/x/y/z", "/v1", "/v1/webhooks/nope"]
)
async def test_unknown_v1_paths_are_401_without_a_key_and_plain_404_with_one(path: str) -> None:
    async with client_for(make_app(sessions=5)) as client:
        anonymous = await client.get(path)
        known = await client.get(path, headers=bearer(ADMIN_KEY))
    assert (anonymous.status_code, anonymous.json()) == (401, UNAUTHORIZED)
    assert known.status_code == 404
    assert known.text == "404 Not Found"
    assert known.headers["content-type"].startswith("text/plain")


async def test_trailing_slash_is_not_redirected() -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.get("/v1/sessions/", headers=AUTH, follow_redirects=False)
    assert response.status_code == 404
    assert response.text == "404 Not Found"
    assert response.headers["content-type"] == "text/plain; charset=UTF-8"
    assert "location" not in response.headers


async def test_other_areas_check_their_own_scopes_and_non_v1_paths_need_no_key() -> None:
    async with client_for(make_app(sessions=5)) as client:
        webhooks = await client.get("/v1/webhooks/endpoints", headers=bearer(READ_ONLY_KEY))
        analytics = await client.get("/v1/analytics/sessions/overview", headers=AUTH)
        # The simulator's own key also holds the webhooks scopes.
        default_key = await client.get("/v1/webhooks/endpoints", headers=AUTH)
        outside = await client.get("/openapi-not-simulated")
    assert (webhooks.status_code, webhooks.json()) == (403, FORBIDDEN)
    assert (analytics.status_code, analytics.json()) == (403, FORBIDDEN)
    assert default_key.status_code == 200
    assert (outside.status_code, outside.text) == (404, "404 Not Found")


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/v1/sessions"), ("PUT", "/v1/sessions")])
async def test_unsupported_methods_are_plain_404_like_hono(method: str, path: str) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.request(method, path, headers=AUTH)
    assert (response.status_code, response.text) == (404, "404 Not Found")


async def test_security_headers_on_every_response_and_hsts_only_over_https() -> None:
    app = make_app(sessions=5)
    async with client_for(app) as client:
        responses = [
            await client.get("/v1/sessions", headers=AUTH),
            await client.get("/v1/sessions"),
            await client.get("/v1/sessions?limit=0", headers=AUTH),
            await client.get("/v1/nope", headers=AUTH),
            await client.post("/v1/sessions", headers=AUTH),
        ]
    async with client_for(app, base_url="https://kayle.test") as client:
        secure = await client.get("/v1/sessions", headers=AUTH)
    for response in responses:
        assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
        assert "strict-transport-security" not in response.headers
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_bodies_over_two_mebibytes_are_413_before_auth() -> None:
    body = b'{"redirect_url": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post(
            "/v1/sessions", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "PAYLOAD_TOO_LARGE", "message": "Request body is too large."}
    }
