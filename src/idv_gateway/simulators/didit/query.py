"""Query parameters of `GET /v3/sessions/` turned into per-kind row predicates.

Validation follows Django/django-filter as the documents describe it: malformed typed
values (`session_kind`, `date_from`, `date_to`, `didit_internal_id`, `euuid`,
`api_service`) are reported together in one 400 body keyed by parameter; unknown
values in list filters just match nothing; empty values disable a filter. Comma lists
are split on `,` and each value is stripped of surrounding spaces (`Approved, In Review`
works); values stay case-sensitive.

KYB rows honour only the shared filters (`vendor_data`, `status`, `workflow_id`,
`country`, `date_from`, `date_to`, `search`, `warning`, `organization_name`); every
KYC-only filter is silently ignored for them, as Didit does. Typed parameters are still
validated when only KYB rows are listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from idv_gateway.simulators.didit._text import fold, parse_uuid
from idv_gateway.simulators.didit.catalog import API_SERVICES, ORGANIZATION_NAME
from idv_gateway.simulators.didit.records import KybSession, KycSession
from idv_gateway.simulators.didit.search import kyb_search, kyc_search

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "ListQuery", "parse_list_query"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_KINDS = ("user", "business", "all")
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
_TICK = timedelta(microseconds=1)

KycPredicate = Callable[[KycSession], bool]
KybPredicate = Callable[[KybSession], bool]
Predicate = Callable[[KycSession | KybSession], bool]


@dataclass
class ListQuery:
    """A validated list request; `*_none` marks a side that can match nothing."""

    kind: str = "user"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    kyc: list[KycPredicate] = field(default_factory=list)
    kyb: list[KybPredicate] = field(default_factory=list)
    kyc_none: bool = False
    kyb_none: bool = False

    def shared(self, predicate: Predicate) -> None:
        """A filter both kinds honour with the same meaning."""
        self.kyc.append(predicate)
        self.kyb.append(predicate)


def _positive_int(raw: str | None, default: int, *, strict: bool, cutoff: int | None) -> int:
    """DRF's `_positive_int`: invalid or out-of-range values fall back to the default."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    if value < 0 or (strict and value == 0):
        return default
    return min(value, cutoff) if cutoff else value


def _csv(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def _flag(raw: str) -> bool | None:
    lowered = raw.strip().lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def parse_list_query(params: Mapping[str, str]) -> ListQuery | dict[str, Any]:
    """A `ListQuery`, or the 400 body listing every malformed parameter."""
    errors: dict[str, Any] = {}
    query = ListQuery()
    kind = params.get("session_kind", "user").lower()
    if kind in _KINDS:
        query.kind = kind
    else:
        errors["session_kind"] = 'Must be "user", "business", or "all".'
    query.limit = _positive_int(params.get("limit"), DEFAULT_LIMIT, strict=True, cutoff=MAX_LIMIT)
    query.offset = _positive_int(params.get("offset"), 0, strict=False, cutoff=None)
    given = {name: raw for name, raw in params.items() if raw.strip()}.get

    if (vendor := given("vendor_data")) is not None:
        query.shared(lambda s: s.vendor_data == vendor)
    if (raw := given("status")) is not None:
        statuses = _csv(raw)
        query.shared(lambda s: s.status in statuses)
    if (raw := given("workflow_id")) is not None:
        ids = frozenset(filter(None, (parse_uuid(part) for part in raw.split(","))))
        if not ids:
            query.kyc_none = query.kyb_none = True
        query.kyc.append(lambda s: s.workflow is not None and s.workflow.workflow_id in ids)
        query.kyb.append(lambda s: s.workflow.workflow_id in ids)
    if (raw := given("country")) is not None:
        countries = _csv(raw)  # KYC: ISO-3 issuing state; KYB: the registry's country code
        query.kyc.append(lambda s: s.shown_country in countries)
        query.kyb.append(lambda s: s.row["country"] in countries)
    _dates(given, query, errors)
    if (raw := given("warning")) is not None:
        codes = _csv(raw)
        query.shared(lambda s: not codes.isdisjoint(s.warning_codes))
    if (raw := given("organization_name")) is not None and ORGANIZATION_NAME not in _csv(raw):
        query.kyc_none = query.kyb_none = True  # an API key only ever sees its own organisation
    if (raw := given("search")) is not None:
        query.kyc.append(kyc_search(raw))
        query.kyb.append(kyb_search(raw))
    _kyc_only(given, query, errors)
    return errors or query


def _dates(given: Callable[[str], str | None], query: ListQuery, errors: dict[str, Any]) -> None:
    """`date_from` is inclusive; `date_to` covers the whole day for KYC, only midnight for KYB."""
    start, end = _date(given, "date_from", errors), _date(given, "date_to", errors)
    if start is not None:
        query.shared(_created(start, after=True))
    if end is not None:
        query.kyc.append(_created(end + timedelta(days=1) - _TICK, after=False))
        query.kyb.append(_created(end, after=False))


def _date(given: Callable[[str], str | None], name: str, errors: dict[str, Any]) -> datetime | None:
    raw = given(name)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        errors[name] = ["Enter a valid date."]
        return None


def _created(moment: datetime, *, after: bool) -> Predicate:
    if after:
        return lambda s: s.created_at >= moment
    return lambda s: s.created_at <= moment


def _uuid_param(
    given: Callable[[str], str | None], name: str, errors: dict[str, Any]
) -> str | None:
    raw = given(name)
    if raw is None:
        return None
    parsed = parse_uuid(raw)
    if parsed is None:
        errors[name] = ["Enter a valid UUID."]
    return parsed


def _equals(get: Callable[[KycSession], object], wanted: object) -> KycPredicate:
    return lambda s: get(s) == wanted


def _kyc_only(given: Callable[[str], str | None], query: ListQuery, errors: dict[str, Any]) -> None:
    """The KYC-only filters; the KYB side never sees them."""
    if (internal := _uuid_param(given, "didit_internal_id", errors)) is not None:
        query.kyc.append(_equals(lambda s: s.person.didit_internal_id, internal))
    if (euuid := _uuid_param(given, "euuid", errors)) is not None:
        query.kyc.append(_equals(lambda s: s.person.euuid, euuid))
    service = given("api_service")
    if service is not None:
        if service in API_SERVICES:
            query.kyc.append(_equals(lambda s: s.api_service, service))
        else:
            errors["api_service"] = [
                f"Select a valid choice. {service} is not one of the available choices."
            ]
    if (raw := given("region")) is not None:
        regions = _csv(raw)
        query.kyc.append(lambda s: s.shown_region in regions)
    if (raw := given("document_type")) is not None:
        codes = _csv(raw)
        query.kyc.append(lambda s: s.shown_document_code in codes)
    if (raw := given("document_name")) is not None:
        # Split on commas only when several names are given (more than one " - ").
        names = _csv(raw) if raw.count(" - ") > 1 else frozenset({raw.strip()})
        query.kyc.append(lambda s: not names.isdisjoint(s.shown_document_names))
    if (raw := given("session_type")) is not None:
        types = _csv(raw)
        if "ALL" not in types:
            query.kyc.append(lambda s: s.session_type in types)
    if (raw := given("screened_full_name")) is not None:
        query.kyc.append(_screened(raw, service if service in API_SERVICES else None))
    if (flag := _flag(given("status_initialized_as_in_review") or "")) is not None:
        query.kyc.append(_equals(lambda s: s.status_initialized_as_in_review, flag))
    if (flag := _flag(given("is_kyc_to_be_reviewed") or "")) is not None:
        query.kyc.append(_equals(lambda s: s.is_kyc_to_be_reviewed, flag))


def _screened(raw: str, service: str | None) -> KycPredicate:
    """Accent-insensitive name match in AML and/or database-validation screened data."""
    tokens = fold(raw).split()
    use_aml = service != "DATABASE_VALIDATION"
    use_db = service != "AML"

    def matches(session: KycSession) -> bool:
        for key in (
            session.aml_name_key if use_aml else None,
            session.db_name_key if use_db else None,
        ):
            if key is not None and all(token in key for token in tokens):
                return True
        return False

    return matches
