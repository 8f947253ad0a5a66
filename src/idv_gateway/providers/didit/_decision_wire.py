"""Didit decision items as they arrive on the wire (didit-api-reference.md §4.3-§4.6).

Lenient on purpose: every field is optional, numbers may come as int or float (and ids as
numbers), and a timestamp that does not parse becomes None instead of failing the whole
decision (`raw` still has it). Field names equal the domain's, so `decisions.to_domain`
copies them by name. The identity checks are in `_decision_wire_checks`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler
from pydantic.functional_validators import WrapValidator

__all__ = [
    "Aml",
    "AmlHit",
    "AmlRiskView",
    "AmlScreened",
    "Carrier",
    "Contact",
    "Distance",
    "Email",
    "Event",
    "FeatureName",
    "Instant",
    "Ip",
    "Item",
    "KybItem",
    "LocationBlock",
    "Phone",
    "Questionnaire",
    "QuestionnaireItem",
    "QuestionnaireSection",
    "RegistryItem",
    "Review",
    "RiskWarning",
    "Wire",
]


def _instant(value: Any, handler: ValidatorFunctionWrapHandler) -> datetime | None:
    try:
        parsed: datetime | None = handler(value)
    except ValidationError:
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


Instant = Annotated[datetime | None, WrapValidator(_instant)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class RiskWarning(Wire):
    feature: str | None = None
    risk: str | None = None
    log_type: str | None = None
    short_description: str | None = None
    long_description: str | None = None
    node_id: str | None = None
    additional_data: Any = None


class Item(Wire):
    node_id: str | None = None
    status: str | None = None
    warnings: list[RiskWarning] | None = None


class AmlRiskView(Wire):
    crimes: Any = None
    countries: Any = None
    categories: Any = None
    custom_list: Any = None


class AmlHit(Wire):
    id: str | None = None
    url: str | None = None
    match: bool | None = None
    score: float | None = None
    target: bool | None = None
    caption: str | None = None
    datasets: list[str] | None = None
    properties: dict[str, Any] | None = None
    match_score: float | None = None
    risk_score: float | None = None
    review_status: str | None = None
    score_breakdown: dict[str, Any] | None = None
    pep_matches: Any = None
    sanction_matches: Any = None
    warning_matches: Any = None
    adverse_media_matches: Any = None
    adverse_media_details: Any = None
    linked_entities: Any = None
    risk_view: AmlRiskView | None = None
    first_seen: Instant = None
    last_seen: Instant = None
    rca_name: str | None = None
    additional_information: Any = None


class AmlScreened(Wire):
    full_name: str | None = None
    date_of_birth: str | None = None
    nationality: str | None = None
    document_number: str | None = None


class Aml(Item):
    entity_type: str | None = None
    total_hits: int | None = None
    score: float | None = None
    hits: list[AmlHit] | None = None
    screened_data: AmlScreened | None = None
    is_ongoing_monitoring_enabled: bool | None = None
    next_ongoing_monitoring_bill_date: str | None = None


class Distance(Wire):
    distance: float | None = None
    direction: str | None = None


class LocationBlock(Wire):
    location: Any = None
    distance_from_ip: Distance | None = None
    distance_from_id_document: Distance | None = None
    distance_from_poa_document: Distance | None = None


class Ip(Item):
    ip_address: str | None = None
    ip_country: str | None = None
    ip_country_code: str | None = None
    ip_state: str | None = None
    ip_city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    isp: str | None = None
    organization: str | None = None
    is_vpn_or_tor: bool | None = None
    is_data_center: bool | None = None
    time_zone: str | None = None
    time_zone_offset: str | None = None
    browser_family: str | None = None
    os_family: str | None = None
    platform: str | None = None
    device_brand: str | None = None
    device_model: str | None = None
    device_fingerprint: str | None = None
    ip: LocationBlock | None = None
    id_document: LocationBlock | None = None
    poa_document: LocationBlock | None = None


class Carrier(Wire):
    name: str | None = None
    type: str | None = None


class Event(Wire):
    type: str | None = None
    timestamp: Instant = None
    fee: float | None = None
    details: Any = None


class Phone(Item):
    full_number: str | None = None
    phone_number: str | None = None
    phone_number_prefix: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    carrier: Carrier | None = None
    is_disposable: bool | None = None
    is_virtual: bool | None = None
    verification_method: str | None = None
    verification_attempts: int | None = None
    verified_at: Instant = None
    lifecycle: list[Event] | None = None


class Email(Item):
    email: str | None = None
    is_breached: bool | None = None
    breaches: Any = None
    is_disposable: bool | None = None
    is_undeliverable: bool | None = None
    verification_attempts: int | None = None
    verified_at: Instant = None
    lifecycle: list[Event] | None = None


class QuestionnaireItem(Wire):
    uuid: str | None = None
    value: str | None = None
    title: str | None = None
    element_type: str | None = None
    is_required: bool | None = None
    choices: Any = None
    answer: Any = None


class QuestionnaireSection(Wire):
    title: str | None = None
    description: str | None = None
    items: list[QuestionnaireItem] | None = None


class Questionnaire(Item):
    questionnaire_id: str | None = None
    questionnaire_group_id: str | None = None
    title: str | None = None
    description: str | None = None
    version: int | None = None
    default_language: str | None = None
    languages: list[str] | None = None
    sections: list[QuestionnaireSection] | None = None


class KybItem(Item):
    """A KYB item whose fields the reference does not capture: kept as `model_extra`."""

    model_config = ConfigDict(extra="allow")


class RegistryItem(KybItem):
    data_resolved: bool | None = None


class Contact(Wire):
    email: str | None = None
    email_lang: str | None = None
    send_notification_emails: bool | None = None
    phone: str | None = None


class Review(Wire):
    user: str | None = None
    new_status: str | None = None
    comment: str | None = None
    created_at: Instant = None


class FeatureName(Wire):
    feature: str
