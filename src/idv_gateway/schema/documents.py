"""Parsed and validated documents, reused by their text and bounded by the text they hold.

Strawberry's stock parser and validation caches count entries, not bytes, and keep every
document they see, refused ones included. A parsed document weighs about 120 bytes per
source character (7.4 MB for 61 KB of aliases), so 64 entries of hostile text pinned
hundreds of megabytes per worker. Here only documents that passed validation are kept,
and the total source they hold is capped: the worst case is a few tens of megabytes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

__all__ = ["MAX_CACHED_CHARACTERS", "CachedDocuments", "DocumentCache"]

MAX_CACHED_CHARACTERS = 262_144  # source text held in all; about 30 MiB of syntax trees
MAX_CACHED_DOCUMENTS = 512


class DocumentCache:
    """A least-recently-used map of documents whose budget is the length of their source."""

    def __init__(
        self,
        *,
        max_characters: int = MAX_CACHED_CHARACTERS,
        max_documents: int = MAX_CACHED_DOCUMENTS,
    ) -> None:
        self.max_characters = max_characters
        self.max_documents = max_documents
        self.characters = 0
        self._entries: OrderedDict[Hashable, tuple[int, DocumentNode]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def holds(self, query: str) -> bool:
        """Whether some entry is this text (under any rules); for tests and diagnostics."""
        return any(isinstance(k, tuple) and k and k[0] == query for k in self._entries)

    def get(self, key: Hashable) -> DocumentNode | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, size: int, document: DocumentNode) -> None:
        """Keeps `document` (of `size` source characters) unless it alone exceeds the budget."""
        if size > self.max_characters or key in self._entries:
            return
        self._entries[key] = (size, document)
        self.characters += size
        while self.characters > self.max_characters or len(self._entries) > self.max_documents:
            _, (evicted, _) = self._entries.popitem(last=False)
            self.characters -= evicted


# One per process, like the stock caches: shared by every request and every schema.
# Keys include the parse options and validation rules, so two apps never share a verdict.
VALIDATED = DocumentCache()


class CachedDocuments(SchemaExtension):
    """Skips parsing and validation for a text validated before under the same rules."""

    def __init__(self, cache: DocumentCache = VALIDATED) -> None:
        super().__init__()
        self._cache = cache
        self._hit = False

    def _key(self) -> Hashable:
        context = self.execution_context
        options = tuple(sorted(context.parse_options.items()))
        return (context.query, options, tuple(context.validation_rules))

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            document = self._cache.get(self._key())
            if document is not None:
                context.graphql_document = document
                # Validated (and shape-checked) under these rules before: every check that
                # runs at validation sees it done, and Strawberry skips its own.
                context.pre_execution_errors = []
                self._hit = True
        yield

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if not self._hit and context.pre_execution_errors == [] and document is not None:
            assert context.query is not None
            self._cache.put(self._key(), len(context.query), document)
