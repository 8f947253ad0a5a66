"""Didit adapter (KYC and KYB sessions)."""

from idv_gateway.providers.didit.adapter import DIDIT_STATUS_NAMES, DiditProvider

__all__ = ["DIDIT_STATUS_NAMES", "DiditProvider"]
