"""The `idv-gateway` command: `serve`, `simulate didit|kayle` and `export-schema`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from idv_gateway import __version__
from idv_gateway.domain import ALL_SCOPES
from idv_gateway.simulators import (
    DEFAULT_DIDIT_API_KEY,
    DEFAULT_KAYLE_API_KEY,
    DEFAULT_KAYLE_SESSIONS,
    DEFAULT_KYB_SESSIONS,
    DEFAULT_KYC_SESSIONS,
)

__all__ = ["main"]


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return number


class _DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in `--help`, except where there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.required:
            return action.help
        return super()._get_help_string(action)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idv-gateway", description="One GraphQL API over Didit and Kayle."
    )
    parser.add_argument("--version", action="version", version=f"idv-gateway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    documented = _DefaultsShown
    serve = commands.add_parser(
        "serve",
        help="run the gateway (the embedded demo when no provider is configured)",
        description="Run the gateway. Settings come from IDV_GATEWAY_* variables (README); "
        "with no provider variable set, both simulators run in-process as a demo.",
        formatter_class=documented,
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    serve.add_argument("--port", type=int, default=8000, help="TCP port")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")

    simulate = commands.add_parser(
        "simulate",
        help="run a standalone provider simulator",
        description="Run a Didit or Kayle simulator: the provider's documented API on "
        "seeded data, plus /_sim/stats and /_sim/faults.",
        formatter_class=documented,
    )
    simulate.add_argument("provider", choices=["didit", "kayle"], help="which provider")
    simulate.add_argument("--port", type=int, required=True, help="TCP port")
    simulate.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    simulate.add_argument("--seed", type=int, default=7, help="seed of the generated data")
    simulate.add_argument(
        "--sessions",
        type=_positive,
        default=None,
        help=f"KYC sessions (Didit, default {DEFAULT_KYC_SESSIONS}) or sessions (Kayle, "
        f"default {DEFAULT_KAYLE_SESSIONS})",
    )
    simulate.add_argument(
        "--business-sessions",
        type=_positive,
        default=None,
        help=f"KYB sessions; Didit only (default {DEFAULT_KYB_SESSIONS})",
    )
    simulate.add_argument(
        "--latency-ms", type=_positive, default=0, help="delay before every provider answer"
    )
    simulate.add_argument(
        "--api-key", default=None, help="the key callers must send (default: the demo key)"
    )

    token = commands.add_parser(
        "demo-token",
        help="print a bearer token the embedded demo accepts (demo only)",
        description="Print a bearer token for trying scopes against the embedded demo. Its "
        "signing key is public and only the demo trusts it; a gateway with providers never "
        "does. Known scopes: " + ", ".join(sorted(ALL_SCOPES)) + ".",
    )
    token.add_argument(
        "--scopes", required=True, help="comma-separated scopes, e.g. sessions:read,pii:read"
    )
    token.add_argument(
        "--tenant",
        default="default",
        help="the token's tenant claim: default, acme or globex in the demo (default: default)",
    )
    token.add_argument(
        "--lifetime-seconds", type=_positive, default=3600, help="validity of the token"
    )

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument(
        "--federation", action="store_true", help="print the Apollo Federation subgraph SDL"
    )
    return parser


def _simulate(args: argparse.Namespace) -> int:
    import uvicorn

    if args.provider == "didit":
        from idv_gateway.simulators.didit import create_didit_app

        app = create_didit_app(
            seed=args.seed,
            sessions=DEFAULT_KYC_SESSIONS if args.sessions is None else args.sessions,
            business_sessions=(
                DEFAULT_KYB_SESSIONS if args.business_sessions is None else args.business_sessions
            ),
            latency_ms=args.latency_ms,
            api_key=args.api_key or DEFAULT_DIDIT_API_KEY,
        )
    else:
        if args.business_sessions is not None:
            print("--business-sessions applies to the Didit simulator only", file=sys.stderr)
            return 2
        from idv_gateway.simulators.kayle import create_kayle_app

        app = create_kayle_app(
            seed=args.seed,
            sessions=DEFAULT_KAYLE_SESSIONS if args.sessions is None else args.sessions,
            latency_ms=args.latency_ms,
            api_key=args.api_key or DEFAULT_KAYLE_API_KEY,
        )
    # The default key is public (it is in the README); a key given on the command line
    # is not printed, not even in part.
    default = DEFAULT_DIDIT_API_KEY if args.provider == "didit" else DEFAULT_KAYLE_API_KEY
    hint = "the one given with --api-key" if args.api_key else default
    print(
        f"{args.provider.title()} simulator on http://{args.host}:{args.port} (API key {hint})",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from idv_gateway.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


def _demo_token(args: argparse.Namespace) -> int:
    from idv_gateway.http.demo_identity import demo_token

    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    try:
        token = demo_token(scopes, tenant=args.tenant, lifetime_seconds=args.lifetime_seconds)
    except ValueError as exc:
        print(f"idv-gateway demo-token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from idv_gateway.schema import export_sdl

    sys.stdout.write(export_sdl(federation=args.federation))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "demo-token":
        return _demo_token(args)
    return _export_schema(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
