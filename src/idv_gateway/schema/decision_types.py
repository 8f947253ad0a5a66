"""GraphQL types of a Didit session's decision: `KycDecision` and `KybDecision`.

Built from `idv_gateway.domain.decision` objects only, once, by `from_domain`; every field is a
plain attribute. A feature list is null while the workflow has not run that feature and a
(possibly empty) list once it has. `raw` is the whole upstream payload, for fields a newer
Didit API adds before this schema types them. Descriptions follow didit-api-reference.md §4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from idv_gateway.domain import decision as domain
from idv_gateway.schema.decision_check_types import (
    DatabaseValidation,
    DecisionCheck,
    DecisionWarning,
    FaceMatch,
    IdVerification,
    LivenessCheck,
    NfcVerification,
    PoaVerification,
    build_check,
    copy_fields,
    copy_opt,
)
from idv_gateway.schema.decision_screening_types import (
    AmlScreening,
    EmailVerification,
    IpAnalysis,
    PhoneVerification,
    QuestionnaireResponse,
)
from idv_gateway.schema.enums import SessionStatus

__all__ = [
    "DecisionCheck",
    "DecisionWarning",
    "KybDecision",
    "KycDecision",
    "SessionDecision",
]

_field = strawberry.field
D = TypeVar("D")
G = TypeVar("G")
_NOT_RUN = "Null until the workflow has run this feature."


def _each(items: Iterable[D] | None, convert: Callable[[D], G]) -> list[G] | None:
    return None if items is None else [convert(item) for item in items]


@strawberry.type(description="Contact details given when the session was created.")
class DecisionContactDetails:
    email: str | None = _field(description="Email of the end user.")
    email_lang: str | None = _field(description="Language of the emails Didit sends.")
    send_notification_emails: bool | None = _field(
        description="Whether Didit emails the user about the session."
    )
    phone: str | None = _field(description="Phone of the end user (E.164).")


@strawberry.type(description="A manual status change made on the session.")
class DecisionReview:
    user: str | None = _field(description="Who made the change.")
    new_status: str | None = _field(description="The status set, as Didit wrote it.")
    comment: str | None = _field(description="Why.")
    created_at: datetime | None = _field(description="When (UTC).")


@strawberry.interface(description="What Didit decided on a session and what each check found.")
class SessionDecision:
    session_id: str = _field(description="Didit's session id.")
    session_number: int | None = _field(description="Sequential number of the session.")
    session_url: str | None = _field(description="Hosted verification URL the end user opens.")
    status: SessionStatus = _field(description="Unified session status.")
    provider_status: str = _field(description="The session status exactly as Didit sent it.")
    environment: str | None = _field(description="`live` or `sandbox`.")
    workflow_id: str | None = _field(description="Workflow the session runs.")
    features: list[str] = _field(
        description="Feature codes of the workflow, e.g. ID_VERIFICATION, LIVENESS, AML."
    )
    vendor_data: str | None = _field(description="Your identifier, echoed back as sent.")
    metadata: JSON | None = _field(description="Your metadata, echoed back as sent.")
    callback: str | None = _field(description="URL the user is sent back to.")
    contact_details: DecisionContactDetails | None = _field(
        description="Contact details given at creation."
    )
    expected_details: JSON | None = _field(
        description="Details you expected (name, date of birth …), given at creation."
    )
    reviews: list[DecisionReview] = _field(description="Manual status changes, oldest first.")
    created_at: datetime = _field(description="When the session was created (UTC).")
    expires_at: datetime | None = _field(description="When the session expires (UTC).")
    raw: JSON = _field(
        description="The whole decision exactly as Didit sent it, for fields not typed here."
    )


def _common(d: domain.KycDecision | domain.KybDecision) -> dict[str, Any]:
    return {
        "session_id": d.session_id,
        "session_number": d.session_number,
        "session_url": d.session_url,
        "status": d.status,
        "provider_status": d.provider_status,
        "environment": d.environment,
        "workflow_id": d.workflow_id,
        "features": list(d.features),
        "vendor_data": d.vendor_data,
        "metadata": d.metadata,
        "callback": d.callback,
        "contact_details": copy_opt(DecisionContactDetails, d.contact_details),
        "expected_details": d.expected_details,
        "reviews": [copy_fields(DecisionReview, r) for r in d.reviews],
        "created_at": d.created_at,
        "expires_at": d.expires_at,
        "raw": d.raw,
        "phone_verifications": _each(d.phone_verifications, PhoneVerification.from_domain),
        "email_verifications": _each(d.email_verifications, EmailVerification.from_domain),
        "aml_screenings": _each(d.aml_screenings, AmlScreening.from_domain),
        "ip_analyses": _each(d.ip_analyses, IpAnalysis.from_domain),
        "questionnaire_responses": _each(
            d.questionnaire_responses, QuestionnaireResponse.from_domain
        ),
    }


@strawberry.type(description="The decision on a user verification (KYC) session.")
class KycDecision(SessionDecision):
    id_verifications: list[IdVerification] | None = _field(
        description=f"ID document verifications. {_NOT_RUN}"
    )
    nfc_verifications: list[NfcVerification] | None = _field(
        description=f"NFC chip verifications. {_NOT_RUN}"
    )
    liveness_checks: list[LivenessCheck] | None = _field(
        description=f"Liveness checks (and age estimations). {_NOT_RUN}"
    )
    face_matches: list[FaceMatch] | None = _field(description=f"Face matches. {_NOT_RUN}")
    poa_verifications: list[PoaVerification] | None = _field(
        description=f"Proof-of-address verifications. {_NOT_RUN}"
    )
    phone_verifications: list[PhoneVerification] | None = _field(
        description=f"Phone verifications. {_NOT_RUN}"
    )
    email_verifications: list[EmailVerification] | None = _field(
        description=f"Email verifications. {_NOT_RUN}"
    )
    aml_screenings: list[AmlScreening] | None = _field(description=f"AML screenings. {_NOT_RUN}")
    ip_analyses: list[IpAnalysis] | None = _field(description=f"IP analyses. {_NOT_RUN}")
    database_validations: list[DatabaseValidation] | None = _field(
        description=f"Validations against official databases. {_NOT_RUN}"
    )
    questionnaire_responses: list[QuestionnaireResponse] | None = _field(
        description=f"Questionnaire answers. {_NOT_RUN}"
    )

    @classmethod
    def from_domain(cls, d: domain.KycDecision) -> KycDecision:
        return cls(
            **_common(d),
            id_verifications=_each(d.id_verifications, IdVerification.from_domain),
            nfc_verifications=_each(d.nfc_verifications, NfcVerification.from_domain),
            liveness_checks=_each(d.liveness_checks, LivenessCheck.from_domain),
            face_matches=_each(d.face_matches, FaceMatch.from_domain),
            poa_verifications=_each(d.poa_verifications, PoaVerification.from_domain),
            database_validations=_each(d.database_validations, DatabaseValidation.from_domain),
        )


_KYB_DETAILS = "Fields of the item the reference does not capture, as Didit sent them."


@strawberry.type(description="Company registry check: one `registry_checks` item.")
class RegistryCheck(DecisionCheck):
    data_resolved: bool | None = _field(
        description="Whether the company was resolved in the registry."
    )
    details: JSON = _field(description=_KYB_DETAILS)

    @classmethod
    def from_domain(cls, v: domain.RegistryCheck) -> RegistryCheck:
        return build_check(cls, v)


@strawberry.type(description="Company document verification: one `document_verifications` item.")
class DocumentVerification(DecisionCheck):
    details: JSON = _field(description=_KYB_DETAILS)

    @classmethod
    def from_domain(cls, v: domain.DocumentVerification) -> DocumentVerification:
        return build_check(cls, v)


@strawberry.type(description="Key people (UBOs, directors) check: one `key_people_checks` item.")
class KeyPeopleCheck(DecisionCheck):
    details: JSON = _field(description=_KYB_DETAILS)

    @classmethod
    def from_domain(cls, v: domain.KeyPeopleCheck) -> KeyPeopleCheck:
        return build_check(cls, v)


@strawberry.type(description="The decision on a business verification (KYB) session.")
class KybDecision(SessionDecision):
    registry_checks: list[RegistryCheck] | None = _field(
        description=f"Company registry checks. {_NOT_RUN}"
    )
    aml_screenings: list[AmlScreening] | None = _field(
        description=f"Company AML screenings. {_NOT_RUN}"
    )
    document_verifications: list[DocumentVerification] | None = _field(
        description=f"Company document verifications. {_NOT_RUN}"
    )
    key_people_checks: list[KeyPeopleCheck] | None = _field(
        description=f"Key people checks. {_NOT_RUN}"
    )
    phone_verifications: list[PhoneVerification] | None = _field(
        description=f"Phone verifications. {_NOT_RUN}"
    )
    email_verifications: list[EmailVerification] | None = _field(
        description=f"Email verifications. {_NOT_RUN}"
    )
    questionnaire_responses: list[QuestionnaireResponse] | None = _field(
        description=f"Questionnaire answers. {_NOT_RUN}"
    )
    ip_analyses: list[IpAnalysis] | None = _field(description=f"IP analyses. {_NOT_RUN}")

    @classmethod
    def from_domain(cls, d: domain.KybDecision) -> KybDecision:
        return cls(
            **_common(d),
            registry_checks=_each(d.registry_checks, RegistryCheck.from_domain),
            document_verifications=_each(
                d.document_verifications, DocumentVerification.from_domain
            ),
            key_people_checks=_each(d.key_people_checks, KeyPeopleCheck.from_domain),
        )
