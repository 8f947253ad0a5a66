"""GraphQL types of Didit KYC and KYB sessions, built from domain objects only.

Field names are the camelCase of Didit's row fields; descriptions follow Didit's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from idv_gateway import domain
from idv_gateway.domain.decision import Decision, KybDecision as DomainKyb, KycDecision as DomainKyc
from idv_gateway.errors import GatewayError
from idv_gateway.schema.context import Info
from idv_gateway.schema.decision_types import KybDecision, KycDecision
from idv_gateway.schema.enums import FeatureStatus
from idv_gateway.schema.failures import graphql_error
from idv_gateway.schema.node import Session, encode_global_id

__all__ = ["KybSession", "KycSession"]

_field = strawberry.field
T = TypeVar("T")


@strawberry.type(description="Status of one verification step configured in the workflow.")
class KycFeature:
    feature: str = _field(description="Verification feature, e.g. ID_VERIFICATION, LIVENESS, AML.")
    status: FeatureStatus | None = _field(
        description="Step status; `NOT_FINISHED` until it completes. Null when Didit sent "
        "feature names only."
    )
    provider_status: str | None = _field(description="The step status exactly as Didit sent it.")


@strawberry.type(description="Phone associated with the session.")
class Phone:
    number: str = _field(description="Phone number in E.164 format.")
    is_verified: bool | None = _field(
        description="True only when phone verification approved this number; null when Didit "
        "did not say."
    )


@strawberry.type(description="Email associated with the session.")
class Email:
    email: str = _field(description="The email address.")
    is_verified: bool | None = _field(
        description="True only when email verification approved this address; null when Didit "
        "did not say."
    )


@strawberry.type(description="Subset of the data that AML screening used.")
class AmlScreenedData:
    nationality: str | None = _field(description="Screened nationality.")
    document_number: str | None = _field(description="Screened document number.")
    date_of_birth: str | None = _field(description="Screened date of birth (YYYY-MM-DD).")


@strawberry.type(description="AML screening summary; present when AML screening ran.")
class AmlDetails:
    total_hits: int | None = _field(description="Number of AML screening hits.")
    entity_type: str | None = _field(description="Screened entity type, e.g. `person`.")
    is_adverse_media_fetched: bool | None = _field(description="Whether adverse media was fetched.")
    screened_data: AmlScreenedData | None = _field(description="What was screened.")


@strawberry.type(description="Database validation summary; present when it ran.")
class DatabaseValidationDetails:
    validation_type: str | None = _field(description="e.g. DOCUMENT_VALIDATION.")
    match_type: str | None = _field(description="e.g. FULL_MATCH.")
    identification_number: str | None = _field(
        description="Tax, personal or document number that was validated (first available)."
    )


@strawberry.type(description="Proof-of-address summary; present when it ran.")
class PoaDetails:
    document_type: str | None = _field(description="e.g. UTILITY_BILL.")
    issuer: str | None = _field(description="Issuer of the document.")
    address: str | None = _field(description="Address on the document.")
    name_on_document: str | None = _field(description="Name on the document.")


@strawberry.type(description="Liveness summary; present when a liveness check ran.")
class LivenessDetails:
    method: str | None = _field(description="e.g. PASSIVE, ACTIVE_3D, FLASHING.")
    score: float | None = _field(
        description="Liveness confidence, 0-100: the scale of the decision's liveness check "
        "(Didit's list sends a fraction to 2 decimals, so this is a whole percent)."
    )


@strawberry.type(description="Face match summary; present when face match ran.")
class FaceMatchDetails:
    score: float | None = _field(
        description="Face similarity, 0-100: the scale of the decision's face match "
        "(Didit's list sends a fraction to 2 decimals, so this is a whole percent)."
    )
    source_image: str | None = _field(description="Expiring (presigned) URL of the source image.")
    target_image: str | None = _field(description="Expiring (presigned) URL of the target image.")


@strawberry.type(description="Phone verification summary; present when it ran.")
class PhoneVerificationDetails:
    country_code: str | None = _field(description="ISO 3166-1 alpha-2 country of the number.")
    is_temporary: bool | None = _field(description="Whether the number is temporary.")
    is_ported: bool | None = _field(description="Whether the number was ported.")
    is_blocked: bool | None = _field(description="Whether the number is blocked.")


@strawberry.type(description="Email verification summary; present when it ran.")
class EmailVerificationDetails:
    is_breached: bool | None = _field(description="Whether the address appears in breaches.")
    is_disposable: bool | None = _field(description="Whether the address is disposable.")
    is_undeliverable: bool | None = _field(description="Whether the address is undeliverable.")
    is_blocklisted: bool | None = _field(description="Whether the address is blocklisted.")


@strawberry.type(
    description="Compact per-feature extras; only features that produced data are non-null."
)
class AdditionalDetails:
    aml: AmlDetails | None = _field(description="AML screening extras.")
    database_validation: DatabaseValidationDetails | None = _field(
        description="Database validation extras."
    )
    poa: PoaDetails | None = _field(description="Proof-of-address extras.")
    liveness: LivenessDetails | None = _field(description="Liveness extras.")
    face_match: FaceMatchDetails | None = _field(description="Face match extras.")
    phone_verification: PhoneVerificationDetails | None = _field(
        description="Phone verification extras."
    )
    email_verification: EmailVerificationDetails | None = _field(
        description="Email verification extras."
    )


_DECISION = (
    "Didit's full decision for the session: every check with its status, warnings and "
    "details (one Didit call per session, shared by the whole request and cached; null "
    "when Didit no longer has the session). A provider failure nulls this field only."
)


async def _load_decision(info: Info, session_id: str) -> Decision | None:
    try:
        return await info.context.loaders.decision.load(session_id)
    except GatewayError as error:
        raise graphql_error(error, info) from error


def _copy(cls: Callable[..., T], value: Any) -> T | None:
    """Domain summaries and their GraphQL types share field names one to one."""
    if value is None:
        return None
    # Shallow: the summaries are flat, and `asdict` would deep-copy every row's values.
    return cls(**{f.name: getattr(value, f.name) for f in dataclasses.fields(value)})


def _details(raw: domain.AdditionalDetails | None) -> AdditionalDetails | None:
    if raw is None:
        return None
    aml = None
    if raw.aml is not None:
        a = raw.aml
        screened = AmlScreenedData(
            nationality=a.screened_nationality,
            document_number=a.screened_document_number,
            date_of_birth=a.screened_date_of_birth,
        )
        aml = AmlDetails(
            total_hits=a.total_hits,
            entity_type=a.entity_type,
            is_adverse_media_fetched=a.is_adverse_media_fetched,
            screened_data=screened,
        )

    return AdditionalDetails(
        aml=aml,
        database_validation=_copy(DatabaseValidationDetails, raw.database_validation),
        poa=_copy(PoaDetails, raw.poa),
        liveness=_copy(LivenessDetails, raw.liveness),
        face_match=_copy(FaceMatchDetails, raw.face_match),
        phone_verification=_copy(PhoneVerificationDetails, raw.phone_verification),
        email_verification=_copy(EmailVerificationDetails, raw.email_verification),
    )


@strawberry.federation.type(
    keys=["id"], description="A Didit user verification (KYC) session, as listed by Didit."
)
class KycSession(Session):
    session_number: int = _field(
        description="Human-friendly sequential number of the session within the application."
    )
    session_url: str | None = _field(
        description="Hosted verification URL the end user opens; null when there is none."
    )
    portrait_image: str | None = _field(
        description="Expiring (presigned) URL of the best available portrait; null until one "
        "exists. Download promptly."
    )
    document_type: str | None = _field(
        description="Human-readable type of the verified ID document (e.g. Passport); null "
        "before document verification completes or when the type has no display name."
    )
    full_name: str | None = _field(description="Best available full name; null until known.")
    country: str | None = _field(
        description="ISO 3166-1 alpha-3 country of the session, usually the ID document's "
        "issuing state. May differ from nationality."
    )
    vendor_data: str | None = _field(
        description="Your identifier for the end user, echoed back exactly as sent."
    )
    didit_internal_id: str | None = _field(
        description="Didit's identifier of the verified user profile; stable across sessions."
    )
    features: list[KycFeature] = _field(
        description="Per-feature status of every step in the session's workflow, in order."
    )
    phone_number: Phone | None = _field(
        description="Verified phone, else the contact phone given at creation; null if neither."
    )
    email_address: Email | None = _field(
        description="Verified email, else the contact email given at creation; null if neither."
    )
    additional_details: AdditionalDetails | None = _field(
        description="Compact per-feature extras; null when no feature produced any."
    )

    @strawberry.field(description=_DECISION)
    async def decision(self, info: Info) -> KycDecision | None:
        found = await _load_decision(info, self.provider_session_id)
        return KycDecision.from_domain(found) if isinstance(found, DomainKyc) else None

    @classmethod
    def from_domain(cls, s: domain.KycSession) -> KycSession:
        return cls(
            id=strawberry.ID(encode_global_id(s.source, s.provider_session_id)),
            provider=s.source.provider,
            source=s.source,
            provider_session_id=s.provider_session_id,
            status=s.status,
            provider_status=s.provider_status,
            created_at=s.created_at,
            session_number=s.session_number,
            session_url=s.session_url,
            portrait_image=s.portrait_image,
            document_type=s.document_type,
            full_name=s.full_name,
            country=s.country,
            vendor_data=s.vendor_data,
            didit_internal_id=s.didit_internal_id,
            features=[
                KycFeature(feature=f.feature, status=f.status, provider_status=f.provider_status)
                for f in s.features
            ],
            phone_number=None
            if s.phone_number is None
            else Phone(number=s.phone_number.number, is_verified=s.phone_number.is_verified),
            email_address=None
            if s.email_address is None
            else Email(email=s.email_address.email, is_verified=s.email_address.is_verified),
            additional_details=_details(s.additional_details),
        )


@strawberry.federation.type(
    keys=["id"], description="A Didit business verification (KYB) session, as listed by Didit."
)
class KybSession(Session):
    session_number: int = _field(
        description="Sequential number of the business session; numbered apart from KYC."
    )
    vendor_data: str | None = _field(
        description="Your identifier for the business, echoed back exactly as sent."
    )
    workflow_id: str | None = _field(description="Workflow the session was created with.")
    workflow_type: str | None = _field(description="Workflow type; `kyb` for business workflows.")
    workflow_label: str | None = _field(description="Display name of the workflow.")
    company_name: str | None = _field(
        description="Name of the company being verified; null until a company is selected."
    )
    registration_number: str | None = _field(
        description="Company registration number from the registry."
    )
    country: str | None = _field(description="Country code of the registry company.")

    @strawberry.field(description=_DECISION)
    async def decision(self, info: Info) -> KybDecision | None:
        found = await _load_decision(info, self.provider_session_id)
        return KybDecision.from_domain(found) if isinstance(found, DomainKyb) else None

    @classmethod
    def from_domain(cls, s: domain.KybSession) -> KybSession:
        return cls(
            id=strawberry.ID(encode_global_id(s.source, s.provider_session_id)),
            provider=s.source.provider,
            source=s.source,
            provider_session_id=s.provider_session_id,
            status=s.status,
            provider_status=s.provider_status,
            created_at=s.created_at,
            session_number=s.session_number,
            vendor_data=s.vendor_data,
            workflow_id=s.workflow_id,
            workflow_type=s.workflow_type,
            workflow_label=s.workflow_label,
            company_name=s.company_name,
            registration_number=s.registration_number,
            country=s.country,
        )
