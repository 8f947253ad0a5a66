"""Didit's decision endpoint, `GET /v3/session/{id}/decision/`, typed (didit-api-reference.md §4).

One endpoint answers for KYC and KYB sessions; `session_kind` says which shape came back.
`to_domain` is pure (body in, domain out) so every documented example can be fed to it
without HTTP; `fetch_decision` adds the request and the error mapping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from idv_gateway.domain import FeatureStatus, Provider, decision as d
from idv_gateway.errors import ProviderBadResponse
from idv_gateway.providers._upstream import Upstream
from idv_gateway.providers.didit import (
    _decision_wire as w,
    _decision_wire_checks as wc,
)
from idv_gateway.providers.didit._wire import normalise_status

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["fetch_decision", "to_domain"]

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
_KYB_ONLY = ("registry_checks", "document_verifications", "key_people_checks")
D = TypeVar("D", bound="DataclassInstance")
M = TypeVar("M", bound=w.Wire)


class Body(w.Wire):
    """Both decision kinds; `session_kind` says which arrays apply."""

    session_id: str
    session_kind: str | None = None
    session_number: int | None = None
    session_url: str | None = None
    status: str
    environment: str | None = None
    workflow_id: str | None = None
    # Documented as codes; the list rows' `[{feature, status}]` and comma-string shapes too.
    features: list[str | w.FeatureName] | str | None = None
    vendor_data: str | None = None
    metadata: Any = None
    callback: str | None = None
    contact_details: w.Contact | None = None
    expected_details: dict[str, Any] | None = None
    reviews: list[w.Review] | None = None
    created_at: datetime
    expires_at: w.Instant = None
    # KYC
    id_verifications: list[wc.IdVerification] | None = None
    nfc_verifications: list[wc.Nfc] | None = None
    liveness_checks: list[wc.Liveness] | None = None
    face_matches: list[wc.FaceMatch] | None = None
    poa_verifications: list[wc.Poa] | None = None
    database_validations: list[wc.DatabaseValidation] | None = None
    # both
    phone_verifications: list[w.Phone] | None = None
    email_verifications: list[w.Email] | None = None
    aml_screenings: list[w.Aml] | None = None
    ip_analyses: list[w.Ip] | None = None
    questionnaire_responses: list[w.Questionnaire] | None = None
    # KYB
    registry_checks: list[w.RegistryItem] | None = None
    document_verifications: list[w.KybItem] | None = None
    key_people_checks: list[w.KybItem] | None = None


async def fetch_decision(upstream: Upstream, session_id: str) -> d.Decision | None:
    """The session's decision; None when Didit has no such session (or the id cannot be one)."""
    if not _UUID.match(session_id):
        return None  # Didit's routes match UUIDs only: no request can find it
    path = f"/v3/session/{session_id}/decision/"
    body = await upstream.get_json(path, missing=(404,))
    if body is None:
        return None
    try:
        return to_domain(body)
    except ValidationError as exc:
        raise ProviderBadResponse(
            Provider.DIDIT, f"sent a decision of unexpected shape ({exc.error_count()} errors)"
        ) from exc


def to_domain(body: Any) -> d.Decision:
    """A decision body → `KycDecision` or `KybDecision`; ValidationError if it is not one."""
    wire = Body.model_validate(body)
    common: dict[str, Any] = {
        "session_id": wire.session_id,
        "session_number": wire.session_number,
        "session_url": wire.session_url,
        "status": normalise_status(wire.status),
        "provider_status": wire.status,
        "environment": wire.environment,
        "workflow_id": wire.workflow_id,
        "features": _features(wire.features),
        "vendor_data": wire.vendor_data,
        "metadata": wire.metadata,
        "callback": wire.callback,
        "contact_details": _opt(d.ContactDetails, wire.contact_details),
        "expected_details": wire.expected_details,
        "reviews": tuple(_copy(d.DecisionReview, r) for r in wire.reviews or ()),
        "created_at": _utc(wire.created_at),
        "expires_at": wire.expires_at,
        "raw": body,
    }
    shared: dict[str, Any] = {
        "phone_verifications": _array(wire.phone_verifications, _phone),
        "email_verifications": _array(wire.email_verifications, _email),
        "aml_screenings": _array(wire.aml_screenings, _aml),
        "ip_analyses": _array(wire.ip_analyses, _ip),
        "questionnaire_responses": _array(wire.questionnaire_responses, _questionnaire),
    }
    if _is_business(wire, body):
        return d.KybDecision(
            **common,
            **shared,
            registry_checks=_array(wire.registry_checks, _kyb(d.RegistryCheck)),
            document_verifications=_array(
                wire.document_verifications, _kyb(d.DocumentVerification)
            ),
            key_people_checks=_array(wire.key_people_checks, _kyb(d.KeyPeopleCheck)),
        )
    return d.KycDecision(
        **common,
        **shared,
        id_verifications=_array(wire.id_verifications, _id_verification),
        nfc_verifications=_array(wire.nfc_verifications, _nfc),
        liveness_checks=_array(wire.liveness_checks, _item(d.LivenessCheck)),
        face_matches=_array(wire.face_matches, _item(d.FaceMatch)),
        poa_verifications=_array(wire.poa_verifications, _poa),
        database_validations=_array(wire.database_validations, _database_validation),
    )


def _is_business(wire: Body, body: dict[str, Any]) -> bool:
    if wire.session_kind is not None:
        return wire.session_kind.strip().lower() == "business"
    return any(body.get(name) is not None for name in _KYB_ONLY)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _features(raw: list[str | w.FeatureName] | str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(name.strip() for name in raw.split(",") if name.strip())
    return tuple(f if isinstance(f, str) else f.feature for f in raw)


def _feature_status(raw: str | None) -> FeatureStatus:
    """`Resub Requested`, `RESUB_REQUESTED` … → the enum; anything else is UNKNOWN."""
    name = (raw or "").strip().upper().replace(" ", "_")
    return FeatureStatus.__members__.get(name, FeatureStatus.UNKNOWN)


def _copy(cls: type[D], model: w.Wire, **given: Any) -> D:
    """Wire and domain share field names: copy the rest by name; `given` are converted ones."""
    values = {f.name: getattr(model, f.name) for f in fields(cls) if f.name not in given}
    return cls(**values, **given)


def _opt(cls: type[D], model: w.Wire | None) -> D | None:
    return None if model is None else _copy(cls, model)


def _array(items: list[M] | None, convert: Callable[[M], D]) -> tuple[D, ...] | None:
    """None (the feature has not run) stays None; a list, even empty, becomes a tuple."""
    return None if items is None else tuple(convert(item) for item in items)


def _check(cls: type[D], model: w.Item, **given: Any) -> D:
    return _copy(
        cls,
        model,
        status=_feature_status(model.status),
        provider_status=model.status,
        warnings=tuple(_copy(d.DecisionWarning, x) for x in model.warnings or ()),
        **given,
    )


def _item(cls: type[D]) -> Callable[[w.Item], D]:
    """For items whose fields are all flat."""
    return lambda model: _check(cls, model)


def _id_verification(m: wc.IdVerification) -> d.IdVerification:
    return _check(
        d.IdVerification,
        m,
        front_image_quality_score=_opt(d.ImageQualityScore, m.front_image_quality_score),
        back_image_quality_score=_opt(d.ImageQualityScore, m.back_image_quality_score),
    )


def _nfc(m: wc.Nfc) -> d.NfcVerification:
    return _check(
        d.NfcVerification,
        m,
        authenticity=_opt(d.NfcAuthenticity, m.authenticity),
        certificate_summary=_opt(d.NfcCertificateSummary, m.certificate_summary),
        chip_data=_opt(d.NfcChipData, m.chip_data),
    )


def _poa(m: wc.Poa) -> d.PoaVerification:
    metadata = _opt(d.PoaDocumentMetadata, m.document_metadata)
    return _check(d.PoaVerification, m, document_metadata=metadata)


def _database_validation(m: wc.DatabaseValidation) -> d.DatabaseValidation:
    results = tuple(_copy(d.DatabaseValidationResult, v) for v in m.validations or ())
    return _check(d.DatabaseValidation, m, validations=results)


def _aml_hit(m: w.AmlHit) -> d.AmlHit:
    risk_view = _opt(d.AmlRiskView, m.risk_view)
    return _copy(d.AmlHit, m, datasets=tuple(m.datasets or ()), risk_view=risk_view)


def _aml(m: w.Aml) -> d.AmlScreening:
    return _check(
        d.AmlScreening,
        m,
        hits=tuple(_aml_hit(hit) for hit in m.hits or ()),
        screened_data=_opt(d.AmlScreenedDetails, m.screened_data),
    )


def _location(m: w.LocationBlock | None) -> d.LocationComparison | None:
    if m is None:
        return None
    return _copy(
        d.LocationComparison,
        m,
        distance_from_ip=_opt(d.IpDistance, m.distance_from_ip),
        distance_from_id_document=_opt(d.IpDistance, m.distance_from_id_document),
        distance_from_poa_document=_opt(d.IpDistance, m.distance_from_poa_document),
    )


def _ip(m: w.Ip) -> d.IpAnalysis:
    return _check(
        d.IpAnalysis,
        m,
        ip=_location(m.ip),
        id_document=_location(m.id_document),
        poa_document=_location(m.poa_document),
    )


def _events(events: list[w.Event] | None) -> tuple[d.VerificationEvent, ...]:
    return tuple(_copy(d.VerificationEvent, e) for e in events or ())


def _phone(m: w.Phone) -> d.PhoneVerification:
    carrier = _opt(d.PhoneCarrier, m.carrier)
    return _check(d.PhoneVerification, m, carrier=carrier, lifecycle=_events(m.lifecycle))


def _email(m: w.Email) -> d.EmailVerification:
    return _check(d.EmailVerification, m, lifecycle=_events(m.lifecycle))


def _section(m: w.QuestionnaireSection) -> d.QuestionnaireSection:
    items = tuple(_copy(d.QuestionnaireItem, i) for i in m.items or ())
    return _copy(d.QuestionnaireSection, m, items=items)


def _questionnaire(m: w.Questionnaire) -> d.QuestionnaireResponse:
    return _check(
        d.QuestionnaireResponse,
        m,
        languages=tuple(m.languages or ()),
        sections=tuple(_section(s) for s in m.sections or ()),
    )


def _kyb(cls: type[D]) -> Callable[[w.KybItem], D]:
    """The fields the reference does not capture travel in `details`, as Didit sent them."""
    return lambda model: _check(cls, model, details=dict(model.model_extra or {}))
