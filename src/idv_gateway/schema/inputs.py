"""Filter inputs and their checked conversion to the gateway's filters.

Anything an upstream would misread (a naive timestamp, a comma inside a list item that
Didit splits on, a malformed UUID it silently drops) is rejected as BAD_USER_INPUT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import strawberry

from idv_gateway import domain
from idv_gateway.domain.filters import KayleFilter, KybFilter, KycFilter, SessionFilter
from idv_gateway.errors import BadUserInput
from idv_gateway.schema.enums import (
    ApiService,
    DocumentTypeCode,
    SessionSource,
    SessionStatus,
    SessionType,
)

__all__ = ["KayleSessionFilter", "KybSessionFilter", "KycSessionFilter", "SessionFilterInput"]

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
_field = strawberry.field


def _instant(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadUserInput(
            f"`{name}` needs a UTC offset (e.g. 2026-06-01T00:00:00Z): a local time is ambiguous",
            argument=f"filter.{name}",
        )
    return value


def _statuses(values: list[domain.SessionStatus] | None) -> tuple[domain.SessionStatus, ...]:
    if values is None:
        return ()
    if not values:
        raise BadUserInput("`status` is an empty list; omit it to match every status")
    if domain.SessionStatus.UNKNOWN in values:
        raise BadUserInput(
            "`status` cannot filter by UNKNOWN: providers cannot select statuses the gateway "
            "does not know",
            argument="filter.status",
        )
    return tuple(dict.fromkeys(values))


# Longest filter text: far above any real name, id or vendor value, far below what makes
# an upstream URL too long for the HTTP client.
MAX_TEXT_LENGTH = 256


def shown(value: str) -> str:
    """A value echoed in an error message, cut short: messages stay small."""
    return repr(value) if len(value) <= 60 else repr(value[:57]) + "…"


def _bounded(value: str, name: str) -> str:
    if len(value) > MAX_TEXT_LENGTH:
        raise BadUserInput(
            f"`{name}` is {len(value):,} characters; at most {MAX_TEXT_LENGTH} are allowed",
            argument=f"filter.{name}",
        )
    return value


def _items(values: Iterable[str] | None, name: str) -> tuple[str, ...]:
    if values is None:
        return ()
    items = tuple(_bounded(v, name).strip() for v in values)
    if not items:
        raise BadUserInput(f"`{name}` is an empty list; omit it instead", argument=f"filter.{name}")
    for item in items:
        if not item or "," in item:
            raise BadUserInput(
                f"`{name}` items must be non-empty and contain no comma, got {shown(item)}",
                argument=f"filter.{name}",
            )
    return items


def _uuid(value: str | None, name: str) -> str | None:
    if value is not None and not _UUID.match(value):
        raise BadUserInput(
            f"`{name}` must be a UUID, got {shown(value)}", argument=f"filter.{name}"
        )
    return value


def _uuids(values: list[str] | None, name: str) -> tuple[str, ...]:
    items = _items(values, name)
    for item in items:
        _uuid(item, name)
    return items


def _document_names(values: list[str] | None) -> tuple[str, ...]:
    """Didit splits on commas only when the value holds more than one ` - ` separator."""
    if values is None:
        return ()
    if len(values) == 1 and values[0].count(" - ") <= 1 and values[0].strip():
        return (values[0],)
    return _items(values, "documentNames")


def _text(value: str | None, name: str) -> str | None:
    if value is not None and not _bounded(value, name).strip():
        raise BadUserInput(f"`{name}` is empty; omit it instead", argument=f"filter.{name}")
    return value


@strawberry.input(description="Filters of `kycSessions`: every filter Didit supports for KYC.")
class KycSessionFilter:
    status: list[SessionStatus] | None = _field(default=None, description="Any of these.")
    vendor_data: str | None = _field(default=None, description="Exact match on `vendorData`.")
    search: str | None = _field(
        default=None,
        description="Didit's smart search: a UUID finds the session; digits match session "
        "number, document number, phone or vendor data; text with `@` matches email prefixes; "
        "other text matches names (accent-insensitive) and vendor data.",
    )
    workflow_ids: list[str] | None = _field(default=None, description="Workflow UUIDs (any).")
    created_from: datetime | None = _field(default=None, description="Created at or after.")
    created_to: datetime | None = _field(default=None, description="Created at or before.")
    countries: list[str] | None = _field(
        default=None, description="ISO 3166-1 alpha-3 issuing states of the ID document (any)."
    )
    document_types: list[DocumentTypeCode] | None = _field(
        default=None, description="Verified ID-document type codes (any)."
    )
    document_names: list[str] | None = _field(
        default=None, description="Exact document names, e.g. `Spain - Id Card (2021)` (any)."
    )
    regions: list[str] | None = _field(
        default=None, description="Document region or state, e.g. CA (any)."
    )
    didit_internal_id: str | None = _field(
        default=None, description="All sessions of one verified user (UUID)."
    )
    session_types: list[SessionType] | None = _field(
        default=None, description="Creation channels (any)."
    )
    api_service: ApiService | None = _field(
        default=None, description="Standalone API sessions of this service."
    )
    screened_full_name: str | None = _field(
        default=None, description="Accent-insensitive name search in AML/database screened data."
    )
    warnings: list[str] | None = _field(
        default=None, description="Sessions that raised any of these risk codes."
    )
    status_initialized_as_in_review: bool | None = _field(
        default=None, description="Only sessions whose decision first landed in review."
    )
    is_kyc_to_be_reviewed: bool | None = _field(
        default=None, description="Document verification flagged (true) or not (false) for review."
    )
    euuid: str | None = _field(default=None, description="The end user's euuid (UUID).")
    organization_names: list[str] | None = _field(
        default=None, description="Organization names (any); with an API key only yours matches."
    )

    def to_filter(self) -> KycFilter:
        return KycFilter(
            statuses=_statuses(self.status),
            vendor_data=_text(self.vendor_data, "vendorData"),
            search=_text(self.search, "search"),
            workflow_ids=_uuids(self.workflow_ids, "workflowIds"),
            created_from=_instant(self.created_from, "createdFrom"),
            created_to=_instant(self.created_to, "createdTo"),
            countries=_items(self.countries, "countries"),
            document_types=tuple(t.value for t in self.document_types or ()),
            document_names=_document_names(self.document_names),
            regions=_items(self.regions, "regions"),
            didit_internal_id=_uuid(self.didit_internal_id, "diditInternalId"),
            session_types=tuple(t.value for t in self.session_types or ()),
            api_service=None if self.api_service is None else self.api_service.value,
            screened_full_name=_text(self.screened_full_name, "screenedFullName"),
            warnings=_items(self.warnings, "warnings"),
            status_initialized_as_in_review=self.status_initialized_as_in_review,
            is_kyc_to_be_reviewed=self.is_kyc_to_be_reviewed,
            euuid=_uuid(self.euuid, "euuid"),
            organization_names=_items(self.organization_names, "organizationNames"),
        )


@strawberry.input(description="Filters of `kybSessions`: the ones Didit honours for KYB.")
class KybSessionFilter:
    status: list[SessionStatus] | None = _field(default=None, description="Any of these.")
    vendor_data: str | None = _field(default=None, description="Exact match on `vendorData`.")
    search: str | None = _field(
        default=None,
        description="Company name, registration number (typed without separators), vendor "
        "data, session number or session UUID.",
    )
    workflow_ids: list[str] | None = _field(default=None, description="Workflow UUIDs (any).")
    created_from: datetime | None = _field(default=None, description="Created at or after.")
    created_to: datetime | None = _field(default=None, description="Created at or before.")
    countries: list[str] | None = _field(
        default=None, description="Registry company country codes (any)."
    )
    warnings: list[str] | None = _field(
        default=None, description="Sessions that raised any of these business risk codes."
    )
    organization_names: list[str] | None = _field(
        default=None, description="Organization names (any); with an API key only yours matches."
    )

    def to_filter(self) -> KybFilter:
        return KybFilter(
            statuses=_statuses(self.status),
            vendor_data=_text(self.vendor_data, "vendorData"),
            search=_text(self.search, "search"),
            workflow_ids=_uuids(self.workflow_ids, "workflowIds"),
            created_from=_instant(self.created_from, "createdFrom"),
            created_to=_instant(self.created_to, "createdTo"),
            countries=_items(self.countries, "countries"),
            warnings=_items(self.warnings, "warnings"),
            organization_names=_items(self.organization_names, "organizationNames"),
        )


@strawberry.input(description="Filters of `kayleSessions`: the ones Kayle's list supports.")
class KayleSessionFilter:
    status: list[SessionStatus] | None = _field(default=None, description="Any of these.")
    created_from: datetime | None = _field(default=None, description="Created at or after.")
    created_to: datetime | None = _field(default=None, description="Created at or before.")

    def to_filter(self) -> KayleFilter:
        return KayleFilter(
            statuses=_statuses(self.status),
            created_from=_instant(self.created_from, "createdFrom"),
            created_to=_instant(self.created_to, "createdTo"),
        )


@strawberry.input(
    name="SessionFilter",
    description="Filters of the unified `sessions` feed. Every filter means the same on every "
    "source; a source that cannot evaluate one contributes no sessions (Kayle has no "
    "`vendorData` or `search`).",
)
class SessionFilterInput:
    sources: list[SessionSource] | None = _field(
        default=None, description="Only these sources (default: all three)."
    )
    status: list[SessionStatus] | None = _field(
        default=None, description="Any of these unified statuses, on every source."
    )
    created_from: datetime | None = _field(default=None, description="Created at or after.")
    created_to: datetime | None = _field(default=None, description="Created at or before.")
    vendor_data: str | None = _field(
        default=None, description="Exact match on Didit `vendorData`; Kayle sessions excluded."
    )
    search: str | None = _field(
        default=None,
        description="Didit's search (KYC: names, numbers, email, phone; KYB: company, "
        "registration number); Kayle sessions excluded.",
    )

    def to_filter(self) -> SessionFilter:
        if self.sources is not None and not self.sources:
            raise BadUserInput("`sources` is an empty list; omit it for all sources")
        return SessionFilter(
            sources=tuple(dict.fromkeys(self.sources or ())),
            statuses=_statuses(self.status),
            created_from=_instant(self.created_from, "createdFrom"),
            created_to=_instant(self.created_to, "createdTo"),
            vendor_data=_text(self.vendor_data, "vendorData"),
            search=_text(self.search, "search"),
        )
