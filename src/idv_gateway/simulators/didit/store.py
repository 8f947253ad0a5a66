"""The simulated application's sessions and every way they change.

`store.kyc` and `store.kyb` are the session lists, newest first (descending
`session_number`), exactly as the list endpoint orders them; tests read them to compute
expected results. All mutations (create, status moves, delete) go through this class so
that rows and search keys are refreshed in one place.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from idv_gateway.simulators.didit._text import new_uuid
from idv_gateway.simulators.didit.catalog import (
    ORGANIZATION_NAME,
    UNFINISHED_STATUSES,
    WORKFLOWS,
    Workflow,
)
from idv_gateway.simulators.didit.companies import CompanyFactory
from idv_gateway.simulators.didit.dataset import (
    PersonFactory,
    generate_kyb,
    generate_kyc,
    session_token,
)
from idv_gateway.simulators.didit.facts import draw_facts
from idv_gateway.simulators.didit.lifecycle import FINISHED_SESSION_STATUSES, plan_features
from idv_gateway.simulators.didit.records import KybSession, KycSession
from idv_gateway.simulators.didit.rows import refresh_kyb, refresh_kyc

__all__ = ["DiditStore", "Session"]

Session = KycSession | KybSession
_TICK = timedelta(microseconds=1)


class DiditStore:
    """In-memory sessions of one Didit application (one API key)."""

    def __init__(
        self,
        *,
        seed: int,
        sessions: int,
        business_sessions: int,
        anchor: datetime,
        kyb_uppercase_status: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.seed = seed
        self.anchor = anchor
        self.kyb_uppercase_status = kyb_uppercase_status
        self.organization_name = ORGANIZATION_NAME
        self.workflows: Mapping[str, Workflow] = WORKFLOWS
        # Nothing built here forms a reference cycle, so pausing the cyclic collector (which
        # would rescan the growing heap again and again) only saves time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.kyc: list[KycSession] = generate_kyc(seed, sessions, anchor)
            self.kyb: list[KybSession] = generate_kyb(seed, business_sessions, anchor)
            for kyc in self.kyc:
                refresh_kyc(kyc)
            for kyb in self.kyb:
                refresh_kyb(kyb, kyb_uppercase_status)
        finally:
            if collecting:
                gc.enable()
        self._by_id: dict[str, Session] = {s.session_id: s for s in self.kyc}
        self._by_id.update((s.session_id, s) for s in self.kyb)
        self._next_number = {
            "user": self.kyc[0].session_number + 1 if self.kyc else 1,
            "business": self.kyb[0].session_number + 1 if self.kyb else 1,
        }
        self._rng = random.Random(f"didit-created/{seed}")
        self._people = PersonFactory(self._rng)
        self._companies = CompanyFactory(self._rng)
        self._clock = clock or (lambda: datetime.now(UTC))
        # Called after every create and status move (the webhook emitter listens here).
        self.on_status_change: Callable[[Session], None] | None = None

    # -- reads ------------------------------------------------------------------
    def get(self, session_id: str) -> Session | None:
        """A live (not deleted) KYC or KYB session by its lowercase UUID."""
        return self._by_id.get(session_id)

    def get_kyc(self, session_id: str) -> KycSession | None:
        session = self._by_id.get(session_id)
        return session if isinstance(session, KycSession) else None

    def get_kyb(self, session_id: str) -> KybSession | None:
        session = self._by_id.get(session_id)
        return session if isinstance(session, KybSession) else None

    # -- writes -----------------------------------------------------------------
    def create(
        self,
        workflow: Workflow,
        *,
        vendor_data: str | None = None,
        callback: str | None = None,
        callback_method: str | None = None,
        metadata: Any = None,
        contact_details: dict[str, Any] | None = None,
        expected_details: dict[str, Any] | None = None,
    ) -> tuple[Session, bool]:
        """A new `Not Started` session, or the reusable one (§3.3); returns (session, reused)."""
        reusable = self._reusable(workflow, vendor_data)
        if reusable is not None:
            reusable.callback, reusable.metadata = callback, metadata
            return reusable, True
        created = self.now()
        number = self._next_number[workflow.kind]
        self._next_number[workflow.kind] = number + 1
        rng = self._rng
        common: dict[str, Any] = {
            "session_id": new_uuid(rng),
            "session_number": number,
            "created_at": created,
            "workflow": workflow,
            "workflow_version": workflow.version,
            "features": workflow.features,
            "session_token": session_token(rng),
            "vendor_data": vendor_data,
            "status": "Not Started",
            "feature_statuses": ("Not Finished",) * len(workflow.features),
            "warnings": (),
            "metadata": metadata,
            "callback": callback,
            "callback_method": callback_method,
        }
        session: Session
        if workflow.kind == "business":
            kyb_contact = {k: v for k, v in (contact_details or {}).items() if k != "phone"}
            session = KybSession(
                company=self._companies.company(), contact_details=kyb_contact or None, **common
            )
            refresh_kyb(session, self.kyb_uppercase_status)
            self.kyb.insert(0, session)
        else:
            person = self._people.person()
            session = KycSession(
                session_type="HOSTED",
                api_service=None,
                person=person,
                document=self._people.document(person),
                facts=draw_facts(rng),
                status_initialized_as_in_review=False,
                contact_details=contact_details,
                expected_details=expected_details,
                **common,
            )
            refresh_kyc(session)
            self.kyc.insert(0, session)
        self._by_id[session.session_id] = session
        self._changed(session)
        return session, False

    def move(
        self,
        session: Session,
        status: str,
        *,
        focus: Sequence[str] = (),
        review: dict[str, Any] | None = None,
    ) -> None:
        """Put a session in `status`, redrawing feature statuses and warnings to match."""
        salt = f"didit-move/{self.seed}/{session.session_id}/{status}/{len(session.reviews)}"
        statuses, warnings = plan_features(session.features, status, random.Random(salt), focus)
        was_open = session.status not in FINISHED_SESSION_STATUSES
        session.status, session.feature_statuses, session.warnings = status, statuses, warnings
        if review is not None:
            session.reviews.append(review)
        if isinstance(session, KycSession):
            if was_open and status in FINISHED_SESSION_STATUSES:
                session.status_initialized_as_in_review = status == "In Review"
            refresh_kyc(session)
        else:
            refresh_kyb(session, self.kyb_uppercase_status)
        self._changed(session)

    def delete(self, session_id: str) -> Session | None:
        """Soft delete: the session vanishes from every read; returns it, or None if absent."""
        session = self._by_id.pop(session_id, None)
        if isinstance(session, KycSession):
            self.kyc.remove(session)
        elif isinstance(session, KybSession):
            self.kyb.remove(session)
        return session

    def now(self) -> datetime:
        """The clock, nudged past the newest session so new sessions always sort first."""
        heads = [s[0].created_at for s in (self.kyc, self.kyb) if s]
        return max([self._clock(), *(head + _TICK for head in heads)])

    # -- internals --------------------------------------------------------------
    def _changed(self, session: Session) -> None:
        if self.on_status_change is not None:
            self.on_status_change(session)

    def _reusable(self, workflow: Workflow, vendor_data: str | None) -> Session | None:
        if vendor_data is None:
            return None
        sessions: Sequence[Session] = self.kyb if workflow.kind == "business" else self.kyc
        for session in sessions:
            if (
                session.vendor_data == vendor_data
                and session.workflow is workflow
                and session.workflow_version == workflow.version
                and session.status in UNFINISHED_STATUSES
                and session.session_token is not None
            ):
                return session
        return None
