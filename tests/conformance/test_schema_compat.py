"""A schema change that breaks released clients fails the build unless it is declared.

The first test is the gate on the real `schema.graphql`; the rest check the checker on
small schemas, so a gate that silently passes everything cannot go unnoticed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from .schema_compat import (
    SCHEMA,
    Change,
    DangerousSchemaChange,
    Declaration,
    check,
    compare,
    latest_release,
    load_declarations,
)

pytestmark = pytest.mark.conformance

RELEASED = """
type Query { session(id: ID!): Session, sessions(first: Int = 20, filter: Filter): [Session!]! }
type Session { id: ID! status: Status! workflowId: String }
enum Status { APPROVED DECLINED }
input Filter { status: [Status!] }
"""
WITHOUT_WORKFLOW = RELEASED.replace(" workflowId: String", "")
REMOVED = Change("FIELD_REMOVED", "Field Session.workflowId was removed.")


@pytest.mark.filterwarnings("always::tests.conformance.schema_compat.DangerousSchemaChange")
def test_schema_graphql_keeps_the_last_release_s_clients_working() -> None:
    report = check()
    for change in report.dangerous:
        warnings.warn(DangerousSchemaChange(str(change)), stacklevel=1)
    assert report.ok, report.failure_message()


def test_an_undeclared_removed_field_fails_and_names_the_change() -> None:
    report = compare(RELEASED, WITHOUT_WORKFLOW, [], "0.1.0")
    assert not report.ok
    assert report.undeclared == [REMOVED]
    message = report.failure_message()
    assert "FIELD_REMOVED: Field Session.workflowId was removed." in message
    assert 'description = "Field Session.workflowId was removed."' in message  # ready to paste


def test_a_declared_break_passes() -> None:
    declared = Declaration(REMOVED.kind, REMOVED.description, "nobody reads it")
    report = compare(RELEASED, WITHOUT_WORKFLOW, [declared], "0.1.0")
    assert report.ok
    assert report.declared == [declared]


def test_a_declaration_the_schema_does_not_make_is_stale() -> None:
    declared = Declaration(REMOVED.kind, REMOVED.description, "nobody reads it")
    report = compare(RELEASED, RELEASED, [declared], "0.1.0")
    assert not report.ok
    assert report.stale == [declared]
    assert "does not make" in report.failure_message()


@pytest.mark.parametrize(
    ("new_sdl", "kind"),
    [
        (RELEASED.replace("DECLINED }", "DECLINED EXPIRED }"), "VALUE_ADDED_TO_ENUM"),
        (
            RELEASED.replace("filter: Filter)", "filter: Filter, after: String)"),
            "OPTIONAL_ARG_ADDED",
        ),
        (RELEASED.replace("first: Int = 20", "first: Int = 10"), "ARG_DEFAULT_VALUE_CHANGE"),
        (
            RELEASED.replace("{ status: [Status!] }", "{ status: [Status!] q: String }"),
            "OPTIONAL_INPUT_FIELD_ADDED",
        ),
    ],
)
def test_dangerous_changes_are_warnings_only(new_sdl: str, kind: str) -> None:
    report = compare(RELEASED, new_sdl, [], "0.1.0")
    assert report.ok
    assert [c.kind for c in report.dangerous] == [kind]


@pytest.mark.parametrize(
    ("new_sdl", "kind"),
    [
        (RELEASED.replace("status: Status!", "status: String!"), "FIELD_CHANGED_KIND"),
        (RELEASED.replace("APPROVED DECLINED", "APPROVED"), "VALUE_REMOVED_FROM_ENUM"),
        (RELEASED.replace("first: Int = 20", "first: [Int] = 20"), "ARG_CHANGED_KIND"),
        (
            RELEASED.replace("{ status: [Status!] }", "{ status: [Status!] q: String! }"),
            "REQUIRED_INPUT_FIELD_ADDED",
        ),
        (RELEASED.replace("enum Status", "scalar Status #"), "TYPE_CHANGED_KIND"),
        (
            RELEASED.replace("session(id: ID!)", "session(id: ID!, at: String!)"),
            "REQUIRED_ARG_ADDED",
        ),
    ],
)
def test_other_breaks_are_caught(new_sdl: str, kind: str) -> None:
    assert [c.kind for c in compare(RELEASED, new_sdl, [], "0.1.0").undeclared] == [kind]


def test_the_last_release_is_the_highest_version(tmp_path: Path) -> None:
    for version in ("0.9.0", "0.10.0", "0.2.3"):
        (tmp_path / f"{version}.graphql").write_text(RELEASED)
    (tmp_path / "notes.graphql").write_text(RELEASED)
    assert latest_release(tmp_path) == ("0.10.0", tmp_path / "0.10.0.graphql")


def test_declarations_need_a_reason_and_the_current_baseline(tmp_path: Path) -> None:
    path = tmp_path / "breaking-changes.toml"
    entry = (
        '[[breaking]]\nchange = "FIELD_REMOVED"\n'
        'description = "Field Session.workflowId was removed."\n'
    )
    path.write_text('baseline = "0.1.0"\n' + entry + 'reason = "it never had data"\n')
    [declaration] = load_declarations(path, "0.1.0")
    assert declaration.change == REMOVED
    with pytest.raises(ValueError, match=r"last release is 0\.2\.0"):
        load_declarations(path, "0.2.0")
    path.write_text('baseline = "0.1.0"\n' + entry + 'reason = "..."\n')
    with pytest.raises(ValueError, match="reason"):
        load_declarations(path, "0.1.0")
    path.write_text('baseline = "0.1.0"\n' + entry.replace("FIELD_REMOVED", "FIELD_GONE"))
    with pytest.raises(ValueError, match="unknown change"):
        load_declarations(path, "0.1.0")


def test_the_committed_baseline_is_a_release_sdl() -> None:
    version, path = latest_release()
    assert version == "0.1.0"
    assert "type Query" in path.read_text()


def test_a_break_in_the_real_schema_is_caught(tmp_path: Path) -> None:
    schema = SCHEMA.read_text()
    broken = tmp_path / "schema.graphql"
    broken.write_text(schema.replace("  providerStatus: String!", "  providerState: String!"))
    report = check(schema=broken)
    assert not report.ok
    assert {c.kind for c in report.undeclared} == {"FIELD_REMOVED"}
    assert "Field Session.providerStatus was removed." in report.failure_message()
