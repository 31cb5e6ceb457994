export { graphqlClient, type GraphQLClient, type GraphQLResponse } from '../../src/plugin-testing/graphql-client';

/** What every GraphQL response's `extensions` holds (server/throttle.ts): its cost and the client's bucket. */
export const REPORTED_COST = { cost: expect.objectContaining({ requestedQueryCost: expect.any(Number) }) };
