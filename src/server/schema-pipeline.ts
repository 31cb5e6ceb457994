import type { GraphQLSchema } from 'graphql';
import { allowNarrowReads } from '../core/narrow-reads';
import { directResolvers } from './direct-resolvers';
import { freshLoadersPerEvent } from './fresh-loaders-per-event';
import { checkInputs } from './input-checks';
import { nullsAsAbsent } from './null-inputs';
import { rootFieldAccess } from './operation-access';

/** One rewrite of a built schema: it replaces or wraps field resolvers in place. */
export type SchemaPass = (schema: GraphQLSchema) => void;

export interface SchemaPipelineOptions {
  /** The resolver classes the schema was built from; direct resolvers read their type-graphql metadata. */
  resolvers: readonly Function[];
  /** false keeps type-graphql's wrapper around every resolver (see direct-resolvers.ts). */
  direct: boolean;
  /**
   * The plugin host's security pass (plugin-host/scope-fields.ts): a plugin's fields act only for the
   * sellers that installed it. The host contributes it; where it runs is decided here, not there.
   */
  scopePluginFields?: SchemaPass;
}

/**
 * Every rewrite of the schema type-graphql built, in the one order that is safe. Passes that replace a
 * resolver outright come before passes that wrap one, or the replacement would throw the wrapper away;
 * and the security pass comes last, so no pass after it can replace or unwrap what it guards.
 * createApp({ fastPaths: false }) skips only the direct resolvers (and the narrow reads they allow): the other passes change what a
 * query answers, so both ways run them (test/server/fast-path-parity.test.ts holds the two to agree).
 */
export function runSchemaPipeline(schema: GraphQLSchema, { resolvers, direct, scopePluginFields }: SchemaPipelineOptions): GraphQLSchema {
  const passes: (SchemaPass | false | undefined)[] = [
    // Replaces type-graphql's resolve functions with direct method calls (a speed-up, no change in
    // answers); it assigns field.resolve without looking at what is there, so it goes first.
    direct && ((s) => directResolvers(s, resolvers)),
    // Lets hot reads read only the columns an operation selects (core/narrow-reads.ts); changes no resolver.
    direct && allowNarrowReads,
    // Wraps each subscription's resolve to give every event fresh DataLoaders (graphql-ws builds the
    // context once per subscription). A wrapper: after the replacement above.
    freshLoadersPerEvent,
    // Wraps every resolver with an optional argument so an explicit null means "not given", as
    // generated clients send it; a wrapper too, and it changes answers: both ways run it.
    nullsAsAbsent,
    // Wraps every resolver with a text-holding argument to refuse NUL bytes and overly deep or large
    // values as BAD_USER_INPUT; outside nullsAsAbsent, so it sees the arguments as the client sent them.
    checkInputs,
    // Puts each root field's viewer rule (@Authorized roles, @Access scope) in its extensions, where the
    // operation gate (operation-access.ts) reads it before any argument is; it changes no resolver.
    (s) => rootFieldAccess(s, resolvers),
    // Security, last: plugin fields are null on objects of sellers that did not install the plugin, and
    // its operations refuse their seller keys (FORBIDDEN). Any pass after this one that replaced a
    // resolver (as direct resolvers do) would silently reopen the field to every seller
    // (test/plugin-host/scoping-fast-paths.test.ts).
    scopePluginFields,
  ];
  for (const pass of passes) if (pass) pass(schema);
  return schema;
}
