import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import { authChecker } from '../auth/auth-checker';
import { NodeResolver } from './node.resolver';
import { MoneyResolver } from './money.resolver';
import { runSchemaPipeline, type SchemaPass } from './schema-pipeline';
import { createPubSub } from '@graphql-yoga/subscription';
import type { AppPubSub } from '../pubsub/pubsub';
import type { PreparedPlugins } from '../plugin-host';

export interface SchemaOptions {
  /** false keeps type-graphql's wrapper around every resolver (see direct-resolvers.ts). */
  direct?: boolean;
  /** Where subscriptions listen; a fresh in-memory one when only the schema's shape matters. */
  pubSub?: AppPubSub;
}

export interface AppSchemaOptions extends SchemaOptions {
  /** The plugin host's scoping pass; schema-pipeline.ts runs it last. */
  scopePluginFields?: SchemaPass;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function resolversOf(modules: ModuleDefinition[]): NonEmptyArray<Function> {
  return [NodeResolver, MoneyResolver, ...modules.flatMap((m) => m.resolvers)];
}

/** The schema as type-graphql builds it from the modules, before any rewrite: for comparing shapes. */
export function buildModuleSchema(modules: ModuleDefinition[], pubSub: AppPubSub = createPubSub()): GraphQLSchema {
  return buildSchemaSync({ resolvers: resolversOf(modules), authChecker, validate: false, pubSub });
}

/** The schema the app serves: built, then rewritten by the pipeline in schema-pipeline.ts. */
export function buildAppSchema(modules: ModuleDefinition[], { direct = true, pubSub, scopePluginFields }: AppSchemaOptions = {}): GraphQLSchema {
  return runSchemaPipeline(buildModuleSchema(modules, pubSub), { resolvers: resolversOf(modules), direct, scopePluginFields });
}

/** The schema a deployment serves: its modules and plugins, plugin fields scoped by the host's pass. */
export function buildDeploymentSchema(prepared: PreparedPlugins, options: SchemaOptions = {}): GraphQLSchema {
  const scopePluginFields = prepared.scopePluginFields((modules) => buildModuleSchema(modules));
  return buildAppSchema(prepared.modules, { ...options, scopePluginFields });
}

/** The SDL committed as schema/schema.graphql: sorted, so it diffs well. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
