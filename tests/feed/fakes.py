"""In-memory stand-ins for the provider ports, with each provider's paging semantics.

They sit where the HTTP adapters sit and reuse the adapters' own parameter translation,
so property tests exercise the gateway's merge, cursors and refinement on thousands of
datasets quickly. HTTP-level behaviour is covered against the simulators elsewhere.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from idv_gateway.domain import (
    AttemptStatus,
    KayleAttempt,
    KayleSession,
    KybSession,
    KycSession,
    Provider,
    SessionStatus,
)
from idv_gateway.domain.filters import KayleFilter, KybFilter, KycFilter
from idv_gateway.errors import ProviderUnavailable
from idv_gateway.providers.base import CursorPage, OffsetPage
from idv_gateway.providers.didit.adapter import kyb_params, kyc_params
from idv_gateway.providers.kayle.adapter import kayle_status_param

P = TypeVar("P")

BASE = datetime(2026, 6, 1, tzinfo=UTC)
DIDIT_STATUSES = [
    ("Not Started", SessionStatus.NOT_STARTED),
    ("In Progress", SessionStatus.IN_PROGRESS),
    ("Approved", SessionStatus.APPROVED),
    ("Declined", SessionStatus.DECLINED),
    ("In Review", SessionStatus.IN_REVIEW),
    ("Kyc Expired", SessionStatus.KYC_EXPIRED),
]
KAYLE_STATUSES = ["created", "in_progress", "completed", "expired", "cancelled"]


def kyc(n: int, at: datetime, status: int, vendor: str | None) -> KycSession:
    raw, unified = DIDIT_STATUSES[status % len(DIDIT_STATUSES)]
    return KycSession(
        provider_session_id=f"{random.Random(n).getrandbits(128):032x}",
        status=unified,
        provider_status=raw,
        created_at=at,
        session_number=n,
        session_url=None,
        portrait_image=None,
        document_type=None,
        full_name=None,
        country=None,
        vendor_data=vendor,
        didit_internal_id=None,
        features=(),
        phone_number=None,
        email_address=None,
        additional_details=None,
    )


def kyb(n: int, at: datetime, status: int, vendor: str | None) -> KybSession:
    raw, unified = DIDIT_STATUSES[status % len(DIDIT_STATUSES)]
    return KybSession(
        provider_session_id=f"b{random.Random(-n).getrandbits(124):031x}",
        status=unified,
        provider_status=raw,
        created_at=at,
        session_number=n,
        vendor_data=vendor,
        workflow_id=None,
        workflow_type=None,
        workflow_label=None,
        company_name=None,
        registration_number=None,
        country=None,
    )


def kayle(rng: random.Random, at: datetime, status: int) -> KayleSession:
    raw = KAYLE_STATUSES[status % len(KAYLE_STATUSES)]
    sid = "vs_" + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(64))
    succeeded = raw == "completed" and status % 2 == 0
    attempts = (
        KayleAttempt(
            id="va_" + sid[3:],
            session_id=sid,
            status=AttemptStatus.SUCCEEDED if succeeded else AttemptStatus.FAILED,
            provider_status="succeeded" if succeeded else "failed",
            failure_code=None,
            risk_score=0.1,
            completed_at=at,
            created_at=at,
            updated_at=at,
        ),
    )
    unified = {
        "created": SessionStatus.NOT_STARTED,
        "in_progress": SessionStatus.IN_PROGRESS,
        "completed": SessionStatus.APPROVED if succeeded else SessionStatus.DECLINED,
        "expired": SessionStatus.EXPIRED,
        "cancelled": SessionStatus.CANCELLED,
    }[raw]
    return KayleSession(
        provider_session_id=sid,
        status=unified,
        provider_status=raw,
        created_at=at.replace(microsecond=at.microsecond // 1000 * 1000),
        contract_version=1,
        share_fields=(),
        redirect_url=None,
        verification_url=f"https://verify.kayle.id/{sid}",
        expires_at=at + timedelta(hours=1),
        completed_at=None,
        updated_at=at,
        attempts=attempts,
    )


def _day(text: str) -> date:
    return date.fromisoformat(text)


@dataclass
class FakeDidit:
    kyc_rows: list[KycSession] = field(default_factory=list)
    kyb_rows: list[KybSession] = field(default_factory=list)
    fail: bool = False
    calls: int = 0
    # Like the gateway's shared cache: pages remembered from earlier moments, served
    # unless `fresh` (None: no cache). The model clears it as a TTL would.
    remembered: dict[Any, Any] | None = None
    provider = Provider.DIDIT

    def _recall(self, key: Any, fresh: bool, page: Callable[[], P]) -> P:
        if self.remembered is None:
            return page()
        if fresh or key not in self.remembered:
            self.remembered[key] = page()
        remembered: P = self.remembered[key]
        return remembered

    def _check(self) -> None:
        self.calls += 1
        if self.fail:
            raise ProviderUnavailable(Provider.DIDIT, "down (fake)", status=503)

    @staticmethod
    def _select(rows, params, *, kyb_dates: bool):
        statuses = params.get("status")
        out = []
        for row in sorted(rows, key=lambda r: -r.session_number):
            if statuses is not None and row.provider_status not in statuses.split(","):
                continue
            if "vendor_data" in params and row.vendor_data != params["vendor_data"]:
                continue
            if "date_from" in params and row.created_at.date() < _day(params["date_from"]):
                continue
            if "date_to" in params:
                end = _day(params["date_to"])
                if kyb_dates:
                    if row.created_at > datetime.combine(end, datetime.min.time(), tzinfo=UTC):
                        continue
                elif row.created_at.date() > end:
                    continue
            out.append(row)
        return out

    async def list_kyc(
        self, flt: KycFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KycSession]:
        self._check()
        try:
            params = kyc_params(flt)
        except Exception:  # the adapter's "no Didit status can match"
            return OffsetPage(rows=(), total=0, has_more=False)

        def page() -> OffsetPage[KycSession]:
            rows = self._select(self.kyc_rows, params, kyb_dates=False)
            return OffsetPage(
                rows=tuple(rows[offset : offset + limit]),
                total=len(rows),
                has_more=offset + limit < len(rows),
            )

        return self._recall(("kyc", flt, offset, limit), fresh, page)

    async def list_kyb(
        self, flt: KybFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KybSession]:
        self._check()
        try:
            params = kyb_params(flt)
        except Exception:
            return OffsetPage(rows=(), total=0, has_more=False)

        def page() -> OffsetPage[KybSession]:
            rows = self._select(self.kyb_rows, params, kyb_dates=True)
            return OffsetPage(
                rows=tuple(rows[offset : offset + limit]),
                total=min(len(rows), 100) if len(rows) < 100 else None,
                has_more=offset + limit < len(rows),
            )

        return self._recall(("kyb", flt, offset, limit), fresh, page)

    async def get_kyc(self, session_id: str) -> KycSession | None:
        return next((r for r in self.kyc_rows if r.provider_session_id == session_id), None)

    def forget(self, session_id: str) -> int:
        del session_id
        return 0  # nothing cached: every read goes to the fake's rows

    async def get_kyb(self, session_id: str) -> KybSession | None:
        return next((r for r in self.kyb_rows if r.provider_session_id == session_id), None)

    async def get_decision(self, session_id: str) -> None:
        del session_id  # the feed never loads details
        return None


def _ms(value: datetime, *, up: bool) -> datetime:
    truncated = value.replace(microsecond=value.microsecond // 1000 * 1000)
    return truncated + timedelta(milliseconds=1) if up and truncated != value else truncated


@dataclass
class FakeKayle:
    rows: list[KayleSession] = field(default_factory=list)
    fail: bool = False
    calls: int = 0
    provider = Provider.KAYLE

    async def list_sessions(
        self,
        flt: KayleFilter,
        *,
        created_from: datetime | None,
        created_to: datetime | None,
        starting_after: str | None,
        limit: int,
        include_attempts: bool = True,
    ) -> CursorPage[KayleSession]:
        del include_attempts  # the fake always carries attempts
        self.calls += 1
        if self.fail:
            raise ProviderUnavailable(Provider.KAYLE, "down (fake)", status=503)
        try:
            status = kayle_status_param(flt.statuses)
        except Exception:
            return CursorPage(rows=(), next_cursor=None)
        lo = None if created_from is None else _ms(created_from, up=False)
        hi = None if created_to is None else _ms(created_to, up=True)
        rows = sorted(
            (
                r
                for r in self.rows
                if (status is None or r.provider_status == status)
                and (lo is None or r.created_at >= lo)
                and (hi is None or r.created_at <= hi)
                and (starting_after is None or r.provider_session_id > starting_after)
            ),
            key=lambda r: r.provider_session_id,
        )
        page = rows[: limit + 1]
        has_more = len(page) > limit
        page = page[:limit]
        return CursorPage(
            rows=tuple(page), next_cursor=page[-1].provider_session_id if has_more else None
        )

    def forget(self, session_id: str) -> int:
        del session_id
        return 0  # nothing cached: every read goes to the fake's rows

    async def get_session(self, session_id: str) -> KayleSession | None:
        return next((r for r in self.rows if r.provider_session_id == session_id), None)


def dataset(
    seed: int, n_kyc: int, n_kyb: int, n_kayle: int, spread_hours: int, tie_every: int
) -> tuple[FakeDidit, FakeKayle]:
    """Random sessions over `spread_hours`; every `tie_every`-th reuses a previous instant."""
    rng = random.Random(seed)
    instants: list[datetime] = []

    def instant() -> datetime:
        if instants and tie_every and rng.randrange(tie_every) == 0:
            return rng.choice(instants)
        at = BASE + timedelta(microseconds=rng.randrange(spread_hours * 3_600_000_000))
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        instants.append(at)
        return at

    kyc_times = sorted(instant() for _ in range(n_kyc))
    kyb_times = sorted(instant() for _ in range(n_kyb))
    didit = FakeDidit(
        kyc_rows=[
            kyc(i + 1, t, rng.randrange(12), rng.choice([None, "user-1", "user-2"]))
            for i, t in enumerate(kyc_times)
        ],
        kyb_rows=[
            kyb(i + 1, t, rng.randrange(12), rng.choice([None, "biz-1"]))
            for i, t in enumerate(kyb_times)
        ],
    )
    fake_kayle = FakeKayle(rows=[kayle(rng, instant(), rng.randrange(10)) for _ in range(n_kayle)])
    return didit, fake_kayle


def add_kyc_at_head(didit: FakeDidit, count: int, now: datetime) -> None:
    top = max((r.session_number for r in didit.kyc_rows), default=0)
    for i in range(count):
        didit.kyc_rows.append(kyc(top + i + 1, now + timedelta(seconds=i), 2, None))


def replace_status(row: KycSession, status: SessionStatus, raw: str) -> KycSession:
    return replace(row, status=status, provider_status=raw)
