"""Provider adapters: the only code that knows provider URLs, parameters and JSON."""

from idv_gateway.providers.base import CursorPage, DiditPort, KaylePort, OffsetPage
from idv_gateway.providers.didit import DiditProvider
from idv_gateway.providers.kayle import KayleProvider

__all__ = ["CursorPage", "DiditPort", "DiditProvider", "KaylePort", "KayleProvider", "OffsetPage"]
