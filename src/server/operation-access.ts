import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { accessOf, requireRole, type FieldAccess } from '../auth/field-access';
import type { Role, Viewer } from '../auth/viewer';
import { forEachSelectedField } from '../core/selection';

/** The parts of type-graphql's query, mutation and subscription metadata read here (filled in by buildSchema). */
interface RootMeta {
  target: Function;
  schemaName: string;
  roles?: Role[];
}

/**
 * Schema pass: each root field's viewer rule in one place, `extensions.access`: its `@Authorized` roles (as the
 * authChecker decides them), then its `@Access` rule (a seller key's scope). type-graphql checks roles inside
 * its resolver wrapper, after graphql-js has coerced the arguments and the input checks have walked them;
 * the operation gate below runs the same rule before either.
 */
export function rootFieldAccess(schema: GraphQLSchema, resolvers: readonly Function[]): GraphQLSchema {
  const storage = getMetadataStorage() as unknown as { queries: RootMeta[]; mutations: RootMeta[]; subscriptions: RootMeta[] };
  const roots: [GraphQLObjectType | null | undefined, RootMeta[]][] = [
    [schema.getQueryType(), storage.queries],
    [schema.getMutationType(), storage.mutations],
    [schema.getSubscriptionType(), storage.subscriptions],
  ];
  for (const [type, metas] of roots) {
    if (!type) continue;
    const fields = type.getFields();
    for (const meta of metas) {
      const field = fields[meta.schemaName];
      const { roles } = meta;
      // Without @Authorized, the field's rule is its @Access alone (already in its extensions), or none.
      if (!field || !roles || !resolvers.includes(meta.target)) continue;
      const declared = accessOf(field);
      const access: FieldAccess = declared
        ? (viewer) => {
            requireRole(viewer, roles);
            declared(viewer);
          }
        : (viewer) => requireRole(viewer, roles);
      (field as { extensions: Record<string, unknown> }).extensions = { ...field.extensions, access };
    }
  }
  return schema;
}

/** Whether `@skip` / `@include` leave the field out, reading a variable's raw value (a Boolean is no work). */
function skipped(node: FieldNode, variables: Readonly<Record<string, unknown>>): boolean {
  if (!node.directives?.length) return false;
  try {
    return getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true || getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] === false;
  } catch {
    return false; // an `if` without its variable's value: the field is checked, and execution refuses the variables
  }
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  // Most documents hold their operation alone: no fragment map to build.
  const fragments: Record<string, FragmentDefinitionNode> = {};
  if (document.definitions.length > 1) for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return fragments;
}

/**
 * Whether any root field `operation` selects (through its fragments, whatever their directives) has a viewer
 * rule: remembered per schema and operation node, since neither changes and Apollo's document store and the
 * WebSocket preparer hand the same nodes to every request of a document. Most operations (`{ viewer { id } }`,
 * the catalog's) select none, and then the walk below (about 1 µs, a fragment map, a closure and a Set per
 * request) has nothing to find.
 */
const gated = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, boolean>>();
function mayRefuse(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let known = gated.get(schema);
  if (!known) {
    known = new WeakMap();
    gated.set(schema, known);
  }
  let answer = known.get(operation);
  if (answer === undefined) {
    const fields = schema.getRootType(operation.operation)?.getFields();
    let found = false;
    if (fields) {
      forEachSelectedField(operation.selectionSet, fragmentsOf(document), (name) => {
        const field = fields[name];
        if (field && accessOf(field)) found = true;
      });
    }
    answer = found;
    known.set(operation, answer);
  }
  return answer;
}

/**
 * The operation gate (issue 9, "bounded work"): the refusal of the first root field of `operation` the viewer
 * may not use, or null. It reads the document only, never the arguments, so an unauthorised caller costs the
 * parse and validation of a bounded document and nothing else: before it, a guest's promotionPreview with a
 * megabyte of targeting rules was coerced twice (cost, then execution) and walked by the input checks
 * (~0.7 s CPU) before the service said UNAUTHENTICATED. The refusal is the one the field's own check gives
 * (same code and message), placed at the field (path, locations); the operation runs no field at all.
 */
export function refusedRootField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  viewer: Viewer,
  variables: Readonly<Record<string, unknown>> = {},
): GraphQLError | null {
  if (!mayRefuse(schema, document, operation)) return null;
  const fields = schema.getRootType(operation.operation)!.getFields();
  const fragments = fragmentsOf(document);
  let refused: GraphQLError | null = null;
  forEachSelectedField(operation.selectionSet, fragments, (name, _set, node) => {
    const field = fields[name];
    const access = field && accessOf(field);
    if (refused || !access || skipped(node, variables)) return;
    try {
      access(viewer);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      refused = new GraphQLError(err.message, { nodes: [node], path: [node.alias?.value ?? name], extensions: err.extensions });
    }
  });
  return refused;
}
