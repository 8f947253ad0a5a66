"""The gateway's error hierarchy. Leaves are chosen by what a client does next.

    GatewayError                    code             retryable
    ├── BadUserInput                BAD_USER_INPUT   no  (fix the request)
    ├── Forbidden                   FORBIDDEN        no  (ask for the `requiredScopes`)
    ├── QueryTooComplex             QUERY_TOO_COMPLEX      no  (ask for less)
    └── ProviderError                                (carries provider and HTTP status)
        ├── ProviderAuthFailed      PROVIDER_AUTH_FAILED   no  (fix the credential)
        ├── ProviderRateLimited     PROVIDER_RATE_LIMITED  yes (after `retry_after`)
        ├── ProviderUnavailable     PROVIDER_UNAVAILABLE   yes
        ├── ProviderTimeout         PROVIDER_TIMEOUT       yes
        └── ProviderBadResponse     PROVIDER_BAD_RESPONSE  only if the body was cut short

`retryable` is advice to the client (try the same request again later); `transient` is
for the gateway itself: the failed upstream call may be retried at once (connection
errors, 502/503/504, 429). Messages never contain credentials or upstream bodies;
`extensions()` is what a GraphQL client sees (docs/errors.md).
"""

from __future__ import annotations

from typing import Any, ClassVar

from idv_gateway.domain import Provider

__all__ = [
    "BadUserInput",
    "Forbidden",
    "GatewayError",
    "ProviderAuthFailed",
    "ProviderBadResponse",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderTimeout",
    "ProviderUnavailable",
    "QueryTooComplex",
    "WebhookRejected",
]


class GatewayError(Exception):
    code: ClassVar[str] = "INTERNAL"
    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, "retryable": self.retryable}


class BadUserInput(GatewayError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument

    def extensions(self) -> dict[str, Any]:
        extensions = super().extensions()
        if self.argument is not None:
            extensions["argument"] = self.argument
        return extensions


class Forbidden(GatewayError):
    """The caller is who they say, but lacks a scope this field or filter needs."""

    code = "FORBIDDEN"

    def __init__(self, message: str, *, required_scopes: list[str]) -> None:
        super().__init__(message)
        self.required_scopes = required_scopes

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "requiredScopes": self.required_scopes}


class QueryTooComplex(GatewayError):
    """The operation would cost more than a limit allows; checked before any upstream call."""

    code = "QUERY_TOO_COMPLEX"

    def __init__(self, message: str, **details: int) -> None:
        super().__init__(message)
        self.details = details

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), **self.details}


class ProviderError(GatewayError):
    retryable = True

    def __init__(
        self,
        provider: Provider,
        message: str,
        *,
        status: int | None = None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider.value.title()}: {message}")
        self.provider = provider
        self.detail = message  # without the provider's name
        self.status = status
        self.transient = transient
        self.retry_after = retry_after

    def extensions(self) -> dict[str, Any]:
        extensions = super().extensions()
        extensions["provider"] = self.provider.value
        if self.status is not None:
            extensions["httpStatus"] = self.status
        if self.retry_after is not None:
            extensions["retryAfterSeconds"] = self.retry_after
        return extensions


class ProviderAuthFailed(ProviderError):
    code = "PROVIDER_AUTH_FAILED"
    retryable = False


class ProviderRateLimited(ProviderError):
    code = "PROVIDER_RATE_LIMITED"

    def __init__(
        self,
        provider: Provider,
        message: str,
        *,
        status: int | None = 429,
        retry_after: float | None,
    ) -> None:
        super().__init__(provider, message, status=status, transient=True, retry_after=retry_after)


class ProviderUnavailable(ProviderError):
    code = "PROVIDER_UNAVAILABLE"


class ProviderTimeout(ProviderError):
    code = "PROVIDER_TIMEOUT"


class ProviderBadResponse(ProviderError):
    code = "PROVIDER_BAD_RESPONSE"

    def __init__(
        self,
        provider: Provider,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(provider, message, status=status)
        self.retryable = retryable


class WebhookRejected(Exception):
    """A webhook the gateway does not act on: answered 401 (not signed by the provider,
    or outside the replay window) or 400 (signed, but not a shape it can read).

    `reason` is for the log and the answer: it never quotes the body."""

    def __init__(self, reason: str, *, outcome: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome  # a metric label: bad_signature, stale, bad_body …
        self.status = status
