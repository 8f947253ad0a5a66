"""Query limits, checked after validation and before any resolver runs (docs/errors.md).

A careless or malicious operation must not take the gateway or the providers' rate limits
down, so every operation is measured before it executes: tokens (while parsing), depth,
aliases, and a **cost** that estimates the upstream work. Cost = rows asked of each
connection × the sources it fans out to (`sessions`: 3 unless `filter.sources` narrows
it; `kycSessions`, `kybSessions`, `kayleSessions`: 1), + one per row for each detail
field (`decision`: one call per session), + one per id for `node`, `nodes` and
federation's `_entities`. Fields that appear several times (fragments) count once, as
they execute once; `first` is read as graphql-core will coerce it (`5.0` is 5).
Introspection costs nothing and does not count towards depth (tools ask for `ofType`
nine levels deep); graphql-core's `MaxIntrospectionDepthRule` already refuses
introspection that nests `fields`/`interfaces`/`possibleTypes` without end. Aliases
inside it count like any other, and `__schema` may appear once per operation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_operation_ast,
    value_from_ast_untyped,
)
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule
from strawberry.extensions import SchemaExtension

from idv_gateway.config import Settings
from idv_gateway.domain import SessionSource
from idv_gateway.errors import BadUserInput, GatewayError, QueryTooComplex
from idv_gateway.schema.query import DEFAULT_FIRST
from idv_gateway.service import MAX_PAGE_SIZE

__all__ = ["Cost", "Limits", "NoServiceSdlRule", "QueryLimits", "measure"]

# Root connections and the number of sources each reads.
_CONNECTIONS = {
    "sessions": len(SessionSource),
    "kycSessions": 1,
    "kybSessions": 1,
    "kayleSessions": 1,
}
# Lookups by id, and the argument holding the id(s).
_LOOKUPS = {"node": "id", "nodes": "ids", "_entities": "representations"}
# Fields that cost one upstream call per object they appear on.
_DETAILS = frozenset({"decision"})
_SOURCES = frozenset(source.name for source in SessionSource)
_SHOWN = 6  # cost items named in an error message
MAX_SCHEMA_DUMPS = 1  # `__schema` per operation: tools ask once; aliases would multiply it
# Checked before validation, whose overlapping-fields rule is quadratic in the fields
# sharing a response key: 250 copies of one field took 0.37 s of CPU to validate.
MAX_REPEATS = 20  # selections of one response key in one selection set, fragments expanded
MAX_EXPANDED_FIELDS = 1_000  # field selections once every fragment spread is expanded


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int
    max_aliases: int
    max_tokens: int
    cost_budget: int
    introspection: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_query_aliases,
            max_tokens=settings.max_query_tokens,
            cost_budget=settings.query_cost_budget,
            introspection=settings.introspection_on,
        )


@dataclass
class Cost:
    total: int = 0
    depth: int = 0
    aliases: int = 0
    introspection: int = 0  # `__schema` fields: each one dumps the whole schema
    items: list[str] = field(default_factory=list)

    def add(self, amount: int, label: str) -> None:
        self.total += amount
        self.items.append(f"{label} = {amount:,}")


def shape_problem(document: DocumentNode) -> QueryTooComplex | None:
    """A document validation would spend too long on (see MAX_REPEATS), or None."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    budget = MAX_EXPANDED_FIELDS
    pending: list[tuple[SelectionSetNode, frozenset[str]]] = [
        (d.selection_set, frozenset())
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    while pending:
        counts: dict[str, int] = {}
        stack = [pending.pop()]
        while stack:
            selection_set, active = stack.pop()
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    budget -= 1
                    if budget < 0:
                        return QueryTooComplex(
                            f"the operation selects more than {MAX_EXPANDED_FIELDS:,} fields "
                            "once its fragments are expanded",
                            maxFields=MAX_EXPANDED_FIELDS,
                        )
                    key = (selection.alias or selection.name).value
                    counts[key] = counts.get(key, 0) + 1
                    if counts[key] > MAX_REPEATS:
                        return QueryTooComplex(
                            f"`{key}` is selected more than {MAX_REPEATS} times in one selection "
                            "set (fragments included); select it once",
                            maxRepeats=MAX_REPEATS,
                        )
                    if selection.selection_set is not None:
                        pending.append((selection.selection_set, active))
                elif isinstance(selection, InlineFragmentNode):
                    stack.append((selection.selection_set, active))
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in fragments and name not in active:  # cycles: validation says so
                        stack.append((fragments[name].selection_set, active | {name}))
    return None


def measure(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> Cost | None:
    """The cost, depth and aliases of the operation that would run; None if there is none."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None  # execution reports the missing or ambiguous operation
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    walker = _Walker(fragments, values)
    cost = Cost()
    cost.depth = walker.walk([operation.selection_set], rows=1, prefix=None, cost=cost)
    cost.aliases = walker.aliases
    return cost


class _Walker:
    def __init__(
        self, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ) -> None:
        self._fragments = fragments
        self._variables = dict(variables)
        self.aliases = 0

    def walk(
        self, sets: Sequence[SelectionSetNode], *, rows: int, prefix: str | None, cost: Cost
    ) -> int:
        """Adds the cost of `sets` (merged) for `rows` parent objects; returns their depth.

        `prefix` names the root field in cost items (its alias and a dot); None at the root.
        """
        depth = 0
        for key, nodes in self._merge(sets).items():
            name = nodes[0].name.value
            if name.startswith("__"):
                # Introspection: no upstream cost and no depth (graphql-core bounds it),
                # but its aliases count, and each schema dump is charged.
                cost.introspection += name == "__schema"
                subsets = [n.selection_set for n in nodes if n.selection_set is not None]
                self.walk(subsets, rows=0, prefix=prefix or "", cost=cost)
                continue
            shown = name if key == name else f"{key}: {name}"
            children = rows
            if prefix is None and name in _CONNECTIONS:
                size = self._first(nodes[0])
                fan = self._fan_out(nodes[0]) if name == "sessions" else _CONNECTIONS[name]
                cost.add(rows * size * fan, f"{shown}(first: {size}) × {fan} sources")
                children = size
            elif prefix is None and name in _LOOKUPS:
                count = self._ids(nodes[0], _LOOKUPS[name])
                cost.add(rows * count, f"{shown} × {count} ids")
                children = count
            elif name in _DETAILS:
                cost.add(rows, f"{prefix or ''}{name} × {rows:,} rows")
            subsets = [n.selection_set for n in nodes if n.selection_set is not None]
            inner = ("" if key == name else f"{key}.") if prefix is None else prefix
            below = self.walk(subsets, rows=children, prefix=inner, cost=cost)
            depth = max(depth, 1 + below)
        return depth

    def _merge(self, sets: Sequence[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """Fields by response key, through fragments; each fragment is expanded once here."""
        merged: dict[str, list[FieldNode]] = {}
        seen: set[str] = set()
        for node in self._flatten(sets, seen):
            if node.alias is not None:
                self.aliases += 1
            key = node.alias.value if node.alias is not None else node.name.value
            merged.setdefault(key, []).append(node)
        return merged

    def _flatten(self, sets: Sequence[SelectionSetNode], seen: set[str]) -> Iterator[FieldNode]:
        for selection_set in sets:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    yield selection
                elif isinstance(selection, InlineFragmentNode):
                    yield from self._flatten([selection.selection_set], seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self._fragments.get(name)
                    if fragment is not None and name not in seen:
                        seen.add(name)
                        yield from self._flatten([fragment.selection_set], seen)

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, self._variables)
        return None

    def _first(self, node: FieldNode) -> int:
        first = self._argument(node, "first")
        if isinstance(first, float) and first.is_integer():
            first = int(first)  # graphql-core coerces 5.0 to the Int 5, so it costs 5
        if not isinstance(first, int) or isinstance(first, bool):
            return DEFAULT_FIRST  # absent, or invalid: execution rejects it before any call
        return max(0, min(first, MAX_PAGE_SIZE))  # out of range: BAD_USER_INPUT, no call

    def _fan_out(self, node: FieldNode) -> int:
        flt = self._argument(node, "filter")
        sources = flt.get("sources") if isinstance(flt, dict) else None
        if not isinstance(sources, list):
            sources = [sources]  # input coercion accepts one item for a list (or null)
        named = {s for s in sources if isinstance(s, str) and s in _SOURCES}
        return len(named) or len(SessionSource)

    def _ids(self, node: FieldNode, argument: str) -> int:
        value = self._argument(node, argument)
        items = value if isinstance(value, list) else [value]  # one item coerces to a list
        if argument == "representations":
            _check_representations(items)
            return len(items)
        return min(len(items), MAX_PAGE_SIZE) if argument == "ids" else len(items)


def _check_representations(items: list[Any]) -> None:
    """Federation's `_Any` takes any value; the entity resolver needs `{__typename, …}`."""
    if not all(isinstance(i, dict) and isinstance(i.get("__typename"), str) for i in items):
        raise BadUserInput(
            "every item of `representations` must be an object with a `__typename`",
            argument="representations",
        )


def _message(cost: Cost, budget: int) -> str:
    shown = ", ".join(cost.items[:_SHOWN])
    more = f", … ({len(cost.items) - _SHOWN} more)" if len(cost.items) > _SHOWN else ""
    return (
        f"cost {cost.total:,} exceeds the budget of {budget:,}: {shown}{more}. "
        "Ask for fewer rows, fewer sources or fewer details per request."
    )


def check(limits: Limits, cost: Cost) -> None:
    """Raise `QueryTooComplex` when `cost` breaks one of `limits`."""
    if cost.depth > limits.max_depth:
        raise QueryTooComplex(
            f"the operation is {cost.depth} levels deep; at most {limits.max_depth} are allowed",
            depth=cost.depth,
            maxDepth=limits.max_depth,
        )
    if cost.aliases > limits.max_aliases:
        raise QueryTooComplex(
            f"the operation uses {cost.aliases} aliases; at most {limits.max_aliases} are allowed",
            aliases=cost.aliases,
            maxAliases=limits.max_aliases,
        )
    if cost.introspection > MAX_SCHEMA_DUMPS:
        raise QueryTooComplex(
            f"the operation asks for `__schema` {cost.introspection} times; once is enough",
            introspection=cost.introspection,
        )
    if cost.total > limits.cost_budget:
        raise QueryTooComplex(
            _message(cost, limits.cost_budget), cost=cost.total, budget=limits.cost_budget
        )


class NoServiceSdlRule(ValidationRule):
    """Federation's `_service { sdl }` is the whole schema: off with introspection."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value == "_service":
            self.report_error(
                GraphQLError(
                    "GraphQL introspection has been disabled, and with it federation's "
                    "`_service`: compose from `idv-gateway export-schema --federation`, or set "
                    "IDV_GATEWAY_INTROSPECTION_ENABLED=true",
                    node,
                )
            )


# Outside an app (a schema executed in-process): the documented defaults of `Settings`.
_DEFAULT_LIMITS = Limits.from_settings(Settings.model_construct())


class QueryLimits(SchemaExtension):
    """Enforces `Limits` (from the app's settings) on every operation before it executes."""

    def _limits(self) -> Limits:
        request = getattr(self.execution_context.context, "request", None)
        app = getattr(request, "app", None)
        limits = getattr(getattr(app, "state", None), "limits", None)
        return limits if isinstance(limits, Limits) else _DEFAULT_LIMITS

    def on_operation(self) -> Iterator[None]:
        limits = self._limits()
        context = self.execution_context
        context.parse_options["max_tokens"] = limits.max_tokens
        if not limits.introspection:
            context.validation_rules = (
                *context.validation_rules,
                NoSchemaIntrospectionCustomRule,
                NoServiceSdlRule,
            )
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            problem = shape_problem(context.graphql_document)
            if problem is not None:
                # Set before validation runs, so Strawberry skips it (and the cache).
                context.pre_execution_errors = [
                    GraphQLError(problem.message, extensions=problem.extensions())
                ]
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            try:
                cost = measure(context.graphql_document, context.operation_name, context.variables)
                if cost is not None:
                    check(self._limits(), cost)
            except GatewayError as error:
                raise GraphQLError(
                    error.message, original_error=error, extensions=error.extensions()
                ) from error
        yield
