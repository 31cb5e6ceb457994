import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import { authChecker } from '../auth/auth-checker';
import { NodeResolver } from './node.resolver';

export function buildAppSchema(modules: ModuleDefinition[]): GraphQLSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const resolvers = [NodeResolver, ...modules.flatMap((m) => m.resolvers)] as NonEmptyArray<Function>;
  return buildSchemaSync({ resolvers, authChecker, validate: false });
}

/** The SDL committed as schema/schema.graphql: sorted, so it diffs well. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
