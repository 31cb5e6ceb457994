import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import { authChecker } from '../auth/auth-checker';
import { directResolvers } from './direct-resolvers';
import { NodeResolver } from './node.resolver';
import { freshLoadersPerEvent } from './fresh-loaders-per-event';
import { nullsAsAbsent } from './null-inputs';
import { createPubSub } from '@graphql-yoga/subscription';
import type { AppPubSub } from '../pubsub/pubsub';

export interface SchemaOptions {
  /** false keeps type-graphql's wrapper around every resolver (see direct-resolvers.ts). */
  direct?: boolean;
  /** Where subscriptions listen; a fresh in-memory one when only the schema's shape matters. */
  pubSub?: AppPubSub;
}

export function buildAppSchema(modules: ModuleDefinition[], { direct = true, pubSub = createPubSub() }: SchemaOptions = {}): GraphQLSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const resolvers = [NodeResolver, ...modules.flatMap((m) => m.resolvers)] as NonEmptyArray<Function>;
  const schema = freshLoadersPerEvent(buildSchemaSync({ resolvers, authChecker, validate: false, pubSub }));
  return nullsAsAbsent(direct ? directResolvers(schema, resolvers) : schema);
}

/** The SDL committed as schema/schema.graphql: sorted, so it diffs well. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
