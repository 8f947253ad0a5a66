// A back-office list of sessions as a Relay app writes it: a paginated, refetchable
// fragment over the unified `sessions` connection. relay-compiler only reads the
// graphql`` templates; nothing here is executed.
import { graphql } from 'react-relay';

export const sessionsListFragment = graphql`
  fragment SessionsList_query on Query
  @refetchable(queryName: "SessionsListPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "SessionFilter" }
  ) {
    sessions(first: $count, after: $cursor, filter: $filter)
      @connection(key: "SessionsList_sessions", filters: ["filter"]) {
      totalCount
      edges {
        cursor
        node {
          id
          ...SessionRow_session
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
