"""Writes docs/metrics-sample.txt: a real `/metrics` scrape after a few typical requests.

The gateway runs in-process against both simulators; one request runs while Kayle fails,
so the sample shows partial outcomes and upstream errors too.

    python -m benchmarks.metrics_sample [--out docs/metrics-sample.txt]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from idv_gateway.app import create_app
from idv_gateway.config import Settings
from idv_gateway.domain import Provider
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app

FEED = "query Feed { sessions(first: 20) { edges { node { id status } } } }"
DETAILS = "query Details { kycSessions(first: 5) { edges { node { decision { status } } } } }"


async def scrape() -> str:
    didit_app, kayle_app = create_didit_app(), create_kayle_app()
    settings = Settings(
        didit_base_url="http://didit.sample",
        didit_api_key=SecretStr(DEFAULT_DIDIT_API_KEY),
        kayle_base_url="http://kayle.sample",
        kayle_api_key=SecretStr(DEFAULT_KAYLE_API_KEY),
        cursor_secret=SecretStr("metrics-sample-cursor-secret-metrics"),
        auth_disabled=True,
    )
    app = create_app(
        settings,
        transports={
            Provider.DIDIT: httpx.ASGITransport(app=didit_app),
            Provider.KAYLE: httpx.ASGITransport(app=kayle_app),
        },
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway"
        ) as client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=kayle_app), base_url="http://kayle.sample"
        ) as kayle,
    ):
        for query in (FEED, FEED, DETAILS, "query Broken { sessions(first: 0) { totalCount } }"):
            await client.post("/graphql", json={"query": query})
        await kayle.post("/_sim/faults", json={"route": "*", "mode": "status", "status": 503})
        await client.post("/graphql", json={"query": FEED.replace("20", "7")})
        await client.get("/healthz")
        return (await client.get("/metrics")).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/metrics-sample.txt"))
    args = parser.parse_args()
    args.out.write_text(asyncio.run(scrape()))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
