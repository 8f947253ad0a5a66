"""List-row projections (`GET /v3/sessions/`) and the search keys that go with them.

`refresh_kyc`/`refresh_kyb` run once per record change, never per request: they cache
on the record what the row shows and the keys filters compare against, so a filter only
ever sees what the row itself shows (a `Not Started` session has no country to match).
A KYC row dict is rendered on first use (`render_kyc_row`) and kept until the next
change; KYB rows are small and rendered at once.
"""

from __future__ import annotations

from typing import Any

from idv_gateway.simulators.didit._text import fold, format_timestamp, media_url
from idv_gateway.simulators.didit.catalog import DOCUMENT_DISPLAY
from idv_gateway.simulators.didit.facts import (
    aml_total_hits,
    db_match_type,
    face_match_score,
    liveness_score,
    poa_address,
)
from idv_gateway.simulators.didit.records import KybSession, KycSession

__all__ = ["display_status", "refresh_kyb", "refresh_kyc", "render_kyc_row"]

_NOT_FINISHED = "Not Finished"
_FEATURE_LISTS: dict[tuple[tuple[str, ...], tuple[str, ...]], list[dict[str, str]]] = {}
_DONE: dict[tuple[tuple[str, ...], tuple[str, ...]], frozenset[str]] = {}


def _done(features: tuple[str, ...], statuses: tuple[str, ...]) -> frozenset[str]:
    """The features that have run, shared between records with the same progress."""
    key = (features, statuses)
    done = _DONE.get(key)
    if done is None:
        pairs = zip(features, statuses, strict=True)
        done = _DONE[key] = frozenset(f for f, st in pairs if st != _NOT_FINISHED)
    return done


def _feature_list(features: tuple[str, ...], statuses: tuple[str, ...]) -> list[dict[str, str]]:
    """Shared `features` arrays: 100k rows only hold a few hundred distinct ones."""
    key = (features, statuses)
    items = _FEATURE_LISTS.get(key)
    if items is None:
        pairs = zip(features, statuses, strict=True)
        items = _FEATURE_LISTS[key] = [{"feature": f, "status": st} for f, st in pairs]
    return items


def display_status(status: str, uppercase: bool) -> str:
    """`In Review`, or `IN_REVIEW` when the simulator mimics the uppercase KYB documents."""
    return status.upper().replace(" ", "_") if uppercase else status


def refresh_kyc(session: KycSession) -> None:
    """Recompute what a KYC session shows and the keys filters compare against."""
    statuses = dict(zip(session.features, session.feature_statuses, strict=True))
    done = _done(session.features, session.feature_statuses)
    person, document = session.person, session.document
    id_done = "ID_VERIFICATION" in done
    expected = session.expected_details or {}
    contact = session.contact_details or {}

    # full_name and country resolve in the documented order of sources.
    full_name: str | None
    if id_done or done & {"AML", "DATABASE_VALIDATION", "POA"}:
        full_name = person.full_name
    else:
        expected_name = f"{expected.get('first_name') or ''} {expected.get('last_name') or ''}"
        full_name = expected_name.strip() or None
    country: str | None
    if id_done or "DATABASE_VALIDATION" in done:
        country = document.issuing_state.iso3
    elif "POA" in done:
        country = person.nationality.iso3
    else:
        country = expected.get("id_country") or expected.get("country")
        if country is None and statuses.get("PHONE") == "Approved":
            country = person.nationality.iso3
    # Verified contact when the feature ran, else the contact given at creation.
    phone: tuple[str, bool] | None = None
    if "PHONE" in done:
        phone = (person.phone, statuses["PHONE"] == "Approved")
    elif contact.get("phone"):
        phone = (str(contact["phone"]), False)
    email: tuple[str, bool] | None = None
    if "EMAIL_VERIFICATION" in done:
        email = (person.email, statuses["EMAIL_VERIFICATION"] == "Approved")
    elif contact.get("email"):
        email = (str(contact["email"]), False)

    session.done = done
    session.shown_full_name, session.shown_country = full_name, country
    session.shown_phone, session.shown_email = phone, email
    session.shown_document_code = document.code if id_done else None
    session.shown_document_names = document.names if id_done else ()
    session.shown_region = document.region if id_done else None
    session.shown_number_keys = document.number_keys if id_done else ()
    if full_name == person.full_name:
        session.shown_name_key = person.name_key
    else:
        session.shown_name_key = fold(full_name) if full_name else ""
    session.phone_key = phone[0].lstrip("+") if phone else ""
    session.email_key = email[0].lower() if email else ""
    session.vendor_key = (session.vendor_data or "").lower()
    session.aml_name_key = person.name_key if "AML" in done else None
    session.db_name_key = person.name_key if "DATABASE_VALIDATION" in done else None
    session.is_kyc_to_be_reviewed = (
        (statuses["ID_VERIFICATION"] == "In Review") if id_done else None
    )
    session.warning_codes = frozenset(w.risk for w in session.warnings)
    session._row = None


def render_kyc_row(session: KycSession) -> dict[str, Any]:
    """The list row of a KYC session, in the OpenAPI key order."""
    done, sid = session.done, session.session_id
    if "NFC" in done:
        portrait: str | None = media_url("portraits", sid, "nfc-chip.jpg")
    elif "ID_VERIFICATION" in done:
        portrait = media_url("portraits", sid, "document.jpg")
    elif done & {"LIVENESS", "AGE_ESTIMATION"}:
        portrait = media_url("portraits", sid, "liveness-reference.jpg")
    else:
        portrait = None
    phone, email, token = session.shown_phone, session.shown_email, session.session_token
    code = session.shown_document_code
    return {
        "session_id": sid,
        "session_kind": "user",
        "session_number": session.session_number,
        "session_url": f"https://verify.didit.me/session/{token}" if token else None,
        "portrait_image": portrait,
        "document_type": DOCUMENT_DISPLAY[code] if code else None,
        "full_name": session.shown_full_name,
        "country": session.shown_country,
        "status": session.status,
        "vendor_data": session.vendor_data,
        "didit_internal_id": session.person.didit_internal_id,
        "created_at": format_timestamp(session.created_at),
        "features": _feature_list(session.features, session.feature_statuses),
        "phone_number": {"number": phone[0], "is_verified": phone[1]} if phone else None,
        "email_address": {"email": email[0], "is_verified": email[1]} if email else None,
        "additional_details": _kyc_extras(session, done) if done else None,
    }


def _kyc_extras(session: KycSession, done: frozenset[str]) -> dict[str, Any] | None:
    """`additional_details`: one key per feature that produced data, in schema order."""
    person, document, facts, sid = (
        session.person,
        session.document,
        session.facts,
        session.session_id,
    )
    extras: dict[str, Any] = {}
    if "AML" in done:
        hits = aml_total_hits(session)
        screened = {"nationality": person.nationality.iso3}
        if "ID_VERIFICATION" in done:
            screened["document_number"] = document.number
        screened["date_of_birth"] = person.date_of_birth
        extras["aml"] = {
            "total_hits": hits,
            "entity_type": "person",
            "is_adverse_media_fetched": facts.adverse_media and hits > 0,
            "screened_data": screened,
        }
    if "DATABASE_VALIDATION" in done:
        extras["database_validation"] = {
            "validation_type": "DOCUMENT_VALIDATION",
            "match_type": db_match_type(session).upper(),
            "identification_number": document.personal_number or document.number,
        }
    if "POA" in done:
        extras["poa"] = {
            "document_type": facts.poa_document_type,
            "issuer": facts.poa_issuer,
            "address": poa_address(session),
            "name_on_document": person.full_name,
        }
    if done & {"LIVENESS", "AGE_ESTIMATION"}:
        score = round(liveness_score(session) / 100, 2)
        extras["liveness"] = {"method": facts.liveness_method, "score": score}
    if "FACE_MATCH" in done:
        extras["face_match"] = {
            "score": round(face_match_score(session) / 100, 2),
            "source_image": media_url("faces", sid, "source.jpg"),
            "target_image": media_url("faces", sid, "target.jpg"),
        }
    if "PHONE" in done:
        extras["phone_verification"] = {
            "country_code": person.nationality.iso2,
            "is_temporary": False,
            "is_ported": facts.phone_is_ported,
            "is_blocked": "PHONE_NUMBER_IN_BLOCKLIST" in session.warning_codes,
        }
    if "EMAIL_VERIFICATION" in done:
        extras["email_verification"] = {
            "is_breached": facts.email_is_breached,
            "is_disposable": False,
            "is_undeliverable": False,
            "is_blocklisted": "EMAIL_IN_BLOCKLIST" in session.warning_codes,
        }
    return extras or None


def refresh_kyb(session: KybSession, uppercase_status: bool) -> None:
    """Recompute the row of a KYB session; the company shows once the registry check ran."""
    registry = session.feature_status("KYB_REGISTRY")
    shown = registry is not None and registry != _NOT_FINISHED
    company, workflow = session.company, session.workflow
    session.company_shown = shown
    session.vendor_key = (session.vendor_data or "").lower()
    session.warning_codes = frozenset(w.risk for w in session.warnings)
    session.row = {
        "session_id": session.session_id,
        "session_kind": "business",
        "session_number": session.session_number,
        "status": display_status(session.status, uppercase_status),
        "vendor_data": session.vendor_data,
        "created_at": format_timestamp(session.created_at),
        "workflow_id": workflow.workflow_id,
        "workflow_type": workflow.workflow_type,
        "workflow_label": workflow.label,
        "company_name": company.name if shown else None,
        "registration_number": company.registration_number if shown else None,
        "country": company.country_code if shown else None,
    }
