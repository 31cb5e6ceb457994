import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Limits } from '../config';
import { estimateCost } from './cost';

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });

/** What the limits count in a selection set, fragments expanded: its depth in fields, its aliases and directives. */
interface Shape {
  depth: number;
  aliases: number;
  directives: number;
}

/**
 * Measures selection sets with every fragment measured once and reused at each spread, so the time is
 * linear in the document even when fragments spread each other many times (issue 9: a DAG of 24
 * fragments took 3.4 s when each spread walked its fragment again). Counts still multiply as
 * execution would: a fragment of 3 aliases spread twice adds 6.
 */
function shapeMeter(document: DocumentNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // null while being measured: a cycle (reported by the spec's NoFragmentCycles) adds nothing.
  const measured = new Map<string, Shape | null>();
  const none: Shape = { depth: 0, aliases: 0, directives: 0 };

  const fragment = (name: string): Shape => {
    const known = measured.get(name);
    if (known !== undefined) return known ?? none;
    const definition = fragments.get(name);
    if (!definition) return none;
    measured.set(name, null);
    const shape = of(definition.selectionSet);
    shape.directives += definition.directives?.length ?? 0;
    measured.set(name, shape);
    return shape;
  };

  function of(set: SelectionSetNode): Shape {
    const shape: Shape = { depth: 0, aliases: 0, directives: 0 };
    for (const selection of set.selections) {
      shape.directives += selection.directives?.length ?? 0;
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) shape.aliases++;
        inner = selection.selectionSet ? of(selection.selectionSet) : none;
        shape.depth = Math.max(shape.depth, 1 + inner.depth);
      } else {
        inner = selection.kind === Kind.INLINE_FRAGMENT ? of(selection.selectionSet) : fragment(selection.name.value);
        shape.depth = Math.max(shape.depth, inner.depth);
      }
      shape.aliases += inner.aliases;
      shape.directives += inner.directives;
    }
    return shape;
  }
  return of;
}

/**
 * Whether an operation reads only the schema (`__schema`, `__type`, `__typename` at its root), as the
 * introspection query of GraphiQL and graphql-codegen does at depth 15. Its work is bounded otherwise:
 * the token limit, the spec's MaxIntrospectionDepthRule (lists of types nest at most 3 deep), its cost.
 */
export function introspectionOnly(set: SelectionSetNode, document: DocumentNode): boolean {
  let reads = false;
  const seen = new Set<string>();
  const walk = (selections: SelectionSetNode): boolean =>
    selections.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') return true;
        reads = true;
        return selection.name.value === '__schema' || selection.name.value === '__type';
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return true;
      seen.add(name);
      const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
      return fragment ? walk(fragment.selectionSet) : true;
    });
  return walk(set) && reads;
}

/**
 * Depth (in fields), aliases (alias batching amplifies cost) and directives of each operation, fragments
 * expanded, against the configured maxima; in time linear in the document.
 */
export function operationShapeLimit({ maxDepth, maxAliases, maxDirectives }: Pick<Limits, 'maxDepth' | 'maxAliases' | 'maxDirectives'>): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const measure = shapeMeter(context.getDocument());
    return {
      OperationDefinition(operation) {
        const { depth, aliases, directives } = measure(operation.selectionSet);
        const own = operation.directives?.length ?? 0;
        if (depth > maxDepth && !introspectionOnly(operation.selectionSet, context.getDocument())) context.reportError(limitError(`Query depth ${depth} exceeds the maximum of ${maxDepth}.`));
        if (aliases > maxAliases) context.reportError(limitError(`The operation uses ${aliases} aliases; the maximum is ${maxAliases}.`));
        if (directives + own > maxDirectives) {
          context.reportError(limitError(`The operation uses ${directives + own} directives; the maximum is ${maxDirectives}.`));
        }
        return false;
      },
    };
  };
}

/** The estimated cost of an operation (what the throttle charges), and an error when it is over `maxCost`. */
export interface CostCheck {
  cost: number;
  error: GraphQLError | null;
}

/** The cost of an operation (cost.ts), and an error when it is over `maxCost`. */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): CostCheck {
  const cost = estimateCost(schema, document, operationName, variables);
  return { cost, error: costError(cost, maxCost) };
}

export function costError(cost: number, maxCost: number): GraphQLError | null {
  if (cost <= maxCost) return null;
  const shown = cost > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : String(cost);
  return limitError(`The operation costs ${shown}; the maximum is ${maxCost}. Ask for fewer items or fields.`);
}

/** Options for graphql's `parse`: the token limit bounds the parser's and every later pass's work. */
export const parseOptions = (limits: Pick<Limits, 'maxTokens'>) => ({ maxTokens: limits.maxTokens });

/** graphql-js's message when `maxTokens` stops the parser ("more that" in graphql 16); answered QUERY_TOO_COMPLEX like the other limits. */
export const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

export function validationRules(limits: Limits): ValidationRule[] {
  return [operationShapeLimit(limits)];
}
