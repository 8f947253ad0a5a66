"""What one response returned of people: sessions and field coordinates, never values."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.pyutils import Path

__all__ = ["AuditTrail"]


@dataclass
class AuditTrail:
    # By the identity of a session object's response path: the fields below it share that
    # very Path object as an ancestor (graphql-core builds each path from its parent's).
    _sessions: dict[int, tuple[Path, str]] = field(default_factory=dict)
    read: dict[str, set[str]] = field(default_factory=dict)  # session global id -> fields
    operation: str | None = None

    def enter_session(self, path: Path | None, global_id: str) -> None:
        if path is not None and id(path) not in self._sessions:
            self._sessions[id(path)] = (path, global_id)

    def personal(self, path: Path, coordinate: str) -> None:
        ancestor = path.prev
        while ancestor is not None:
            found = self._sessions.get(id(ancestor))
            if found is not None and found[0] is ancestor:
                self.read.setdefault(found[1], set()).add(coordinate)
                return
            ancestor = ancestor.prev
        self.read.setdefault("", set()).add(coordinate)  # not under a session: still counted

    @property
    def empty(self) -> bool:
        return not self.read
