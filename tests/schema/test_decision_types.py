"""GraphQL decision types: `from_domain` objects executed through a tiny Strawberry schema.

`full_selection` asks for every field of a type, so `assert_graphql_matches` can hold the
whole GraphQL answer against the upstream JSON it came from (camelCase ↔ snake_case).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import strawberry
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    get_named_type,
)

from idv_gateway.domain import FeatureStatus as DomainFeatureStatus, decision as domain
from idv_gateway.providers.didit.decisions import to_domain
from idv_gateway.schema.decision_check_types import IdVerification
from idv_gateway.schema.decision_types import KybDecision, KycDecision, SessionDecision
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.didit.decision import kyc_decision
from idv_gateway.simulators.didit.decision_kyb import kyb_decision

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "didit_decision_examples.json").read_text()
)
KYB_RESIDUAL = {"RegistryCheck", "DocumentVerification", "KeyPeopleCheck"}


def schema_for(decisions: list[domain.KycDecision | domain.KybDecision]) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def decisions(self) -> list[SessionDecision]:
            return [
                KycDecision.from_domain(d)
                if isinstance(d, domain.KycDecision)
                else KybDecision.from_domain(d)
                for d in decisions
            ]

    return strawberry.Schema(query=Query, types=[KycDecision, KybDecision])


def full_selection(schema: strawberry.Schema, type_name: str) -> str:
    """Every field of `type_name`, recursively (the decision types have no cycles)."""
    graphql_type = schema._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType)
    parts = []
    for name, field in graphql_type.fields.items():
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType):
            parts.append(f"{name} {full_selection(schema, inner.name)}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }"


def execute(schema: strawberry.Schema, query: str) -> dict[str, Any]:
    result = schema.execute_sync(query)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def assert_graphql_matches(
    answer: Any, raw: Any, type_name: str, schema: strawberry.Schema
) -> None:
    """A GraphQL answer says exactly what the upstream JSON says, field by field."""
    if isinstance(answer, list):
        assert isinstance(raw, list)
        assert len(answer) == len(raw)
        for item, raw_item in zip(answer, raw, strict=True):
            assert_graphql_matches(item, raw_item, type_name, schema)
        return
    graphql_type = schema._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    for key, value in answer.items():
        name = snake(key)
        inner: GraphQLNamedType = get_named_type(graphql_type.fields[key].type)
        if key == "providerStatus":
            assert value == raw.get("status")
        elif key == "status":
            assert value == str(raw.get("status", "")).upper().replace(" ", "_")
        elif key == "raw":
            assert value == raw
        elif key == "details" and type_name in KYB_RESIDUAL:
            typed = {snake(k) for k in answer}
            assert value == {k: v for k, v in raw.items() if k not in typed}
        elif raw.get(name) is None:
            assert value in (None, []), f"{type_name}.{key}"
        elif isinstance(inner, GraphQLObjectType):
            assert_graphql_matches(value, raw[name], inner.name, schema)
        elif inner.name == "DateTime":
            assert datetime.fromisoformat(value) == datetime.fromisoformat(raw[name])
        else:
            assert value == raw[name], f"{type_name}.{key}"


@functools.cache
def simulated_payloads() -> list[dict[str, Any]]:
    """Every decision of a small simulator, as JSON: all features, statuses and warnings."""
    store = create_didit_app(seed=7, sessions=150, business_sessions=40).state.store
    bodies = [kyc_decision(s) for s in store.kyc] + [kyb_decision(s, False) for s in store.kyb]
    loaded: list[dict[str, Any]] = json.loads(json.dumps(bodies))
    return loaded


def test_every_field_of_every_simulated_decision_reaches_graphql_unchanged() -> None:
    payloads = simulated_payloads()
    schema = schema_for([to_domain(body) for body in payloads])
    query = (
        "{ decisions { __typename "
        f"... on KycDecision {full_selection(schema, 'KycDecision')} "
        f"... on KybDecision {full_selection(schema, 'KybDecision')} "
        "} }"
    )
    answers = execute(schema, query)["decisions"]
    assert len(answers) == len(payloads)
    for answer, raw in zip(answers, payloads, strict=True):
        type_name = answer.pop("__typename")
        assert type_name == ("KybDecision" if raw["session_kind"] == "business" else "KycDecision")
        assert_graphql_matches(answer, raw, type_name, schema)


def test_the_reference_kyc_example_as_graphql() -> None:
    example = EXAMPLES["reference_4_5_kyc_minimal"]
    schema = schema_for([to_domain(example)])
    query = """{ decisions { sessionId status providerStatus createdAt expiresAt raw
      ... on KycDecision {
        idVerifications { nodeId status providerStatus documentType age warnings { risk } }
        nfcVerifications { nodeId }
        livenessChecks { method score }
        amlScreenings { totalHits hits { caption } screenedData { nationality } }
        ipAnalyses { ipCountryCode isVpnOrTor }
      } } }"""
    decision = execute(schema, query)["decisions"][0]
    assert decision["sessionId"] == "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    assert (decision["status"], decision["providerStatus"]) == ("APPROVED", "Approved")
    assert decision["createdAt"] == "2026-01-01T12:00:00+00:00"
    assert decision["expiresAt"] is None
    assert decision["raw"] == example
    assert decision["idVerifications"] == [
        {
            "nodeId": "feature_ocr",
            "status": "APPROVED",
            "providerStatus": "Approved",
            "documentType": "Identity Card",
            "age": 35,
            "warnings": [],
        }
    ]
    assert decision["nfcVerifications"] is None
    assert decision["livenessChecks"] == [{"method": "PASSIVE", "score": 99.03}]
    assert decision["amlScreenings"] == [
        {"totalHits": 0, "hits": [], "screenedData": {"nationality": "ES"}}
    ]
    assert decision["ipAnalyses"] == [{"ipCountryCode": "US", "isVpnOrTor": False}]


def test_the_reference_kyb_example_as_graphql() -> None:
    example = EXAMPLES["reference_4_6_kyb"]
    schema = schema_for([to_domain(example)])
    query = """{ decisions { __typename status providerStatus expiresAt
      ... on KybDecision {
        registryChecks { nodeId status dataResolved details }
        documentVerifications { status providerStatus }
        keyPeopleChecks { status details }
        amlScreenings { nodeId totalHits }
        phoneVerifications { nodeId }
      } } }"""
    decision = execute(schema, query)["decisions"][0]
    assert decision["__typename"] == "KybDecision"
    assert (decision["status"], decision["providerStatus"]) == ("APPROVED", "APPROVED")
    assert decision["expiresAt"] == "2026-01-31T12:00:00+00:00"
    assert decision["registryChecks"] == [
        {
            "nodeId": "feature_kyb_registry",
            "status": "APPROVED",
            "dataResolved": True,
            "details": {},
        }
    ]
    assert decision["documentVerifications"] == [
        {"status": "IN_REVIEW", "providerStatus": "In Review"}
    ]
    assert decision["keyPeopleChecks"] == [{"status": "RESUB_REQUESTED", "details": {}}]
    assert decision["amlScreenings"] == [{"nodeId": "feature_kyb_company_aml", "totalHits": None}]
    assert decision["phoneVerifications"] is None


def test_unknown_statuses_are_unknown_with_the_raw_word_kept() -> None:
    body = copy.deepcopy(EXAMPLES["reference_4_5_kyc_minimal"])
    body["status"] = "Frozen"
    body["face_matches"][0]["status"] = "Pending Second Look"
    body["face_matches"][0]["warnings"] = [
        {"feature": "FACE_MATCH", "risk": "BRAND_NEW_RISK", "log_type": "critical", "node_id": "n"}
    ]
    schema = schema_for([to_domain(body)])
    query = """{ decisions { status providerStatus ... on KycDecision {
      faceMatches { status providerStatus warnings { feature risk logType nodeId } } } } }"""
    decision = execute(schema, query)["decisions"][0]
    assert (decision["status"], decision["providerStatus"]) == ("UNKNOWN", "Frozen")
    assert decision["faceMatches"] == [
        {
            "status": "UNKNOWN",
            "providerStatus": "Pending Second Look",
            "warnings": [
                {
                    "feature": "FACE_MATCH",
                    "risk": "BRAND_NEW_RISK",
                    "logType": "critical",
                    "nodeId": "n",
                }
            ],
        }
    ]


def test_from_domain_builds_plain_objects() -> None:
    parsed = to_domain(EXAMPLES["reference_4_5_kyc_minimal"])
    assert isinstance(parsed, domain.KycDecision)
    decision = KycDecision.from_domain(parsed)
    assert decision.id_verifications is not None
    document = decision.id_verifications[0]
    assert isinstance(document, IdVerification)
    assert (document.node_id, document.status) == ("feature_ocr", DomainFeatureStatus.APPROVED)
    assert decision.phone_verifications is None
    assert decision.features == ["ID_VERIFICATION", "LIVENESS", "FACE_MATCH", "AML", "IP_ANALYSIS"]
    exposed: object = decision.raw
    assert exposed == parsed.raw


def test_every_decision_type_and_field_has_a_description() -> None:
    schema = schema_for([])
    seen: set[str] = set()
    pending = ["KycDecision", "KybDecision"]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        graphql_type = schema._schema.type_map[name]
        assert graphql_type.description, name
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            pending.extend(i.name for i in getattr(graphql_type, "interfaces", ()))
            for field_name, field in graphql_type.fields.items():
                assert field.description, f"{name}.{field_name}"
                pending.append(get_named_type(field.type).name)
    assert {"DecisionWarning", "DecisionCheck", "AmlHit", "RegistryCheck"} <= seen
