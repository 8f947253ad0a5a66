"""In-memory session records of the simulated Didit application.

A record keeps the *latent* facts of a session (who the person or company really is,
which document they hold) next to its lifecycle state (status, per-feature statuses,
warnings). What the API shows is a projection of both: identity fields stay `null`
until the feature that reveals them has run. `rows.refresh_kyc`/`refresh_kyb` compute
that projection once per change and cache it on the record (the `shown_*` values and
search keys that filters read); a KYC `row` dict is rendered on first use and kept
until the next change, so listing a page rebuilds nothing.

Records are mutated only through `DiditStore`; treat `row` dicts as read-only (their
feature items are shared between records).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from idv_gateway.simulators.didit._names import Country
from idv_gateway.simulators.didit.catalog import Workflow
from idv_gateway.simulators.didit.lifecycle import RiskWarning

__all__ = ["Company", "Document", "KybSession", "KycFacts", "KycSession", "Person"]


@dataclass(slots=True, eq=False)
class Person:
    """A verified end user; several sessions may share one (same vendor_data and internal id)."""

    first_name: str
    last_name: str
    full_name: str
    date_of_birth: str  # YYYY-MM-DD
    gender: str  # "M" or "F"
    nationality: Country
    email: str
    phone: str  # E.164
    vendor_data: str | None
    didit_internal_id: str | None
    euuid: str
    name_key: str  # folded full name, for accent-insensitive search


@dataclass(slots=True, eq=False)
class Document:
    """The ID document a person shows; `code` is the filter code (`P`, `ID`, `DL`, ...)."""

    code: str
    issuing_state: Country
    number: str
    personal_number: str | None
    names: tuple[str, ...]  # as recognised on the front (and the back, when it differs)
    region: str | None
    date_of_issue: str
    expiration_date: str
    number_keys: tuple[str, ...]  # numbers without separators, upper-case


class KycFacts(NamedTuple):
    """Per-session measurements drawn once at creation; status changes only re-band them."""

    liveness_method: str
    liveness_score: float  # 0-100, as a passing check would score
    age_estimation: float
    face_match_score: float  # 0-100, passing
    aml_hits: int  # hits when the screening flags a possible match
    adverse_media: bool
    poa_document_type: str
    poa_issuer: str
    phone_is_ported: bool
    email_is_breached: bool
    ip_octets: tuple[int, int]


@dataclass(slots=True, eq=False)
class KycSession:
    """A User Verification (KYC) session."""

    session_id: str
    session_number: int
    created_at: datetime
    session_type: str  # "API", "HOSTED" or "MIGRATED"
    api_service: str | None  # set for standalone API sessions only
    workflow: Workflow | None  # None for standalone API sessions
    workflow_version: int | None
    features: tuple[str, ...]
    session_token: str | None  # hosted sessions only; the URL is built from it
    vendor_data: str | None
    person: Person
    document: Document
    facts: KycFacts
    status: str
    feature_statuses: tuple[str, ...]
    warnings: tuple[RiskWarning, ...]
    status_initialized_as_in_review: bool
    contact_details: dict[str, Any] | None = None
    expected_details: dict[str, Any] | None = None
    metadata: Any = None
    callback: str | None = None
    callback_method: str | None = None
    reviews: list[dict[str, Any]] = field(default_factory=list)
    # Projection: rows.refresh_kyc() recomputes it after every change; the row dict itself
    # is rendered on first use (most rows of a big dataset are never listed).
    done: frozenset[str] = frozenset()  # features that have run
    shown_full_name: str | None = None
    shown_country: str | None = None
    shown_phone: tuple[str, bool] | None = None  # (number, is_verified)
    shown_email: tuple[str, bool] | None = None  # (email, is_verified)
    shown_document_code: str | None = None
    shown_document_names: tuple[str, ...] = ()
    shown_region: str | None = None
    shown_number_keys: tuple[str, ...] = ()
    shown_name_key: str = ""  # folded shown full name
    phone_key: str = ""  # shown phone digits, for prefix search
    email_key: str = ""  # shown email, lower-case
    vendor_key: str = ""  # vendor_data, lower-case
    aml_name_key: str | None = None  # folded AML screened name, once AML ran
    db_name_key: str | None = None  # folded database-validation screened name
    is_kyc_to_be_reviewed: bool | None = None
    warning_codes: frozenset[str] = frozenset()
    _row: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def row(self) -> dict[str, Any]:
        """The `GET /v3/sessions/` row, in OpenAPI key order; treat it as read-only."""
        if self._row is None:
            from idv_gateway.simulators.didit.rows import render_kyc_row

            self._row = render_kyc_row(self)
        return self._row

    @property
    def session_kind(self) -> str:
        return "user"

    def feature_status(self, feature: str) -> str | None:
        """The status of one workflow feature, or None when the workflow lacks it."""
        if feature not in self.features:
            return None
        return self.feature_statuses[self.features.index(feature)]


@dataclass(slots=True, eq=False)
class Company:
    """A registry company; KYB rows show it once the registry check has run."""

    name: str
    registration_number: str
    country_code: str  # ISO 3166-1 alpha-2, as the registry reports it
    legal_form: str
    incorporation_date: str
    address: str
    name_key: str  # folded name
    registration_key: str  # registration number without separators


@dataclass(slots=True, eq=False)
class KybSession:
    """A Business Verification (KYB) session."""

    session_id: str
    session_number: int
    created_at: datetime
    workflow: Workflow
    workflow_version: int
    features: tuple[str, ...]
    session_token: str
    vendor_data: str | None
    company: Company
    status: str
    feature_statuses: tuple[str, ...]
    warnings: tuple[RiskWarning, ...]
    contact_details: dict[str, Any] | None = None
    metadata: Any = None
    callback: str | None = None
    callback_method: str | None = None
    reviews: list[dict[str, Any]] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)  # rebuilt by rows.refresh_kyb()
    company_shown: bool = False
    vendor_key: str = ""
    warning_codes: frozenset[str] = frozenset()

    @property
    def session_kind(self) -> str:
        return "business"

    def feature_status(self, feature: str) -> str | None:
        if feature not in self.features:
            return None
        return self.feature_statuses[self.features.index(feature)]
