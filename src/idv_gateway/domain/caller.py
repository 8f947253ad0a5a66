"""Who is asking, and what they may read (docs/security.md).

A caller is decided at the HTTP edge from a verified token or API key, before any
GraphQL work; resolvers only ever compare scopes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ALL_SCOPES", "Caller", "CallerKind", "Scope"]


class Scope(StrEnum):
    SESSIONS_READ = "sessions:read"  # any session data that is not personal
    PII_READ = "pii:read"  # a natural person's data, and filters that search it
    DECISIONS_READ = "decisions:read"  # the `decision` fields
    SESSIONS_WRITE = "sessions:write"  # mutations: create, review, cancel
    SESSIONS_DELETE = "sessions:delete"  # irreversible deletion
    DOCUMENTS_ANY = "documents:any"  # free-form documents when trusted documents are on


ALL_SCOPES = frozenset(scope.value for scope in Scope)


class CallerKind(StrEnum):
    TOKEN = "token"  # a JWT from the organisation's identity provider
    API_KEY = "api_key"  # a service client's key from the keys file
    OPEN = "open"  # no authentication: the open demo, or IDV_GATEWAY_AUTH_DISABLED=true


@dataclass(frozen=True, slots=True)
class Caller:
    kind: CallerKind
    subject: str  # `sub` of a token, the key id, or "anonymous"
    client: str  # `azp`/`client_id` of a token, the key id, or the remote address
    scopes: frozenset[str]
    tenant: str | None = None

    def has(self, *scopes: str) -> bool:
        return all(scope in self.scopes for scope in scopes)

    @classmethod
    def open(cls, client: str) -> Caller:
        """Every scope but `documents:any`: a trusted-documents manifest binds even an open
        gateway (its operator chose which operations run)."""
        return cls(CallerKind.OPEN, "anonymous", client, ALL_SCOPES - {Scope.DOCUMENTS_ANY.value})
