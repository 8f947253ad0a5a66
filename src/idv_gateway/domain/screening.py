"""Screening and contact checks of a Didit decision, shared by KYC and KYB: AML, IP analysis,
phone, email and questionnaires (didit-api-reference.md §4.4, §4.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from idv_gateway.domain.checks import DecisionItem

__all__ = [
    "AmlHit",
    "AmlRiskView",
    "AmlScreenedDetails",
    "AmlScreening",
    "EmailVerification",
    "IpAnalysis",
    "IpDistance",
    "LocationComparison",
    "PhoneCarrier",
    "PhoneVerification",
    "QuestionnaireItem",
    "QuestionnaireResponse",
    "QuestionnaireSection",
    "VerificationEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AmlRiskView:
    crimes: Any
    countries: Any
    categories: Any
    custom_list: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class AmlHit:
    id: str | None
    url: str | None
    match: bool | None
    score: float | None
    target: bool | None
    caption: str | None
    datasets: tuple[str, ...]
    properties: Mapping[str, Any] | None
    match_score: float | None
    risk_score: float | None
    review_status: str | None
    score_breakdown: Mapping[str, Any] | None
    pep_matches: Any
    sanction_matches: Any
    warning_matches: Any
    adverse_media_matches: Any
    adverse_media_details: Any
    linked_entities: Any
    risk_view: AmlRiskView | None
    first_seen: datetime | None
    last_seen: datetime | None
    rca_name: str | None
    additional_information: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class AmlScreenedDetails:
    full_name: str | None
    date_of_birth: str | None
    nationality: str | None
    document_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AmlScreening(DecisionItem):
    entity_type: str | None  # person (KYC) or company (KYB)
    total_hits: int | None
    score: float | None
    hits: tuple[AmlHit, ...]
    screened_data: AmlScreenedDetails | None
    is_ongoing_monitoring_enabled: bool | None
    next_ongoing_monitoring_bill_date: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IpDistance:
    distance: float | None
    direction: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationComparison:
    """One of the `ip`, `id_document`, `poa_document` blocks: a place and its distances."""

    location: Any
    distance_from_ip: IpDistance | None
    distance_from_id_document: IpDistance | None
    distance_from_poa_document: IpDistance | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IpAnalysis(DecisionItem):
    ip_address: str | None
    ip_country: str | None
    ip_country_code: str | None
    ip_state: str | None
    ip_city: str | None
    latitude: float | None
    longitude: float | None
    isp: str | None
    organization: str | None
    is_vpn_or_tor: bool | None
    is_data_center: bool | None
    time_zone: str | None
    time_zone_offset: str | None
    browser_family: str | None
    os_family: str | None
    platform: str | None
    device_brand: str | None
    device_model: str | None
    device_fingerprint: str | None
    ip: LocationComparison | None
    id_document: LocationComparison | None
    poa_document: LocationComparison | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneCarrier:
    name: str | None
    type: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationEvent:
    """One `lifecycle[]` entry of a phone or email verification (code sent, verified …)."""

    type: str | None
    timestamp: datetime | None
    fee: float | None
    details: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneVerification(DecisionItem):
    full_number: str | None
    phone_number: str | None
    phone_number_prefix: str | None
    country_code: str | None
    country_name: str | None
    carrier: PhoneCarrier | None
    is_disposable: bool | None
    is_virtual: bool | None
    verification_method: str | None
    verification_attempts: int | None
    verified_at: datetime | None
    lifecycle: tuple[VerificationEvent, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailVerification(DecisionItem):
    email: str | None
    is_breached: bool | None
    breaches: Any
    is_disposable: bool | None
    is_undeliverable: bool | None
    verification_attempts: int | None
    verified_at: datetime | None
    lifecycle: tuple[VerificationEvent, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionnaireItem:
    uuid: str | None
    value: str | None
    title: str | None
    element_type: str | None  # DROPDOWN, LONG_TEXT, SINGLE_CHOICE, FILE_UPLOAD …
    is_required: bool | None
    choices: Any
    answer: Any  # {value} | {text} | {files}, by element type


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionnaireSection:
    title: str | None
    description: str | None
    items: tuple[QuestionnaireItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionnaireResponse(DecisionItem):
    questionnaire_id: str | None
    questionnaire_group_id: str | None
    title: str | None
    description: str | None
    version: int | None
    default_language: str | None
    languages: tuple[str, ...]
    sections: tuple[QuestionnaireSection, ...]
