"""GraphQL types of the decision checks KYC and KYB share: AML screening, IP analysis, phone,
email and questionnaires (didit-api-reference.md §4.4, §4.6).
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from idv_gateway.domain import decision as domain
from idv_gateway.schema.decision_check_types import (
    DecisionCheck,
    build_check,
    copy_fields,
    copy_opt,
)

__all__ = [
    "AmlScreening",
    "EmailVerification",
    "IpAnalysis",
    "PhoneVerification",
    "QuestionnaireResponse",
]

_field = strawberry.field


@strawberry.type(description="How an AML hit is classified.")
class AmlRiskView:
    crimes: JSON | None = _field(description="Crimes the entity is linked to.")
    countries: JSON | None = _field(description="Countries the entity is linked to.")
    categories: JSON | None = _field(description="Risk categories, e.g. PEP, Sanctions.")
    custom_list: JSON | None = _field(description="Entries from your own custom lists.")


@strawberry.type(description="One watchlist entity AML screening matched.")
class AmlHit:
    id: str | None = _field(description="Entity id at the screening source.")
    url: str | None = _field(description="Link to the entity's record.")
    match: bool | None = _field(description="Whether the hit is considered a match.")
    score: float | None = _field(description="Match score of the hit.")
    target: bool | None = _field(description="Whether the entity is a screening target.")
    caption: str | None = _field(description="Display name of the entity.")
    datasets: list[str] = _field(description="Datasets the entity is listed in.")
    properties: JSON | None = _field(description="The entity's properties (names, countries …).")
    match_score: float | None = _field(description="Match score, 0-100.")
    risk_score: float | None = _field(description="Risk score, 0-100.")
    review_status: str | None = _field(description="Review state of the hit.")
    score_breakdown: JSON | None = _field(description="How the match score was composed.")
    pep_matches: JSON | None = _field(description="PEP listings.")
    sanction_matches: JSON | None = _field(description="Sanction listings.")
    warning_matches: JSON | None = _field(description="Warning listings.")
    adverse_media_matches: JSON | None = _field(description="Adverse media articles.")
    adverse_media_details: JSON | None = _field(description="Adverse media summary.")
    linked_entities: JSON | None = _field(description="Related entities.")
    risk_view: AmlRiskView | None = _field(description="Classification of the hit.")
    first_seen: datetime | None = _field(description="When the entity was first listed.")
    last_seen: datetime | None = _field(description="When the entity was last seen listed.")
    rca_name: str | None = _field(description="Name of the relative or close associate.")
    additional_information: JSON | None = _field(description="Further information.")

    @classmethod
    def from_domain(cls, h: domain.AmlHit) -> AmlHit:
        return copy_fields(
            cls, h, datasets=list(h.datasets), risk_view=copy_opt(AmlRiskView, h.risk_view)
        )


@strawberry.type(description="The data AML screening ran on.")
class AmlScreenedDetails:
    full_name: str | None = _field(description="Screened full name.")
    date_of_birth: str | None = _field(description="Screened date of birth.")
    nationality: str | None = _field(description="Screened nationality.")
    document_number: str | None = _field(description="Screened document number.")


@strawberry.type(description="AML screening result: one `aml_screenings` item.")
class AmlScreening(DecisionCheck):
    entity_type: str | None = _field(description="`person` (KYC) or `company` (KYB).")
    total_hits: int | None = _field(description="Number of hits.")
    score: float | None = _field(description="Highest hit score.")
    hits: list[AmlHit] = _field(description="The hits.")
    screened_data: AmlScreenedDetails | None = _field(description="What was screened.")
    is_ongoing_monitoring_enabled: bool | None = _field(
        description="Whether the entity keeps being screened."
    )
    next_ongoing_monitoring_bill_date: str | None = _field(
        description="Next billing date of ongoing monitoring."
    )

    @classmethod
    def from_domain(cls, v: domain.AmlScreening) -> AmlScreening:
        return build_check(
            cls,
            v,
            hits=[AmlHit.from_domain(h) for h in v.hits],
            screened_data=copy_opt(AmlScreenedDetails, v.screened_data),
        )


@strawberry.type(description="A distance and its compass direction.")
class IpDistance:
    distance: float | None = _field(description="Distance.")
    direction: str | None = _field(description="Compass direction, e.g. N.")


@strawberry.type(description="A place (IP, ID document or PoA address) and how far the others are.")
class LocationComparison:
    location: JSON | None = _field(description="Where the place is.")
    distance_from_ip: IpDistance | None = _field(description="Distance from the IP location.")
    distance_from_id_document: IpDistance | None = _field(
        description="Distance from the ID document's address."
    )
    distance_from_poa_document: IpDistance | None = _field(
        description="Distance from the proof-of-address document's address."
    )

    @classmethod
    def from_domain(cls, v: domain.LocationComparison | None) -> LocationComparison | None:
        if v is None:
            return None
        return copy_fields(
            cls,
            v,
            distance_from_ip=copy_opt(IpDistance, v.distance_from_ip),
            distance_from_id_document=copy_opt(IpDistance, v.distance_from_id_document),
            distance_from_poa_document=copy_opt(IpDistance, v.distance_from_poa_document),
        )


@strawberry.type(description="IP and device analysis: one `ip_analyses` item.")
class IpAnalysis(DecisionCheck):
    ip_address: str | None = _field(description="IP address the user verified from.")
    ip_country: str | None = _field(description="Country of the IP.")
    ip_country_code: str | None = _field(description="ISO 3166-1 alpha-2 country of the IP.")
    ip_state: str | None = _field(description="State or region of the IP.")
    ip_city: str | None = _field(description="City of the IP.")
    latitude: float | None = _field(description="Latitude of the IP.")
    longitude: float | None = _field(description="Longitude of the IP.")
    isp: str | None = _field(description="Internet service provider.")
    organization: str | None = _field(description="Organization owning the IP.")
    is_vpn_or_tor: bool | None = _field(description="Whether the IP is a VPN or Tor exit.")
    is_data_center: bool | None = _field(description="Whether the IP belongs to a data center.")
    time_zone: str | None = _field(description="Time zone of the IP.")
    time_zone_offset: str | None = _field(description="UTC offset of that time zone.")
    browser_family: str | None = _field(description="Browser family.")
    os_family: str | None = _field(description="Operating system family.")
    platform: str | None = _field(description="mobile or desktop.")
    device_brand: str | None = _field(description="Device brand.")
    device_model: str | None = _field(description="Device model.")
    device_fingerprint: str | None = _field(description="Device fingerprint.")
    ip: LocationComparison | None = _field(description="The IP location and its distances.")
    id_document: LocationComparison | None = _field(
        description="The ID document's address and its distances."
    )
    poa_document: LocationComparison | None = _field(
        description="The proof-of-address document's address and its distances."
    )

    @classmethod
    def from_domain(cls, v: domain.IpAnalysis) -> IpAnalysis:
        return build_check(
            cls,
            v,
            ip=LocationComparison.from_domain(v.ip),
            id_document=LocationComparison.from_domain(v.id_document),
            poa_document=LocationComparison.from_domain(v.poa_document),
        )


@strawberry.type(description="Carrier of a phone number.")
class PhoneCarrier:
    name: str | None = _field(description="Carrier name.")
    type: str | None = _field(description="Line type, e.g. mobile.")


@strawberry.type(description="One step of a phone or email verification (code sent, verified …).")
class VerificationEvent:
    type: str | None = _field(description="What happened, e.g. CODE_SENT.")
    timestamp: datetime | None = _field(description="When it happened (UTC).")
    fee: float | None = _field(description="What the step cost.")
    details: JSON | None = _field(description="Details of the step.")


@strawberry.type(description="Phone verification result: one `phone_verifications` item.")
class PhoneVerification(DecisionCheck):
    full_number: str | None = _field(description="Number in E.164 format.")
    phone_number: str | None = _field(description="Number without the prefix.")
    phone_number_prefix: str | None = _field(description="Country calling prefix, e.g. +34.")
    country_code: str | None = _field(description="ISO 3166-1 alpha-2 country of the number.")
    country_name: str | None = _field(description="Country of the number.")
    carrier: PhoneCarrier | None = _field(description="Carrier of the number.")
    is_disposable: bool | None = _field(description="Whether the number is disposable.")
    is_virtual: bool | None = _field(description="Whether the number is virtual.")
    verification_method: str | None = _field(description="How the code was sent, e.g. sms.")
    verification_attempts: int | None = _field(description="Attempts made.")
    verified_at: datetime | None = _field(description="When the number was verified (UTC).")
    lifecycle: list[VerificationEvent] = _field(description="Steps of the verification.")

    @classmethod
    def from_domain(cls, v: domain.PhoneVerification) -> PhoneVerification:
        return build_check(
            cls,
            v,
            carrier=copy_opt(PhoneCarrier, v.carrier),
            lifecycle=[copy_fields(VerificationEvent, e) for e in v.lifecycle],
        )


@strawberry.type(description="Email verification result: one `email_verifications` item.")
class EmailVerification(DecisionCheck):
    email: str | None = _field(description="The email address.")
    is_breached: bool | None = _field(description="Whether the address appears in breaches.")
    breaches: JSON | None = _field(description="Breaches the address appears in.")
    is_disposable: bool | None = _field(description="Whether the address is disposable.")
    is_undeliverable: bool | None = _field(description="Whether the address is undeliverable.")
    verification_attempts: int | None = _field(description="Attempts made.")
    verified_at: datetime | None = _field(description="When the address was verified (UTC).")
    lifecycle: list[VerificationEvent] = _field(description="Steps of the verification.")

    @classmethod
    def from_domain(cls, v: domain.EmailVerification) -> EmailVerification:
        events = [copy_fields(VerificationEvent, e) for e in v.lifecycle]
        return build_check(cls, v, lifecycle=events)


@strawberry.type(description="One question and its answer.")
class QuestionnaireItem:
    uuid: str | None = _field(description="Question id.")
    value: str | None = _field(description="Question key.")
    title: str | None = _field(description="Question text.")
    element_type: str | None = _field(
        description="DROPDOWN, LONG_TEXT, SINGLE_CHOICE, FILE_UPLOAD …"
    )
    is_required: bool | None = _field(description="Whether an answer is required.")
    choices: JSON | None = _field(description="Choices offered, for choice questions.")
    answer: JSON | None = _field(description="The answer: `{value}`, `{text}` or `{files}`.")


@strawberry.type(description="A section of a questionnaire.")
class QuestionnaireSection:
    title: str | None = _field(description="Section title.")
    description: str | None = _field(description="Section description.")
    items: list[QuestionnaireItem] = _field(description="Questions and answers.")


@strawberry.type(description="Questionnaire answers: one `questionnaire_responses` item.")
class QuestionnaireResponse(DecisionCheck):
    questionnaire_id: str | None = _field(description="Questionnaire id.")
    questionnaire_group_id: str | None = _field(description="Id shared by its versions.")
    title: str | None = _field(description="Questionnaire title.")
    description: str | None = _field(description="Questionnaire description.")
    version: int | None = _field(description="Questionnaire version answered.")
    default_language: str | None = _field(description="Default language.")
    languages: list[str] = _field(description="Languages it is available in.")
    sections: list[QuestionnaireSection] = _field(description="Sections with their answers.")

    @classmethod
    def from_domain(cls, v: domain.QuestionnaireResponse) -> QuestionnaireResponse:
        sections = [
            copy_fields(
                QuestionnaireSection,
                s,
                items=[copy_fields(QuestionnaireItem, i) for i in s.items],
            )
            for s in v.sections
        ]
        return build_check(cls, v, languages=list(v.languages), sections=sections)
