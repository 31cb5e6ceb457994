import type { GraphQLSchema } from 'graphql';

/**
 * Schemas whose hot reads may read only the columns an operation selects (the catalog's narrow reads:
 * modules/catalog/catalog-narrow-reads.ts). A fast path: the schema pipeline allows it with the other fast paths,
 * so `createApp({ fastPaths: false })` reads whole rows and test/server/fast-path-parity.test.ts compares the two.
 */
const allowed = new WeakSet<GraphQLSchema>();

export function allowNarrowReads(schema: GraphQLSchema): void {
  allowed.add(schema);
}

export function narrowReadsAllowed(schema: GraphQLSchema): boolean {
  return allowed.has(schema);
}
