"""Schema compatibility: `schema.graphql` against the last release's SDL.

Clients built against a release (dashboards, support tools, Relay apps with compiled
queries) break when a field, type, argument or enum value they use disappears or
changes type. graphql-core's `find_breaking_changes` lists those changes; each must be
declared, with the reason it is worth breaking clients, in `schema/breaking-changes.toml`
or the build fails. Dangerous changes (a new enum value, a changed default) keep old
clients working but may surprise them: they are reported, never fatal.

Run alone: `.venv/bin/python -m tests.conformance.schema_compat` (exit 1 on failure).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema
from graphql.utilities import (
    BreakingChangeType,
    find_breaking_changes,
    find_dangerous_changes,
)

__all__ = [
    "Change",
    "DangerousSchemaChange",
    "Declaration",
    "Report",
    "check",
    "compare",
    "latest_release",
    "load_declarations",
]

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema.graphql"
RELEASES = ROOT / "schema" / "releases"
DECLARATIONS = ROOT / "schema" / "breaking-changes.toml"
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class DangerousSchemaChange(UserWarning):
    """A change old clients survive but may not expect (reported, never fatal)."""


@dataclass(frozen=True)
class Change:
    kind: str  # a BreakingChangeType or DangerousChangeType name, e.g. FIELD_REMOVED
    description: str  # graphql-core's sentence, e.g. "Session.status was removed."

    def __str__(self) -> str:
        return f"{self.kind}: {self.description}"


@dataclass(frozen=True)
class Declaration:
    kind: str
    description: str
    reason: str

    @property
    def change(self) -> Change:
        return Change(self.kind, self.description)


@dataclass
class Report:
    baseline: str
    undeclared: list[Change] = field(default_factory=list)
    declared: list[Declaration] = field(default_factory=list)
    stale: list[Declaration] = field(default_factory=list)
    dangerous: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.undeclared and not self.stale

    def failure_message(self) -> str:
        parts: list[str] = []
        if self.undeclared:
            parts.append(
                f"schema.graphql breaks clients of release {self.baseline} in "
                f"{len(self.undeclared)} undeclared way(s):\n"
                + "".join(f"  - {change}\n" for change in self.undeclared)
                + "Restore compatibility (deprecate a field instead of removing it, add "
                "arguments and input fields as optional), or declare each deliberate break "
                f"in {DECLARATIONS.relative_to(ROOT)} with the reason clients can bear it:\n"
                + "".join(_declaration_toml(change) for change in self.undeclared)
            )
        if self.stale:
            parts.append(
                f"{DECLARATIONS.relative_to(ROOT)} declares breaking changes that "
                "schema.graphql does not make (remove them):\n"
                + "".join(f"  - {d.change}\n" for d in self.stale)
            )
        return "\n".join(parts)


def _declaration_toml(change: Change) -> str:
    return (
        f'\n[[breaking]]\nchange = "{change.kind}"\n'
        f'description = {_toml_string(change.description)}\nreason = "..."\n'
    )


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def latest_release(releases: Path = RELEASES) -> tuple[str, Path]:
    """The highest `X.Y.Z.graphql` in `releases`: the SDL the last release served."""
    versions = [
        (tuple(int(n) for n in match.groups()), path)
        for path in releases.glob("*.graphql")
        if (match := _VERSION.match(path.stem))
    ]
    if not versions:
        raise FileNotFoundError(f"no release SDL (X.Y.Z.graphql) in {releases}")
    number, path = max(versions)
    return ".".join(map(str, number)), path


def load_declarations(path: Path, baseline: str) -> list[Declaration]:
    """Declared breaking changes; they must be against `baseline` and each have a reason."""
    data: dict[str, Any] = tomllib.loads(path.read_text()) if path.exists() else {}
    entries = data.get("breaking", [])
    if entries and data.get("baseline") != baseline:
        raise ValueError(
            f"{path.name} declares changes against release {data.get('baseline')!r}, but the "
            f"last release is {baseline}: those changes shipped; empty the list and set "
            f'baseline = "{baseline}"'
        )
    declarations: list[Declaration] = []
    for number, entry in enumerate(entries, 1):
        kind = str(entry.get("change", ""))
        description = str(entry.get("description", "")).strip()
        reason = str(entry.get("reason", "")).strip()
        if kind not in BreakingChangeType.__members__:
            raise ValueError(f"{path.name} entry {number}: unknown change {kind!r}")
        if not description:
            raise ValueError(f"{path.name} entry {number}: `description` is required")
        if not reason or reason == "...":
            raise ValueError(f"{path.name} entry {number} ({description}): give a `reason`")
        declarations.append(Declaration(kind, description, reason))
    return declarations


def _build(sdl: str) -> GraphQLSchema:
    return build_schema(sdl, assume_valid_sdl=True)


def compare(old_sdl: str, new_sdl: str, declarations: list[Declaration], baseline: str) -> Report:
    old, new = _build(old_sdl), _build(new_sdl)
    breaking = [Change(c.type.name, c.description) for c in find_breaking_changes(old, new)]
    dangerous = [Change(c.type.name, c.description) for c in find_dangerous_changes(old, new)]
    by_change = {d.change: d for d in declarations}
    report = Report(baseline=baseline, dangerous=dangerous)
    for change in breaking:
        if change in by_change:
            report.declared.append(by_change[change])
        else:
            report.undeclared.append(change)
    made = set(breaking)
    report.stale = [d for d in declarations if d.change not in made]
    return report


def check(
    schema: Path = SCHEMA, releases: Path = RELEASES, declarations: Path = DECLARATIONS
) -> Report:
    baseline, release_sdl = latest_release(releases)
    return compare(
        release_sdl.read_text(),
        schema.read_text(),
        load_declarations(declarations, baseline),
        baseline,
    )


def main() -> int:
    report = check()
    for change in report.dangerous:
        sys.stderr.write(f"warning: dangerous change: {change}\n")
    for declaration in report.declared:
        sys.stderr.write(f"declared: {declaration.change} ({declaration.reason})\n")
    if not report.ok:
        sys.stderr.write(report.failure_message() + "\n")
        return 1
    sys.stderr.write(f"schema.graphql is compatible with release {report.baseline}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
