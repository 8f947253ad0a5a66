"""Copies GraphiQL's browser files from the npm packages into the Python package.

`make install` runs `npm ci` in web/graphiql (versions pinned by its package-lock.json)
and then this script, so the gateway serves GraphiQL itself: nothing is loaded from a
CDN and the page works on a machine with no internet. The manifest records each file's
SHA-384 (the page's Subresource Integrity) and where it came from.

Usage: python scripts/build_graphiql.py [--check]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "web" / "graphiql" / "node_modules"
TARGET = ROOT / "src" / "idv_gateway" / "http" / "graphiql" / "assets"
# Served name -> (npm package, path inside it). The page loads them in this order.
FILES = {
    "react.production.min.js": ("react", "umd/react.production.min.js"),
    "react-dom.production.min.js": ("react-dom", "umd/react-dom.production.min.js"),
    "graphiql.min.js": ("graphiql", "graphiql.min.js"),
    "graphiql.min.css": ("graphiql", "graphiql.min.css"),
    "plugin-explorer.umd.js": ("@graphiql/plugin-explorer", "dist/index.umd.js"),
    "plugin-explorer.css": ("@graphiql/plugin-explorer", "dist/style.css"),
}


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def manifest() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for name, (package, path) in FILES.items():
        source = MODULES / package / path
        if not source.is_file():
            raise SystemExit(f"{source} is missing: run `npm ci` in web/graphiql (make install)")
        version = json.loads((MODULES / package / "package.json").read_text())["version"]
        entries[name] = {
            "package": package,
            "version": version,
            "integrity": _sri(source.read_bytes()),
        }
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, copy nothing")
    args = parser.parse_args(argv)
    wanted = manifest()
    written = TARGET / "manifest.json"
    if args.check:
        current = json.loads(written.read_text()) if written.is_file() else None
        if current != wanted:
            print("GraphiQL assets are missing or stale: run `make install`", file=sys.stderr)
            return 1
        return 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (package, path) in FILES.items():
        shutil.copyfile(MODULES / package / path, TARGET / name)
    written.write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
    total = sum((TARGET / name).stat().st_size for name in FILES)
    print(f"GraphiQL: {len(FILES)} files, {total / 2**20:.1f} MiB -> {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
