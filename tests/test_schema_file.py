"""`schema.graphql` is what the code serves: a change to one without the other fails."""

from __future__ import annotations

from pathlib import Path

from idv_gateway.cli import main
from idv_gateway.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == export_sdl(), (
        "schema.graphql is stale: run `idv-gateway export-schema > schema.graphql` "
        "and review the diff"
    )


def test_export_schema_command_prints_the_sdl(capsys) -> None:
    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == SCHEMA_FILE.read_text()
