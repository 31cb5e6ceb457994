import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../core/context';
import { remakeContext } from '../plugin-host/plugin-context';

/**
 * graphql-ws builds a subscription's context once, when it starts; its DataLoaders would cache rows
 * for as long as the subscription lives. Each event's resolution gets fresh loaders instead.
 */
export function freshLoadersPerEvent(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (event, args, ctx: Context, info) => resolve(event, args, remakeContext(ctx, (c) => ({ ...c, loaders: c.createLoaders(c.db) })), info);
  }
  return schema;
}
