"""Business-only checks of a Didit KYB decision (didit-api-reference.md §4.6).

The reference captures only `status`, `node_id`, `warnings` and the registry's
`data_resolved` for these items; everything else an item carries stays in `details`, as
Didit sent it, rather than being typed from a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from idv_gateway.domain.checks import DecisionItem

__all__ = ["DocumentVerification", "KeyPeopleCheck", "RegistryCheck"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryCheck(DecisionItem):
    data_resolved: bool | None
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentVerification(DecisionItem):
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyPeopleCheck(DecisionItem):
    details: Mapping[str, Any]
