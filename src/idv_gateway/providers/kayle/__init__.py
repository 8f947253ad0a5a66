"""Kayle adapter (reusable-ID sessions)."""

from idv_gateway.providers.kayle.adapter import KayleProvider, kayle_status_param

__all__ = ["KayleProvider", "kayle_status_param"]
