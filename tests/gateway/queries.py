"""GraphQL documents shared by the gateway tests."""

from __future__ import annotations

from typing import Any

PAGE_FIELDS = """
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id __typename providerSessionId source status providerStatus createdAt } }
"""


def connection_query(field: str, filter_type: str) -> str:
    return f"""
query Page($first: Int, $after: String, $filter: {filter_type}) {{
  page: {field}(first: $first, after: $after, filter: $filter) {{ {PAGE_FIELDS} }}
}}"""


SESSIONS = connection_query("sessions", "SessionFilter")
KYC = connection_query("kycSessions", "KycSessionFilter")
KYB = connection_query("kybSessions", "KybSessionFilter")
KAYLE = connection_query("kayleSessions", "KayleSessionFilter")


async def walk(harness: Any, document: str, first: int, flt: dict[str, Any] | None = None):
    """Every node of a connection, following `endCursor` to the end; and the pages."""
    nodes: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    after = None
    for _ in range(10_000):
        data = await harness.data(document, {"first": first, "after": after, "filter": flt})
        page = data["page"]
        pages.append(page)
        assert len(page["edges"]) <= first
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, pages
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("the walk did not end")
