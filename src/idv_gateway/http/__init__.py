"""The HTTP edge: everything that touches a raw request before GraphQL sees it.

`admission`: a bounded number of operations at once, 503 `OVERLOADED` beyond a short queue.
`body_guard`: bounded bodies and query strings, JSON shapes the parser can read.
`observer`: a request id on every request, the access log line and HTTP metrics.
`media`: response content negotiation. `graphql`: the GraphQL-over-HTTP router.
`graphiql`: the GraphiQL page and its files, served offline.
Caller identity, CORS and Host checks belong here too.
"""

from idv_gateway.http.admission import Admission
from idv_gateway.http.body_guard import BodyGuard
from idv_gateway.http.graphiql import graphiql_assets_router
from idv_gateway.http.graphql import graphql_router
from idv_gateway.http.observer import REQUEST_ID_HEADER, RequestObserver

__all__ = [
    "REQUEST_ID_HEADER",
    "Admission",
    "BodyGuard",
    "RequestObserver",
    "graphiql_assets_router",
    "graphql_router",
]
