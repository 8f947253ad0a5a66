"""Every field of the served schema is classified, once, and docs/security.md lists the
personal ones exactly."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLInterfaceType, GraphQLObjectType

from idv_gateway.schema import build_schema
from idv_gateway.schema.classification import PERSONAL, PUBLIC, classified

ROOT = Path(__file__).resolve().parents[2]


def _served() -> set[str]:
    schema = build_schema()._schema
    return {
        f"{name}.{field}"
        for name, named in schema.type_map.items()
        if not name.startswith("__") and isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        for field in named.fields
    }


def test_every_field_is_classified_and_nothing_classified_is_gone() -> None:
    served = _served()
    unclassified = sorted(c for c in served if not classified(c))
    assert not unclassified, f"classify these in schema/classification.py: {unclassified}"
    stale = sorted((PERSONAL | PUBLIC) - served)
    assert not stale, f"no longer in the schema: {stale}"
    assert not PERSONAL & PUBLIC, sorted(PERSONAL & PUBLIC)


def test_an_interface_and_its_implementations_agree() -> None:
    schema = build_schema()._schema
    for name, named in schema.type_map.items():
        if not isinstance(named, GraphQLInterfaceType):
            continue
        for impl in schema.get_possible_types(named):
            for field in named.fields:
                assert (f"{name}.{field}" in PERSONAL) == (f"{impl.name}.{field}" in PERSONAL), (
                    f"{name}.{field} vs {impl.name}.{field}"
                )


def test_the_classification_catches_a_new_field() -> None:
    """Control: a field added to the schema without an entry is reported."""
    assert not classified("KycSession.someNewField")
    assert classified("KycSession.fullName") and classified("KycSession.status")


def test_docs_security_lists_exactly_the_personal_fields() -> None:
    text = (ROOT / "docs" / "security.md").read_text()
    table = text[text.index("| Type | Personal fields") : text.index("A non-null personal field")]
    listed = {
        f"{type_name}.{field}"
        for type_name, fields in re.findall(r"^\| `(\w+)` \| (.+) \|$", table, re.MULTILINE)
        for field in re.findall(r"`(\w+)`", fields)
    }
    assert listed == PERSONAL, (sorted(PERSONAL - listed), sorted(listed - PERSONAL))
    for sample in ("KycSession.fullName", "IdVerification.documentNumber", "NfcChipData.dgs"):
        assert sample in PERSONAL
    for sample in ("KybSession.companyName", "KybSession.registrationNumber", "KycSession.status"):
        assert sample in PUBLIC


def test_the_subgraph_sdl_declares_the_same_policy_to_routers() -> None:
    """`@requiresScopes` on every object field that needs a scope, never on an interface."""
    from graphql import (
        InterfaceTypeDefinitionNode,
        ObjectTypeDefinitionNode,
        parse,
        value_from_ast_untyped,
    )

    from idv_gateway.schema import export_sdl
    from idv_gateway.schema.classification import DECISION_FIELDS, SESSION_ROOT_FIELDS

    declared: dict[str, list[str]] = {}
    on_interfaces = 0
    for definition in parse(export_sdl(federation=True)).definitions:
        if isinstance(definition, InterfaceTypeDefinitionNode):
            on_interfaces += sum(
                d.name.value == "requiresScopes"
                for f in definition.fields or ()
                for d in f.directives or ()
            )
        if not isinstance(definition, ObjectTypeDefinitionNode):
            continue
        for field in definition.fields or ():
            for directive in field.directives or ():
                if directive.name.value == "requiresScopes":
                    scopes = value_from_ast_untyped(directive.arguments[0].value)  # type: ignore[index]
                    declared[f"{definition.name.value}.{field.name.value}"] = [
                        scope for group in scopes for scope in group
                    ]
    assert on_interfaces == 0  # federation 2.9 rejects them there
    object_personal = {c for c in PERSONAL if c.split(".")[0] in _object_types()}
    assert {c for c, s in declared.items() if s == ["pii:read"]} == object_personal
    assert {c for c, s in declared.items() if s == ["decisions:read"]} == DECISION_FIELDS
    roots = {c for c in SESSION_ROOT_FIELDS if c != "Query._entities"}
    assert {c for c, s in declared.items() if s == ["sessions:read"]} == roots


def _object_types() -> set[str]:
    schema = build_schema()._schema
    return {n for n, t in schema.type_map.items() if isinstance(t, GraphQLObjectType)}
