"""In-process cost of executing a 50-row page: the gateway's Strawberry schema vs graphql-core.

No HTTP and no upstream: a fake service hands the real schema a canned `FeedPage`, and
graphql-core executes the same result (plain dicts, same SDL subset) as the floor. The
gap is what Strawberry and the gateway's types add per page (DESIGN §6 measures it
against graphql-core the same way). Variants run interleaved, batch by batch, so machine
noise hits them alike; medians of per-operation times are reported.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import graphql

from idv_gateway import domain
from idv_gateway.feed import FeedPage
from idv_gateway.pagination import CursorCodec, FeedCursor, sort_key
from idv_gateway.schema import GatewayContext, build_schema
from idv_gateway.schema.node import TYPE_NAMES, encode_global_id
from idv_gateway.service import SessionService

__all__ = ["QUERIES", "measure_execution"]

ROWS = 50
QUERIES = {
    "kycSessions (6 fields)": "{ kycSessions(first: 50) { edges { node { "
    "id providerSessionId status providerStatus createdAt fullName } } } }",
    "sessions (unified, 5 fields)": "{ sessions(first: 50) { edges { node { "
    "__typename id source status createdAt } } } }",
}
_BASE = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def _kyc(i: int) -> domain.KycSession:
    return domain.KycSession(
        provider_session_id=f"00000000-0000-4000-8000-{i:012d}",
        status=domain.SessionStatus.APPROVED,
        provider_status="Approved",
        created_at=_BASE - timedelta(minutes=i),
        session_number=10_000 - i,
        session_url=None,
        portrait_image=None,
        document_type="Passport",
        full_name=f"Andrés Martínez {i}",
        country="ESP",
        vendor_data=f"user-{i}",
        didit_internal_id=None,
        features=(),
        phone_number=None,
        email_address=None,
        additional_details=None,
    )


def _kyb(i: int) -> domain.KybSession:
    return domain.KybSession(
        provider_session_id=f"11111111-0000-4000-8000-{i:012d}",
        status=domain.SessionStatus.IN_REVIEW,
        provider_status="In Review",
        created_at=_BASE - timedelta(minutes=i),
        session_number=500 - i,
        vendor_data=None,
        workflow_id=None,
        workflow_type="kyb",
        workflow_label="Standard KYB",
        company_name="Atlas Freight Holdings Ltd",
        registration_number="10527699",
        country="GB",
    )


def _kayle(i: int) -> domain.KayleSession:
    created = _BASE - timedelta(minutes=i)
    return domain.KayleSession(
        provider_session_id=f"vs_{i:040d}",
        status=domain.SessionStatus.NOT_STARTED,
        provider_status="created",
        created_at=created,
        contract_version=1,
        share_fields=(),
        redirect_url=None,
        verification_url=f"https://verify.kayle.example/{i}",
        expires_at=created + timedelta(minutes=60),
        completed_at=None,
        updated_at=created,
        attempts=(),
    )


def _page(sessions: list[domain.Session], connection: str) -> FeedPage:
    return FeedPage(
        entries=[(sort_key(s), s) for s in sessions],
        has_next=True,
        has_previous=False,
        total=None,
        errors=[],
        _readers=[],
        _resume=None,
        _cursor=FeedCursor(connection=connection, digest="benchmark"),
        _codec=CursorCodec(b"benchmark"),
    )


class CannedService:
    """Stands in for `SessionService`: every connection returns the same canned page.

    Extra keyword options of the real methods (e.g. `kayle_attempts`) are accepted and
    ignored: the page is canned.
    """

    def __init__(self) -> None:
        makers = (_kyc, _kyb, _kayle)
        self.kyc = [_kyc(i) for i in range(ROWS)]
        self.mixed: list[domain.Session] = [makers[i % 3](i) for i in range(ROWS)]

    async def page(
        self, connection: str, flt: object, *, first: int, after: str | None, **options: object
    ) -> FeedPage:
        del flt, first, after, options
        rows = self.mixed if connection == "sessions" else self.kyc
        return _page(list(rows), connection)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        """Every other service method (lookups, decisions, …): not reached by the queries."""

        async def unused(*args: object, **kwargs: object) -> Any:
            raise NotImplementedError(f"the canned service has no {name}")

        return unused


def _floor_sdl() -> str:
    """The SDL subset the two queries touch, enums taken from the domain to stay in sync."""
    common = (
        "id: ID! source: SessionSource! providerSessionId: String! "
        "status: SessionStatus! providerStatus: String! createdAt: DateTime!"
    )
    return f"""
        scalar DateTime
        enum SessionSource {{ {" ".join(domain.SessionSource.__members__)} }}
        enum SessionStatus {{ {" ".join(domain.SessionStatus.__members__)} }}
        interface Node {{ id: ID! }}
        interface Session implements Node {{ {common} }}
        type KycSession implements Session & Node {{ {common} fullName: String }}
        type KybSession implements Session & Node {{ {common} companyName: String }}
        type KayleSession implements Session & Node {{ {common} verificationUrl: String! }}
        type KycSessionEdge {{ node: KycSession! }}
        type KycSessionConnection {{ edges: [KycSessionEdge!]! }}
        type SessionEdge {{ node: Session! }}
        type SessionConnection {{ edges: [SessionEdge!]! }}
        type Query {{
          sessions(first: Int = 20): SessionConnection!
          kycSessions(first: Int = 20): KycSessionConnection!
        }}
    """


def _row(s: domain.Session) -> dict[str, Any]:
    return {
        "__typename": TYPE_NAMES[s.source],
        "id": encode_global_id(s.source, s.provider_session_id),
        "source": s.source.value,
        "providerSessionId": s.provider_session_id,
        "status": s.status.value,
        "providerStatus": s.provider_status,
        "createdAt": s.created_at.isoformat(),
        "fullName": getattr(s, "full_name", None),
    }


def _floor_root(service: CannedService) -> dict[str, Any]:
    """Root value whose fields hold the already-built result, as plain dicts."""
    return {
        "kycSessions": {"edges": [{"node": _row(s)} for s in service.kyc]},
        "sessions": {"edges": [{"node": _row(s)} for s in service.mixed]},
    }


def _context(service: CannedService) -> GatewayContext:
    """A fresh per-request context, as the HTTP layer builds one for every request.

    Also fits a `GatewayContext` whose per-request DataLoaders are a constructor argument.
    """
    kwargs: dict[str, Any] = {"service": cast(SessionService, service)}
    fields = {f.name for f in dataclasses.fields(GatewayContext) if f.init}
    if "loaders" in fields:
        kwargs["loaders"] = importlib.import_module("idv_gateway.schema.loaders").Loaders(service)
    if "caller" in fields:  # an open caller: what a gateway without authentication serves
        domain = importlib.import_module("idv_gateway.domain")
        kwargs["caller"] = domain.Caller.open("benchmark")
    return GatewayContext(**kwargs)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000.0, 3)


def measure_execution(*, number: int = 20, repeat: int = 15) -> dict[str, Any]:
    """Median ms per execution of each query: Strawberry (the gateway) vs graphql-core."""
    service = CannedService()
    schema = build_schema()
    floor_schema = graphql.build_schema(_floor_sdl())
    root = _floor_root(service)
    loop = asyncio.new_event_loop()
    results: dict[str, Any] = {"rows": ROWS, "number": number, "repeat": repeat, "queries": {}}
    try:
        for name, query in QUERIES.items():
            document = graphql.parse(query)
            assert not graphql.validate(floor_schema, document)

            async def strawberry_batch(query: str = query) -> None:
                for _ in range(number):
                    await schema.execute(query, context_value=_context(service))

            def run_strawberry() -> None:
                loop.run_until_complete(strawberry_batch())

            def run_graphql_sync(query: str = query) -> None:
                for _ in range(number):
                    graphql.graphql_sync(floor_schema, query, root_value=root)

            def run_execute(document: graphql.DocumentNode = document) -> None:
                for _ in range(number):
                    graphql.execute_sync(floor_schema, document, root_value=root)

            # The floor must produce exactly the gateway's answer, or the ratio means nothing.
            ours = loop.run_until_complete(schema.execute(query, context_value=_context(service)))
            floor = graphql.execute_sync(floor_schema, document, root_value=root)
            if ours.errors or floor.errors or ours.data != floor.data:
                raise RuntimeError(f"{name}: results differ: {ours.errors or floor.errors}")

            variants: dict[str, Callable[[], None]] = {
                "strawberry_ms": run_strawberry,
                "graphql_core_sync_ms": run_graphql_sync,
                "graphql_core_execute_ms": run_execute,
            }
            samples: dict[str, list[float]] = {key: [] for key in variants}
            for run in variants.values():
                run()  # warm-up: caches, imports, code paths
            for _ in range(repeat):
                for key, run in variants.items():
                    start = time.perf_counter()
                    run()
                    samples[key].append((time.perf_counter() - start) / number)
            row: dict[str, Any] = {key: _median_ms(values) for key, values in samples.items()}
            row["ratio_vs_execute"] = round(
                row["strawberry_ms"] / row["graphql_core_execute_ms"], 2
            )
            row["ratio_vs_graphql_sync"] = round(
                row["strawberry_ms"] / row["graphql_core_sync_ms"], 2
            )
            results["queries"][name] = row
    finally:
        loop.close()
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(measure_execution(), indent=2))
