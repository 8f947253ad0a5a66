"""`idv-gateway serve`: uvicorn with the app factory, and a loud notice in demo mode."""

from __future__ import annotations

import os
import sys

import uvicorn
from pydantic import ValidationError

from idv_gateway.config import configuration_problems, get_settings
from idv_gateway.http.header_timeout import (
    ENV_VARIABLE as HEADER_TIMEOUT_VARIABLE,
    HeaderTimeoutProtocol,
)
from idv_gateway.http.identity import load_api_keys
from idv_gateway.http.trusted_documents import load_manifest
from idv_gateway.observability.logs import logging_config
from idv_gateway.tenants_file import TenantsFileError, env_tenant, load_tenants_file
from idv_gateway.upstreams import DEMO_SIZES, DEMO_TENANTS

__all__ = ["serve"]


def serve(*, host: str, port: int, workers: int) -> int:
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "IDV_GATEWAY_" + "_".join(str(part) for part in error["loc"]).upper()
            # The message only: pydantic's own text would echo the (secret) input.
            print(f"idv-gateway: {name}: {error['msg']}", file=sys.stderr)
        return 2
    problems = configuration_problems(settings, os.environ)
    if settings.audit_log not in (None, "-"):
        try:
            with open(settings.audit_log, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            problems.append(f"IDV_GATEWAY_AUDIT_LOG: cannot append to it ({exc.strerror or exc})")
    if settings.trusted_documents is not None:
        try:
            load_manifest(settings.trusted_documents)
        except ValueError as exc:
            problems.append(f"IDV_GATEWAY_TRUSTED_DOCUMENTS: {exc}")
    if settings.auth_api_keys_file is not None:
        try:
            load_api_keys(settings.auth_api_keys_file)
        except ValueError as exc:
            problems.extend(
                f"IDV_GATEWAY_AUTH_API_KEYS_FILE: {line}" for line in str(exc).split("\n")
            )
    if settings.tenants_file is not None:
        try:
            load_tenants_file(settings.tenants_file, env_default=env_tenant(settings) is not None)
        except TenantsFileError as exc:
            problems.extend(f"IDV_GATEWAY_TENANTS_FILE: {line}" for line in exc.problems)
    for problem in problems:
        print(f"idv-gateway: {problem}", file=sys.stderr)
    if problems:
        return 2
    if settings.demo_mode:
        print(
            "*** idv-gateway EMBEDDED DEMO ***\n"
            "No provider is configured, so both simulators run in-process with seeded data:\n"
            f"  Didit: {DEMO_SIZES['kyc']} KYC + {DEMO_SIZES['kyb']} KYB sessions, "
            f"Kayle: {DEMO_SIZES['kayle']} sessions (seed {settings.demo_seed}), for the tenant "
            f"`default`;\n  tenants {' and '.join(DEMO_TENANTS)} over data sets of their own "
            "(`idv-gateway demo-token --tenant acme ...`).\n"
            "Set IDV_GATEWAY_DIDIT_BASE_URL and IDV_GATEWAY_KAYLE_BASE_URL for real providers.\n"
            + (
                "Authentication: enforced (IDV_GATEWAY_AUTH_* is set); `idv-gateway demo-token "
                "--scopes sessions:read` prints a token this demo accepts."
                if settings.auth_enforced
                else "Authentication: OFF (open demo: every caller may read everything). Try "
                "scopes with a token from `idv-gateway demo-token --scopes sessions:read`."
            ),
            file=sys.stderr,
        )
    else:
        for name, url in (("Didit", settings.didit_base_url), ("Kayle", settings.kayle_base_url)):
            print(f"{name}: {url or 'not configured'}", file=sys.stderr)  # URLs, never keys
        if settings.tenants_file is not None:
            print(
                f"Tenants: {settings.tenants_file} (re-read on change and SIGHUP)", file=sys.stderr
            )
        print(
            "Authentication: "
            + ("enforced" if settings.auth_enforced else "OFF (IDV_GATEWAY_AUTH_DISABLED=true)"),
            file=sys.stderr,
        )
    print(f"Workers: {workers}", file=sys.stderr)
    os.environ[HEADER_TIMEOUT_VARIABLE] = str(settings.header_read_timeout_seconds)
    if settings.graphiql_on:
        print(f"GraphiQL: http://{host}:{port}/graphql", file=sys.stderr, flush=True)
    else:
        print(f"GraphQL: http://{host}:{port}/graphql", file=sys.stderr, flush=True)
    uvicorn.run(
        "idv_gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_level),
        limit_concurrency=settings.max_connections,
        http=HeaderTimeoutProtocol,
        # WebSocket subscriptions: a message is bounded like a request body, and the
        # protocol-level ping keeps idle sockets alive through proxies.
        ws="websockets-sansio",
        ws_max_size=settings.max_request_bytes,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
        access_log=False,  # the gateway logs each request itself, with its request id
    )
    return 0
