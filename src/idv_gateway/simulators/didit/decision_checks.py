"""Screening-type items of the KYC decision: AML, database validation, questionnaire.

Hit counts and match types follow the session's warnings (see `facts`), so the decision
tells the same story as the row's `additional_details`.
"""

from __future__ import annotations

import random
from typing import Any

from idv_gateway.simulators.didit.facts import aml_total_hits, db_match_type, ran
from idv_gateway.simulators.didit.records import KycSession, Person

__all__ = ["aml", "database_validation", "questionnaire"]


def aml(session: KycSession, rng: random.Random) -> dict[str, Any]:
    person, document = session.person, session.document
    hits = [_aml_hit(person, rng, index) for index in range(aml_total_hits(session))]
    return {
        "entity_type": "person",
        "total_hits": len(hits),
        "score": max((hit["score"] for hit in hits), default=0),
        "hits": hits,
        "screened_data": {
            "full_name": person.full_name,
            "date_of_birth": person.date_of_birth,
            "nationality": person.nationality.iso2,
            "document_number": document.number if ran(session, "ID_VERIFICATION") else None,
        },
        "is_ongoing_monitoring_enabled": False,
        "next_ongoing_monitoring_bill_date": None,
    }


def _aml_hit(person: Person, rng: random.Random, index: int) -> dict[str, Any]:
    score = round(0.6 + rng.random() * 0.4, 2)
    dataset = ("PEP", "Sanctions", "Adverse Media")[index % 3]
    return {
        "id": f"NK-{rng.getrandbits(40):010x}",
        "url": f"https://screening.didit.test/entities/{rng.getrandbits(32):08x}",
        "match": score > 0.85,
        "score": score,
        "target": True,
        "caption": person.full_name if index == 0 else f"{person.last_name} {person.first_name}",
        "datasets": [dataset],
        "properties": {"name": [person.full_name], "country": [person.nationality.iso2.lower()]},
        "match_score": round(score * 100),
        "risk_score": int(rng.random() * 100),
        "review_status": "Unreviewed",
        "score_breakdown": {"name_score": round(score * 100), "dob_score": 0, "country_score": 100},
        "pep_matches": [],
        "sanction_matches": [],
        "warning_matches": [],
        "adverse_media_matches": [],
        "adverse_media_details": None,
        "linked_entities": [],
        "risk_view": {
            "crimes": [],
            "countries": [person.nationality.iso2],
            "categories": [dataset],
            "custom_list": [],
        },
        "first_seen": "2021-03-14T00:00:00.000000Z",
        "last_seen": "2026-05-02T00:00:00.000000Z",
        "rca_name": None,
        "additional_information": None,
    }


def database_validation(session: KycSession, rng: random.Random) -> dict[str, Any]:
    del rng  # fully determined by the person and the warnings
    person, document = session.person, session.document
    match = db_match_type(session)
    screened = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "identification_number": document.personal_number or document.number,
    }
    field_match = "full_match" if match == "full_match" else "no_match"
    return {
        "issuing_state": document.issuing_state.iso3,
        "validation_type": "one_by_one",
        "match_type": match,
        "screened_data": screened,
        "validations": [
            {
                "validation": {"full_name": field_match, "date_of_birth": "full_match"},
                "source_data": dict(screened),
            }
        ],
    }


def questionnaire(session: KycSession, rng: random.Random) -> dict[str, Any]:
    employment = ("Employed", "Self-employed", "Student", "Retired")[int(rng.random() * 4)]
    return {
        "questionnaire_id": "3d0f5b9e-8a41-4c27-9f0e-2a6c1b7d4e10",
        "questionnaire_group_id": "7b2e4c1a-5d3f-4e8b-a9c0-1f6d2e3b4a50",
        "title": "Source of funds",
        "description": "Tell us where the money in your account comes from.",
        "version": 2,
        "default_language": "en",
        "languages": ["en", "es"],
        "sections": [
            {
                "title": "Employment",
                "description": None,
                "items": [
                    {
                        "uuid": "c1a8e2f4-0b6d-4f3a-9e7c-5d2b1a0f9e81",
                        "value": "employment_status",
                        "title": "Employment status",
                        "element_type": "DROPDOWN",
                        "is_required": True,
                        "choices": ["Employed", "Self-employed", "Student", "Retired"],
                        "answer": {"value": employment},
                    },
                    {
                        "uuid": "c1a8e2f4-0b6d-4f3a-9e7c-5d2b1a0f9e82",
                        "value": "account_purpose",
                        "title": "Purpose of the account",
                        "element_type": "LONG_TEXT",
                        "is_required": False,
                        "choices": [],
                        "answer": {"text": f"Salary and savings ({session.person.first_name})"},
                    },
                ],
            }
        ],
    }
