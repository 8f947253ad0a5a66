// The page query that spreads the list fragment, with a status filter as a variable.
import { graphql } from 'react-relay';

export const sessionsPageQuery = graphql`
  query SessionsPageQuery($count: Int, $filter: SessionFilter) {
    ...SessionsList_query @arguments(count: $count, filter: $filter)
  }
`;
