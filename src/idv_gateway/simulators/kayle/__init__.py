"""Simulator of Kayle's partner API v1 (as of v1.5.0): sessions, attempts, auth, zod 400s."""

from idv_gateway.simulators.kayle.app import create_kayle_app

__all__ = ["create_kayle_app"]
