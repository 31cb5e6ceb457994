import { GraphQLScalarType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/** The parts of type-graphql's resolver metadata read here (filled in by buildSchema). */
interface ResolverMeta {
  kind?: 'internal' | 'external';
  target: Function;
  methodName: string;
  schemaName: string;
  roles?: unknown[];
  middlewares?: unknown[];
  params?: { kind: string; index: number; name?: string; propertyName?: string; getType?: () => unknown; typeOptions?: { array?: boolean }; validateSettings?: unknown; validateFn?: unknown }[];
  getObjectType?: () => Function;
}

/**
 * A class type-graphql may copy a root into (`@Root() p: Product` makes a `new Product()` and
 * assigns the root's fields) without it showing: no methods or accessors anywhere up its prototype
 * chain, and no field initialisers. Copying such a root is only an allocation.
 */
function isPlainDataClass(type: unknown): boolean {
  if (typeof type !== 'function') return false;
  for (let proto = type.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyNames(proto).some((name) => name !== 'constructor')) return false;
  }
  try {
    return Object.values(new (type as new () => object)()).every((v) => v === undefined);
  } catch {
    return false;
  }
}

/**
 * An argument type-graphql hands over as the client sent it: a scalar (String, Number, Boolean, or a
 * GraphQLScalarType such as ID, Int, Float) is returned unchanged by its convertToType, and its
 * validateArg skips any value that is not an object unless a validation function is set (buildAppSchema
 * sets none globally; one on the @Arg is checked here).
 */
function isPlainScalarArg(param: NonNullable<ResolverMeta['params']>[number]): boolean {
  // A list is copied item by item by convertValuesToInstances: left to type-graphql.
  if (param.validateFn || param.validateSettings !== undefined || param.typeOptions?.array || !param.name || !param.getType) return false;
  const type = param.getType();
  return type === String || type === Number || type === Boolean || type instanceof GraphQLScalarType;
}

type Arg = (root: unknown, args: Record<string, unknown>, ctx: Record<string, unknown>, info: unknown) => unknown;

/** How to produce one parameter, or null when only type-graphql's own handling is right. */
function paramOf(param: NonNullable<ResolverMeta['params']>[number]): Arg | null {
  const { kind, propertyName, name } = param;
  if (kind === 'context') return propertyName ? (_root, _args, ctx) => ctx[propertyName] : (_root, _args, ctx) => ctx;
  if (kind === 'info') return (_root, _args, _ctx, info) => info;
  if (kind === 'root' && !propertyName && (!param.getType || isPlainDataClass(param.getType()))) return (root) => root;
  // `Product.title(locale:)`: through the wrapper it was ~7% of a catalog page's allocation (sorted
  // metadata, a promise from the async validateArg, Promise.all over the parameters, per product).
  if (kind === 'arg' && isPlainScalarArg(param)) return (_root, args) => args[name!];
  return null;
}

function directResolver(meta: ResolverMeta, instances: Map<Function, object>): GraphQLFieldResolver<unknown, Record<string, unknown>> | null {
  if (meta.roles || meta.middlewares?.length) return null;
  const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index).map(paramOf);
  if (params.some((p) => p === null)) return null;
  let instance = instances.get(meta.target);
  if (!instance) {
    instance = new (meta.target as new () => object)();
    instances.set(meta.target, instance);
  }
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[meta.methodName]!;
  const [a, b, c] = params as Arg[];
  if (params.length === 0) return () => method.call(instance);
  if (params.length === 1) return (root, args, ctx, info) => method.call(instance, a!(root, args, ctx, info));
  if (params.length === 2) return (root, args, ctx, info) => method.call(instance, a!(root, args, ctx, info), b!(root, args, ctx, info));
  if (params.length === 3) {
    return (root, args, ctx, info) => method.call(instance, a!(root, args, ctx, info), b!(root, args, ctx, info), c!(root, args, ctx, info));
  }
  return (root, args, ctx, info) => method.apply(instance, (params as Arg[]).map((arg) => arg(root, args, ctx, info)));
}

/**
 * type-graphql runs every resolver method through a generic wrapper: per call it sorts the
 * parameter metadata, copies the root into a new instance of its class and builds an argument
 * array, which is about a quarter of what a catalog page allocates. For the resolvers where that
 * wrapper has nothing to do (no @Authorized, no middlewares, only @Ctx, @Root, @Info and scalar @Arg
 * parameters, roots of plain data classes) the schema calls the method directly instead.
 *
 * Assumes what buildAppSchema does: no global middlewares and no IoC container; resolver classes
 * hold no state (type-graphql keeps its own instance for the resolvers it still wraps).
 */
export function directResolvers(schema: GraphQLSchema, resolvers: readonly Function[]): GraphQLSchema {
  const storage = getMetadataStorage() as unknown as {
    fieldResolvers: ResolverMeta[];
    queries: ResolverMeta[];
    objectTypes: { target: Function; name: string }[];
  };
  const instances = new Map<Function, object>();
  const typeNames = new Map(storage.objectTypes.map((t) => [t.target, t.name]));
  const decided = new Set<string>();
  const replace = (typeName: string | undefined, meta: ResolverMeta) => {
    const type = typeName ? schema.getType(typeName) : undefined;
    // type-graphql takes the first resolver declared for a field; so does this.
    const key = `${typeName}.${meta.methodName}`;
    if (!isObjectType(type) || decided.has(key)) return;
    decided.add(key);
    const field = type.getFields()[meta.schemaName];
    const direct = field && directResolver(meta, instances);
    if (field && direct) field.resolve = direct;
  };
  for (const meta of storage.fieldResolvers) {
    if (meta.kind === 'external' && resolvers.includes(meta.target)) replace(typeNames.get(meta.getObjectType!()), meta);
  }
  const queryType = schema.getQueryType()?.name;
  for (const meta of storage.queries) {
    if (resolvers.includes(meta.target)) replace(queryType, meta);
  }
  return schema;
}
