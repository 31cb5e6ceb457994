import { GraphQLObjectType, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { Context } from '../core/context';
import { forbidden } from '../core/errors';
import { pluginHandle, type AnyPlugin } from './define-plugin';
import { pluginContext } from './plugin-context';

/** Core types whose objects belong to one seller, and how to find it (a cart line: its listing's, batched per request). */
const ownerOf: Record<string, (root: any, ctx: Context) => string | null | undefined | Promise<string | null | undefined>> = {
  Product: (p) => p.createdBySellerUuid,
  Listing: (l) => l.sellerUuid,
  Seller: (s) => s.uuid,
  Order: (o) => o.sellerUuid,
  OrderLine: (l) => l.sellerUuid,
  CartLine: (l, ctx) => ctx.loaders.listingById.load(l.listingUuid).then((listing) => listing?.sellerUuid),
};

/**
 * `Type.field` of the plugin's field resolvers. type-graphql adds a field resolver's field to its type in
 * every schema it builds, listed resolver or not (only the resolve function is left out), so comparing
 * schemas cannot see a plugin's fields on core types: its metadata can.
 */
function fieldResolversOf(plugin: AnyPlugin): string[] {
  const storage = getMetadataStorage();
  const resolvers = plugin.resolvers ?? [];
  return storage.fieldResolvers
    .filter((f) => resolvers.includes(f.target))
    .flatMap((f) => {
      const target = f.getObjectType?.() ?? f.resolverClassMetadata?.getObjectType();
      const type = storage.objectTypes.find((t) => t.target === target);
      return type ? [`${type.name}.${f.schemaName}`] : [];
    });
}

/** `Type.field` → the plugin that added it: by comparing the schema with and without each plugin, and by its field resolvers. */
export function attributeFields(core: GraphQLSchema, withEach: Map<AnyPlugin, GraphQLSchema>): Map<string, AnyPlugin> {
  const fieldsOf = (schema: GraphQLSchema) => {
    const names = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type instanceof GraphQLObjectType && !type.name.startsWith('__')) {
        for (const field of Object.keys(type.getFields())) names.add(`${type.name}.${field}`);
      }
    }
    return names;
  };
  const coreFields = fieldsOf(core);
  const attribution = new Map<string, AnyPlugin>();
  for (const [plugin, schema] of withEach) {
    for (const field of fieldsOf(schema)) if (!coreFields.has(field)) attribution.set(field, plugin);
    for (const field of fieldResolversOf(plugin)) attribution.set(field, plugin);
  }
  return attribution;
}

/**
 * The plugin's context for an operation: a seller key's own installation (FORBIDDEN without one), none
 * for customers, guests and the operator (the resolver names the seller and asks `ctx.plugin.scope`).
 */
async function operationContext(ctx: Context, plugin: AnyPlugin, fieldName: string) {
  if (ctx.viewer.kind !== 'seller') return pluginContext(ctx, plugin.name, (c) => pluginHandle(plugin, c));
  const row = await ctx.installations.load(plugin.name, ctx.viewer.sellerId);
  if (!row) throw forbidden(`Install the ${plugin.name} plugin to use ${fieldName}.`);
  return pluginContext(ctx, plugin.name, (c) => pluginHandle(plugin, c), { sellerId: row.sellerId, config: row.config });
}

/**
 * Makes plugin fields act only for installing sellers: on a seller-owned core type (Product, Listing,
 * Seller, Order) the field is null unless that object's seller installed the plugin; a plugin's
 * queries, mutations and subscriptions refuse (FORBIDDEN) a seller key whose seller did not install it. Customers
 * and guests reach plugin operations, which scope themselves with `plugin.scope(ctx, sellerId)`.
 * It wraps whatever resolve function it finds, so server/schema-pipeline.ts runs it after every other pass.
 */
export function scopePluginFields(schema: GraphQLSchema, attribution: Map<string, AnyPlugin>): void {
  for (const [key, plugin] of attribution) {
    const [typeName, fieldName] = key.split('.') as [string, string];
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) continue;
    const field = type.getFields()[fieldName];
    if (!field) continue;
    const resolve: GraphQLFieldResolver<any, any> = field.resolve ?? defaultFieldResolver;
    const owner = ownerOf[typeName];
    const handle = (c: Context) => pluginHandle(plugin, c);
    if (owner) {
      // Synchronous when the installation is cached (the usual case): a page of 100 listings awaits nothing more.
      const run = (root: any, args: any, ctx: Context, info: any, row: { sellerId: string; config: unknown } | null) =>
        row ? resolve(root, args, pluginContext(ctx, plugin.name, handle, { sellerId: row.sellerId, config: row.config }), info) : null;
      const forSeller = (root: any, args: any, ctx: Context, info: any, sellerId: string | null | undefined) => {
        if (!sellerId) return null;
        const known = ctx.installations.peek(plugin.name, sellerId);
        if (known !== undefined) return run(root, args, ctx, info, known);
        return ctx.installations.load(plugin.name, sellerId).then((row) => run(root, args, ctx, info, row));
      };
      field.resolve = (root, args, ctx: Context, info) => {
        const sellerId = owner(root, ctx);
        return sellerId instanceof Promise ? sellerId.then((id) => forSeller(root, args, ctx, info, id)) : forSeller(root, args, ctx, info, sellerId);
      };
    } else if (typeName === schema.getQueryType()?.name || typeName === schema.getMutationType()?.name) {
      field.resolve = async (root, args, ctx: Context, info) => resolve(root, args, await operationContext(ctx, plugin, fieldName), info);
    } else if (typeName === schema.getSubscriptionType()?.name && field.subscribe) {
      // Checked when the subscription starts; its own filter picks the events of the viewer.
      const subscribe = field.subscribe;
      field.subscribe = async (root, args, ctx: Context, info) => subscribe(root, args, await operationContext(ctx, plugin, fieldName), info);
      // Each event's resolve gets fresh loaders (fresh-loaders-per-event.ts), under the plugin's context.
      field.resolve = (root, args, ctx: Context, info) => resolve(root, args, pluginContext(ctx, plugin.name, handle), info);
    } else {
      // The plugin's own types: their fields get the plugin's context too.
      field.resolve = (root, args, ctx: Context, info) => resolve(root, args, pluginContext(ctx, plugin.name, handle), info);
    }
  }
}
