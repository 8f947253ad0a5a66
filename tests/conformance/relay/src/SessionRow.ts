// One row of the list; refetchable on its own through `node(id:)`.
import { graphql } from 'react-relay';

export const sessionRowFragment = graphql`
  fragment SessionRow_session on Session
  @refetchable(queryName: "SessionRowRefetchQuery") {
    id
    source
    status
    providerStatus
    createdAt
    ... on KycSession {
      fullName
      country
    }
    ... on KybSession {
      companyName
    }
    ... on KayleSession {
      contractVersion
    }
  }
`;
