"""Measurements of a KYC session as they read *now*, shared by list rows and decisions.

The raw draws live in `KycFacts` (taken once, at creation); these helpers band them by
the current feature status and warnings, so a declined liveness check scores low in
both the row's `additional_details` and the decision, whichever way it got declined.
"""

from __future__ import annotations

import random

from idv_gateway.simulators.didit._names import CULTURES
from idv_gateway.simulators.didit._rand import below, one
from idv_gateway.simulators.didit.records import KycFacts, KycSession

__all__ = [
    "aml_total_hits",
    "db_match_type",
    "draw_facts",
    "face_match_score",
    "liveness_score",
    "poa_address",
    "ran",
]

_POA_TYPES = ("UTILITY_BILL", "BANK_STATEMENT", "TAX_DOCUMENT", "UTILITY_BILL")
_POA_ISSUERS = ("Iberdrola", "EDF", "Vattenfall", "Thames Water", "Enel Energia", "E.ON", "Orange")
_LIVENESS_METHODS = ("PASSIVE", "PASSIVE", "ACTIVE_3D", "FLASHING")


def draw_facts(rng: random.Random) -> KycFacts:
    """Draw every measurement up front, in a fixed order, so a seed fixes them all."""
    return KycFacts(
        liveness_method=one(rng, _LIVENESS_METHODS),
        liveness_score=round(88 + rng.random() * 11.9, 2),
        age_estimation=round(18 + rng.random() * 50, 2),
        face_match_score=round(80 + rng.random() * 19.9, 2),
        aml_hits=1 + int(rng.random() * 4),
        adverse_media=rng.random() < 0.3,
        poa_document_type=one(rng, _POA_TYPES),
        poa_issuer=one(rng, _POA_ISSUERS),
        phone_is_ported=rng.random() < 0.1,
        email_is_breached=rng.random() < 0.2,
        ip_octets=(below(rng, 1, 255), below(rng, 1, 255)),
    )


def ran(session: KycSession, feature: str) -> bool:
    """Whether a workflow feature has produced a result (it is not `Not Finished`)."""
    status = session.feature_status(feature)
    return status is not None and status != "Not Finished"


def _passing(session: KycSession, feature: str) -> bool:
    return session.feature_status(feature) in ("Approved", None)


def liveness_score(session: KycSession) -> float:
    feature = "LIVENESS" if "LIVENESS" in session.features else "AGE_ESTIMATION"
    score = session.facts.liveness_score
    return score if _passing(session, feature) else round(score * 0.45, 2)


def face_match_score(session: KycSession) -> float:
    score = session.facts.face_match_score
    return score if _passing(session, "FACE_MATCH") else round(score * 0.5, 2)


def aml_total_hits(session: KycSession) -> int:
    return session.facts.aml_hits if "POSSIBLE_MATCH_FOUND" in session.warning_codes else 0


def db_match_type(session: KycSession) -> str:
    codes = session.warning_codes
    if "DATABASE_VALIDATION_NO_MATCH" in codes or "COULD_NOT_PERFORM_DATABASE_VALIDATION" in codes:
        return "no_match"
    if "DATABASE_VALIDATION_PARTIAL_MATCH" in codes:
        return "partial_match"
    return "full_match"


def poa_address(session: KycSession) -> str:
    """The person's home address (stable across their sessions)."""
    person = session.person
    country = person.nationality
    house = int(person.euuid[:6], 16)
    street = CULTURES[country.culture].street
    return f"{street} {1 + house % 97}, {10000 + house % 89999} {country.city}"
