"""Standalone HTTP simulators of the Didit and Kayle APIs, written from the provider documents.

They import nothing from `providers/` or `schema/`, so contract tests of the adapters
are not circular.
"""

from datetime import UTC, datetime

__all__ = [
    "DEFAULT_ANCHOR",
    "DEFAULT_DIDIT_API_KEY",
    "DEFAULT_KAYLE_API_KEY",
    "DEFAULT_KAYLE_SESSIONS",
    "DEFAULT_KYB_SESSIONS",
    "DEFAULT_KYC_SESSIONS",
]

# Seeded data ends here; sessions created later through the APIs are newer than all of it.
DEFAULT_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
DEFAULT_DIDIT_API_KEY = "didit-demo-key-not-a-secret"
DEFAULT_KAYLE_API_KEY = "kk_" + "demo" * 8

# Dataset sizes when none is given (the embedded demo uses them too).
DEFAULT_KYC_SESSIONS = 2000
DEFAULT_KYB_SESSIONS = 300
DEFAULT_KAYLE_SESSIONS = 1500
