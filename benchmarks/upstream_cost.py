"""Upstream cost of walking the whole unified feed, counted by the simulators' `/_sim/stats`.

Runs in-process (gateway and simulators over ASGI transports): the counts do not depend
on timing, so one run is exact and repeatable for a seed.

    python -m benchmarks.upstream_cost [--first 50] [--sizes 2000,300,1500 ...] [--writes 3]

`--writes N` creates N sessions at each provider's head (through their create endpoints,
not counted) between every two pages: the feed's verification reads then show in the
request figures.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import httpx
from tests.harness import open_harness

from idv_gateway.simulators.didit.catalog import KYB_WORKFLOWS, KYC_WORKFLOWS

QUERY = """query($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id } } } }"""


async def _write(didit: httpx.AsyncClient, kayle: httpx.AsyncClient, count: int) -> None:
    for number in range(count):
        workflow = (KYC_WORKFLOWS if number % 2 == 0 else KYB_WORKFLOWS)[0]
        created = await didit.post("/v3/session/", json={"workflow_id": workflow.workflow_id})
        assert created.status_code == 201, created.text
        assert (await kayle.post("/v1/sessions", json={})).status_code == 200


async def measure(
    kyc: int, kyb: int, kayle: int, first: int, seed: int, writes: int = 0
) -> dict[str, Any]:
    pages = returned = 0
    sizes = {"kyc": kyc, "kyb": kyb, "kayle": kayle}
    async with open_harness(sizes, seed=seed) as harness:
        after = None
        while True:
            body = (
                await harness.gateway.post(
                    "/graphql", json={"query": QUERY, "variables": {"first": first, "after": after}}
                )
            ).json()
            assert "errors" not in body, body["errors"]
            page = body["data"]["sessions"]
            pages += 1
            returned += len(page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
            if writes:
                await _write(harness.didit, harness.kayle, writes)
        didit_app, kayle_app = harness.didit_app, harness.kayle_app
    stats = [didit_app.state.ops.stats(), kayle_app.state.ops.stats()]
    requests = sum(s["total"] for s in stats) - _create_calls(stats)
    rows = sum(sum(s["rows"].values()) for s in stats)
    return {
        "sizes": (kyc, kyb, kayle),
        "first": first,
        "pages": pages,
        "returned": returned,
        "requests_per_page": requests / pages,
        "rows_per_row": rows / max(returned, 1),
    }


def _create_calls(stats: list[dict[str, Any]]) -> int:
    """The benchmark's own writes, which are not the gateway's cost."""
    return sum(n for s in stats for route, n in s["requests"].items() if route.startswith("POST "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, nargs="+", default=[50])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["2000,300,1500", "20000,3000,15000"],
        help="KYC,KYB,Kayle session counts",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--writes", type=int, nargs="+", default=[0], help="sessions created per provider per page"
    )
    args = parser.parse_args()
    print(
        "| KYC / KYB / Kayle sessions | first | writes per page | pages "
        "| requests per page | rows fetched per row |"
    )
    print("|---|--:|--:|--:|--:|--:|")
    for sizes in args.sizes:
        kyc, kyb, kayle = (int(n) for n in sizes.split(","))
        for first in args.first:
            for writes in args.writes:
                r = asyncio.run(measure(kyc, kyb, kayle, first, args.seed, writes))
                print(
                    f"| {kyc:,} / {kyb:,} / {kayle:,} | {first} | {writes} | {r['pages']} "
                    f"| {r['requests_per_page']:.2f} | {r['rows_per_row']:.2f} |"
                )


if __name__ == "__main__":
    main()
