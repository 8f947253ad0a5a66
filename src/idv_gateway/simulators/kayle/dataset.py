"""Deterministic seed data for the Kayle simulator, consistent with Kayle's state machine.

Everything comes from one `random.Random(seed)`: the same seed, size and anchor always
give byte-identical sessions. Ids are random `[a-z0-9]` strings, unrelated to time, so
the API's `ORDER BY id` listing is not chronological — exactly what integrators face.
Sessions older than an hour before the anchor are terminal (their window has passed);
the last hour also holds `created` and `in_progress` ones.
"""

from __future__ import annotations

import random
from datetime import datetime

from idv_gateway.simulators.kayle.contract import DEFAULT_SHARE_FIELDS, normalize_share_fields
from idv_gateway.simulators.kayle.jscompat import from_ms, to_ms
from idv_gateway.simulators.kayle.models import (
    VERIFICATION_FAILURE_CODES,
    Attempt,
    Session,
    ShareField,
)

__all__ = ["generate_sessions", "random_token"]

_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_BYTE_TO_CHAR = bytes(_ALPHABET[b % 36] for b in range(256))
_REJECTED_BYTES = bytes(range(252, 256))  # 252 = 7 * 36: rejection keeps characters uniform
_HOUR_MS = 3_600_000
_SPAN_MS = 182 * 24 * _HOUR_MS  # about six months of history
_SWEEP_MS = 300_000  # the expiry sweep runs every five minutes
_TEMPLATES: tuple[dict[str, tuple[bool, str]], ...] = (
    {"date_of_birth": (True, "Needed to verify age eligibility")},
    {"age_over_18": (True, "Confirm you are old enough to open an account")},
    {
        "family_name": (True, "Match the account holder's legal name"),
        "given_names": (True, "Match the account holder's legal name"),
        "date_of_birth": (False, "Pre-fill your profile"),
        "nationality_code": (False, "Regulatory reporting"),
    },
    {
        "document_number": (True, "Record the document used for onboarding"),
        "document_type_code": (True, "Record the document used for onboarding"),
        "issuing_country_code": (True, "Record the document used for onboarding"),
        "document_expiry_date": (True, "Check the document is still valid"),
        "kayle_document_id": (False, "Detect duplicate sign-ups"),
    },
    {
        "kayle_human_id": (True, "Prevent duplicate accounts"),
        "document_photo": (False, "Keep a copy for manual review"),
        "sex_marker": (False, "Tailor the onboarding questions"),
    },
    {
        "date_of_birth": (False, "Show your age on your profile"),
        "age_over_21": (True, "Alcohol sales need a 21+ check"),
    },
)
_REDIRECTS = (
    "https://app.example.com/kyc/complete",
    "https://shop.example.org/checkout/verified?step=3",
    "https://example.net/onboarding/return",
)
# First sessions of each band: every status and attempt shape appears even in tiny datasets.
_RECENT_PLAN = (
    ("created", 0, ""),
    ("created", 2, ""),
    ("in_progress", 1, ""),
    ("created", 0, "ip"),
)
_OLD_PLAN = (
    ("completed", 2, "succeeded"),
    ("completed", 3, "failed"),
    ("expired", 1, "ip"),
    ("cancelled", 0, "ip"),
    ("completed", 0, "succeeded"),
)


def random_token(rng: random.Random, length: int) -> str:
    """`length` uniform characters of `[a-z0-9]`, like Kayle's rejection-sampled generator."""
    out = b""
    while len(out) < length:
        out += rng.randbytes(length + length // 4 + 8).translate(_BYTE_TO_CHAR, _REJECTED_BYTES)
    return out[:length].decode()


class _Generator:
    def __init__(self, rng: random.Random, anchor_ms: int) -> None:
        self.rng = rng
        self.anchor_ms = anchor_ms
        self.failures = 0
        self.contracts: list[dict[str, ShareField]] = [
            normalize_share_fields(t) for t in _TEMPLATES
        ]

    def failure(self, attempt: Attempt, at_ms: int) -> None:
        """Fail an attempt with a verification code (cycling through all codes first)."""
        codes = VERIFICATION_FAILURE_CODES
        code = codes[self.failures] if self.failures < len(codes) else self.rng.choice(codes)
        self.failures += 1
        attempt.status, attempt.failure_code = "failed", code
        rng = self.rng
        attempt.risk_score = 1.0 if rng.random() < 0.85 else round(rng.uniform(0.55, 0.99), 4)
        attempt.completed_at = attempt.updated_at = from_ms(at_ms)

    def scenario(self, recent: bool, index: int) -> tuple[str, int, str]:
        plan = _RECENT_PLAN if recent else _OLD_PLAN
        if index < len(plan):
            return plan[index]
        rng = self.rng
        fails = rng.choices((0, 1, 2), (60, 25, 15))[0]
        if recent:
            status = rng.choices(
                ("created", "in_progress", "completed", "cancelled"), (40, 30, 20, 10)
            )[0]
        else:
            status = rng.choices(("completed", "expired", "cancelled"), (60, 25, 15))[0]
        if status == "completed":
            return (status, 3, "failed") if rng.random() < 0.3 else (status, fails, "succeeded")
        if status == "in_progress":
            return status, fails, "ip"
        return status, fails, "ip" if rng.random() < 0.4 else ""

    def session(self, created_ms: int, scenario: tuple[str, int, str]) -> Session:
        status, fails, flag = scenario
        rng = self.rng
        session_id = "vs_" + random_token(rng, 64)
        expires_ms = created_ms + _HOUR_MS
        window_end = min(
            created_ms + rng.randint(90_000, 2_400_000), expires_ms - 1, self.anchor_ms
        )
        open_attempt = flag in ("ip", "succeeded") or status == "in_progress"
        # failed attempts (start, end), the open attempt's start, then one closing moment:
        # the hello (in_progress), the success, or the cancellation.
        closing = status in ("in_progress", "cancelled") or flag == "succeeded"
        points = 2 * fails + open_attempt + closing
        stamps = sorted(rng.randint(created_ms, max(created_ms, window_end)) for _ in range(points))
        moments = iter(stamps)
        attempts: list[Attempt] = []
        for _ in range(fails):
            attempt = self._attempt(session_id, next(moments))
            self.failure(attempt, next(moments))
            attempts.append(attempt)
        updated_ms = stamps[2 * fails - 1] if fails else created_ms
        completed_ms: int | None = None
        if open_attempt:
            attempts.append(self._attempt(session_id, next(moments)))
        if flag == "succeeded":
            succeeded = attempts[-1]
            succeeded.status = "succeeded"
            succeeded.risk_score = round(1 - rng.uniform(0.62, 0.995), 4)
            completed_ms = next(moments)
            succeeded.completed_at = succeeded.updated_at = from_ms(completed_ms)
        elif status == "completed":
            completed_ms = updated_ms
        elif status == "in_progress":
            updated_ms = next(moments)  # the mobile client's authenticated hello
        elif status == "expired":
            sweep = (expires_ms // _SWEEP_MS + 1) * _SWEEP_MS + rng.randint(100, 4000)
            completed_ms = min(sweep, self.anchor_ms)
        elif status == "cancelled":
            completed_ms = next(moments)
        if status in ("expired", "cancelled"):
            for attempt in attempts:
                if attempt.status == "in_progress":
                    attempt.status, attempt.failure_code = "failed", f"session_{status}"
                    attempt.completed_at = attempt.updated_at = from_ms(completed_ms or created_ms)
        if completed_ms is not None:
            updated_ms = completed_ms
        contract = DEFAULT_SHARE_FIELDS if rng.random() < 0.55 else rng.choice(self.contracts)
        redirect = None if rng.random() < 0.45 else rng.choice(_REDIRECTS)
        return Session(
            id=session_id,
            status=status,
            share_fields=contract,
            redirect_url=redirect,
            expires_at=from_ms(expires_ms),
            completed_at=None if completed_ms is None else from_ms(completed_ms),
            created_at=from_ms(created_ms),
            updated_at=from_ms(updated_ms),
            attempts=attempts,
        )

    def _attempt(self, session_id: str, created_ms: int) -> Attempt:
        created = from_ms(created_ms)
        attempt_id = "va_" + random_token(self.rng, 64)
        return Attempt(attempt_id, session_id, "in_progress", None, 0.0, None, created, created)


def generate_sessions(seed: int, count: int, anchor: datetime) -> list[Session]:
    """`count` sessions created before `anchor`, denser towards it, with some exact ties."""
    rng = random.Random(seed)
    anchor_ms = to_ms(anchor)
    generator = _Generator(rng, anchor_ms)
    recent_count = min(count, max(len(_RECENT_PLAN) + 2, round(count * 0.015)))
    sessions: list[Session] = []
    previous_age = -1
    for index in range(count):
        recent = index < recent_count
        band_index = index if recent else index - recent_count
        if band_index > 0 and (band_index == 1 or rng.random() < 0.02):
            age = previous_age  # an exact millisecond tie with the previous session
        elif recent:
            age = rng.randint(1_000, _HOUR_MS - 1)
        else:
            age = _HOUR_MS + int((_SPAN_MS - _HOUR_MS) * rng.random() ** 2)
        previous_age = age
        sessions.append(generator.session(anchor_ms - age, generator.scenario(recent, band_index)))
    return sessions
