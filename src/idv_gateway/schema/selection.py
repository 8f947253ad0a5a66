"""What a connection's query asks of its nodes, so upstream calls fetch only what is used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from idv_gateway.schema.context import Info

__all__ = ["node_fields"]


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """Fields of a selection set, looking through inline fragments and fragment spreads."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, InlineFragment | FragmentSpread):
            yield from _fields(selection.selections)


def node_fields(info: Info) -> frozenset[str]:
    """Names of the fields selected on `edges { node { … } }`, under any type condition."""
    names: set[str] = set()
    for connection in info.selected_fields:
        for edges in _fields(connection.selections):
            if edges.name != "edges":
                continue
            for node in _fields(edges.selections):
                if node.name == "node":
                    names.update(field.name for field in _fields(node.selections))
    return frozenset(names)
