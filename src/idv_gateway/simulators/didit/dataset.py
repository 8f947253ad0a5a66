"""Deterministic seeded sessions: the same seed always yields the same application.

All randomness comes from `random.Random` instances derived from the seed (KYC and KYB
have separate streams, so changing `business_sessions` leaves the KYC data unchanged);
nothing reads the clock. `created_at` values spread over `SPAN` before the anchor,
never decrease with `session_number` and include exact ties. Generation only does the
cheap part per session (a few dozen draws); rows render on first use and decisions on
request.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta

from idv_gateway.simulators.didit import lifecycle
from idv_gateway.simulators.didit._names import COUNTRIES, CULTURES, Country
from idv_gateway.simulators.didit._rand import Weighted, below, one
from idv_gateway.simulators.didit._text import fold, new_uuid, strip_separators
from idv_gateway.simulators.didit.catalog import (
    API_SERVICE_FEATURES,
    DOCUMENT_LABELS,
    KYB_WORKFLOWS,
    KYC_WORKFLOWS,
    Workflow,
)
from idv_gateway.simulators.didit.companies import CompanyFactory
from idv_gateway.simulators.didit.facts import draw_facts
from idv_gateway.simulators.didit.records import (
    Company,
    Document,
    KybSession,
    KycSession,
    Person,
)

__all__ = ["SPAN", "PersonFactory", "generate_kyb", "generate_kyc", "session_token"]

SPAN = timedelta(days=150)
_TIE_RATE = 0.02
_RECENT = timedelta(days=5)
_TOKEN_LETTERS = str.maketrans("+/", "Qz")
_MAIL_DOMAINS = ("example.com", "mail.test", "post.test")
_SERIES = "ABCDEFGHJKLMNPRSTXYZ"
_CALLBACK = "https://app.northwind.test/kyc/done"

_DOC_CODES = Weighted(
    [
        *[("P", 30), ("ID", 30), ("DL", 15), ("RP", 8), ("SSC", 2), ("HIC", 3)],
        *[("WP", 2), ("TC", 2), ("VISA", 2), ("PSC", 2), ("BC", 2), ("OTHER", 2)],
    ]
)
_STATUSES = (
    "Approved",
    "Declined",
    "In Review",
    "Not Started",
    "In Progress",
    "Expired",
    "Abandoned",
    "Kyc Expired",
    "Resubmitted",
    "Awaiting User",
)
# Older sessions have mostly settled; the last few days still hold unfinished ones.
_OLD_STATUSES = Weighted(list(zip(_STATUSES, (50, 13, 6, 2, 1, 9, 9, 5, 3, 2), strict=True)))
_RECENT_STATUSES = Weighted(list(zip(_STATUSES, (30, 8, 12, 18, 14, 2, 3, 0, 6, 7), strict=True)))
_API_STATUSES = Weighted([("Approved", 75), ("Declined", 17), ("In Review", 8)])
_KYB_STATUSES = Weighted(
    [
        *[("Approved", 40), ("Declined", 10), ("In Review", 12), ("Not Started", 10)],
        *[("In Progress", 8), ("Awaiting User", 8), ("Expired", 4), ("Abandoned", 4)],
        ("Resubmitted", 4),
    ]
)
_KYC_FLOWS = Weighted(list(zip(KYC_WORKFLOWS, (45, 15, 15, 10, 15), strict=True)))
_KYB_FLOWS = Weighted(list(zip(KYB_WORKFLOWS, (50, 35, 15), strict=True)))


def session_token(rng: random.Random) -> str:
    """12 alphanumeric characters, like `CuXoBYCYVO5Y` in Didit's hosted URLs."""
    raw = base64.b64encode(rng.getrandbits(72).to_bytes(9, "big")).decode()
    return raw.translate(_TOKEN_LETTERS)


def _timeline(rng: random.Random, count: int, anchor: datetime) -> list[datetime]:
    """Oldest first; exponential gaps scaled to fit `SPAN`, with a share of zero gaps (ties)."""
    gaps = [0.0 if rng.random() < _TIE_RATE else rng.expovariate(1.0) for _ in range(count)]
    span_us = SPAN // timedelta(microseconds=1)
    # One more gap after the newest session, so the data does not end exactly at the anchor.
    scale = span_us / (sum(gaps) + rng.expovariate(1.0))
    start, elapsed, out = anchor - SPAN, 0.0, []
    for gap in gaps:
        elapsed += gap
        out.append(start + timedelta(microseconds=int(elapsed * scale)))
    return out


class PersonFactory:
    """People and their documents, drawn from one stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def person(self) -> Person:
        rng = self.rng
        self.count += 1
        country = one(rng, COUNTRIES)
        culture = CULTURES[country.culture]
        gender = "F" if rng.random() < 0.5 else "M"
        first = one(rng, culture.female if gender == "F" else culture.male)
        last = one(rng, culture.last)
        full = f"{last} {first}" if country.culture in ("vi", "ko") else f"{first} {last}"
        local = fold(f"{first}.{last}").replace(" ", "").replace("'", "")
        kind = rng.random()
        if kind < 0.6:
            vendor = f"user-{self.count}"
        elif kind < 0.85:
            vendor = f"cust_{self.count:06d}"
        else:
            vendor = f"acct-{country.iso2}-{self.count}"
        birth = f"{below(rng, 1950, 2007)}-{below(rng, 1, 13):02d}-{below(rng, 1, 29):02d}"
        return Person(
            first_name=first,
            last_name=last,
            full_name=full,
            date_of_birth=birth,
            gender=gender,
            nationality=country,
            email=f"{local}{below(rng, 1, 100)}@{one(rng, _MAIL_DOMAINS)}",
            phone=f"{country.phone_prefix}{below(rng, 10**8, 10**9)}",
            vendor_data=vendor,
            didit_internal_id=new_uuid(rng) if rng.random() > 0.03 else None,
            euuid=new_uuid(rng),
            name_key=fold(full),
        )

    def document(self, person: Person) -> Document:
        rng = self.rng
        code = _DOC_CODES.pick(rng)
        issuer: Country = person.nationality
        if code in ("RP", "WP", "VISA") or rng.random() < 0.1:
            issuer = one(rng, COUNTRIES)
        digits = below(rng, 10**7, 10**8)
        if issuer.iso3 in ("BRA", "ARG"):  # printed with separators, searched without
            number = f"{digits // 10**5}.{digits // 100 % 1000:03d}.{digits % 100:02d}-{digits % 9}"
        else:
            number = f"{one(rng, _SERIES)}{one(rng, 'ABCXYZ')}{digits}"
        personal = None
        if code in ("ID", "DL"):
            personal = f"{below(rng, 0, 10**8):08d}{one(rng, 'TRWAGMYFPDXBNJZ')}"
        number_key = strip_separators(number)
        year = one(rng, (2015, 2019, 2021, 2023))
        label = f"{issuer.name} - {DOCUMENT_LABELS[code]}"
        names: tuple[str, ...] = (f"{label} ({year})",)
        if code == "ID" and rng.random() < 0.1:
            names += (f"{label} ({year - 4})",)  # the back side matched an older model
        issued, month, day = below(rng, 2016, 2026), below(rng, 1, 13), below(rng, 1, 29)
        return Document(
            code=code,
            issuing_state=issuer,
            number=number,
            personal_number=personal,
            names=names,
            region=one(rng, issuer.regions) if issuer.regions and code in ("DL", "ID") else None,
            date_of_issue=f"{issued}-{month:02d}-{day:02d}",
            expiration_date=f"{issued + 10}-{month:02d}-{day:02d}",
            number_keys=(number_key, personal) if personal else (number_key,),
        )


def _version(rng: random.Random, workflow: Workflow) -> int:
    """Mostly the published version; some sessions predate it (never reused by create)."""
    if workflow.version > 1 and rng.random() < 0.15:
        return workflow.version - 1
    return workflow.version


def generate_kyc(seed: int, count: int, anchor: datetime) -> list[KycSession]:
    """`count` KYC sessions, newest first, numbered 1..count."""
    rng = random.Random(f"didit-kyc/{seed}")
    people = PersonFactory(rng)
    known: list[tuple[Person, Document]] = []
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}
    services = tuple(API_SERVICE_FEATURES)
    recent = anchor - _RECENT
    sessions: list[KycSession] = []
    for number, created in enumerate(_timeline(rng, count, anchor), start=1):
        if known and rng.random() < 0.45:  # a returning user
            person, document = one(rng, known)
            if rng.random() < 0.15:
                document = people.document(person)
        else:
            person = people.person()
            document = people.document(person)
            known.append((person, document))
        kind = rng.random()
        workflow: Workflow | None = None
        service: str | None = None
        if kind < 0.08:
            session_type = "API"
            service = one(rng, services)
            features = API_SERVICE_FEATURES[service]
            status = _API_STATUSES.pick(rng)
        else:
            session_type = "MIGRATED" if kind < 0.12 else "HOSTED"
            workflow = _KYC_FLOWS.pick(rng)
            features = workflow.features
            status = (_RECENT_STATUSES if created > recent else _OLD_STATUSES).pick(rng)
        statuses, warnings = lifecycle.plan_features(features, status, rng)
        statuses = interned.setdefault(statuses, statuses)
        reviewed = status == "In Review" or (
            status in lifecycle.FINISHED_SESSION_STATUSES and rng.random() < 0.2
        )
        hosted = session_type == "HOSTED"
        extra = rng.random()
        sessions.append(
            KycSession(
                session_id=new_uuid(rng),
                session_number=number,
                created_at=created,
                session_type=session_type,
                api_service=service,
                workflow=workflow,
                workflow_version=_version(rng, workflow) if workflow else None,
                features=features,
                session_token=session_token(rng) if hosted else None,
                vendor_data=person.vendor_data if rng.random() > 0.05 else None,
                person=person,
                document=document,
                facts=draw_facts(rng),
                status=status,
                feature_statuses=statuses,
                warnings=warnings,
                status_initialized_as_in_review=reviewed,
                contact_details=_contact(person) if hosted and extra < 0.2 else None,
                expected_details=_expected(person) if hosted and 0.2 <= extra < 0.3 else None,
                callback=_CALLBACK if hosted and extra < 0.5 else None,
            )
        )
    sessions.reverse()
    return sessions


def _contact(person: Person) -> dict[str, object]:
    return {
        "email": person.email,
        "email_lang": "en",
        "send_notification_emails": False,
        "phone": person.phone,
    }


def _expected(person: Person) -> dict[str, object]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth,
        "nationality": person.nationality.iso3,
        "country": person.nationality.iso3,
    }


def generate_kyb(seed: int, count: int, anchor: datetime) -> list[KybSession]:
    """`count` KYB sessions, newest first, numbered 1..count independently of KYC."""
    rng = random.Random(f"didit-kyb/{seed}")
    companies = CompanyFactory(rng)
    known: list[tuple[Company, str]] = []
    sessions: list[KybSession] = []
    for number, created in enumerate(_timeline(rng, count, anchor), start=1):
        if known and rng.random() < 0.3:
            company, vendor = one(rng, known)
        else:
            company = companies.company()
            vendor = companies.vendor_data(company)
            known.append((company, vendor))
        workflow = _KYB_FLOWS.pick(rng)
        status = _KYB_STATUSES.pick(rng)
        statuses, warnings = lifecycle.plan_features(workflow.features, status, rng)
        sessions.append(
            KybSession(
                session_id=new_uuid(rng),
                session_number=number,
                created_at=created,
                workflow=workflow,
                workflow_version=_version(rng, workflow),
                features=workflow.features,
                session_token=session_token(rng),
                vendor_data=vendor if rng.random() > 0.05 else None,
                company=company,
                status=status,
                feature_statuses=statuses,
                warnings=warnings,
            )
        )
    sessions.reverse()
    return sessions
