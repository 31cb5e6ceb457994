import {
  GraphQLError,
  Kind,
  getNamedType,
  isLeafType,
  isListType,
  getNullableType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Limits } from '../config';

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });

function depthOf(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let max = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      max = Math.max(max, selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, visiting) : 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // A fragment cycle is reported by the spec's NoFragmentCycles rule; don't recurse forever here.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      max = Math.max(max, depthOf(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return max;
}

/** Rejects operations nested deeper than `maxDepth` fields (fragments expanded). */
export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = Object.fromEntries(
        context
          .getDocument()
          .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((f) => [f.name.value, f]),
      );
      const depth = depthOf(operation.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        context.reportError(limitError(`Query depth ${depth} exceeds the maximum of ${maxDepth}.`));
      }
    },
  });
}

/** Rejects documents with more than `maxAliases` aliased fields (alias batching amplifies cost). */
export function aliasLimit(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(limitError(`The operation uses ${aliases} aliases; the maximum is ${maxAliases}.`));
          }
        },
      },
    };
  };
}

/** The only argument the estimator reads: the cost cache (cost-cache.ts) keys on the variables inside it. */
export const COST_ARGUMENT = 'first';

/** Objects cost 1 and scalars 0; lists cost their children times `first` (connections) or an assumed 3 items (plain lists: variants, listings). */
const listEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  // Scalars come with their object's row: only objects (rows, loader hits) cost.
  if (isLeafType(getNamedType(field.type))) return 0;
  const first = args[COST_ARGUMENT];
  if (typeof first === 'number') return 1 + childComplexity * Math.max(0, first);
  const type = getNullableType(field.type);
  if (isListType(type)) return 1 + childComplexity * 3;
  return undefined;
};

/** The estimated cost of an operation (what the throttle charges), and an error when it is over `maxCost`. */
export interface CostCheck {
  cost: number;
  error: GraphQLError | null;
}

/** The cost of an operation, and an error when it is over `maxCost`. */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): CostCheck {
  const cost = getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
  const error = cost > maxCost
    ? limitError(`The operation costs ${cost}; the maximum is ${maxCost}. Ask for fewer items or fields.`)
    : null;
  return { cost, error };
}

export function validationRules(limits: Limits): ValidationRule[] {
  return [depthLimit(limits.maxDepth), aliasLimit(limits.maxAliases)];
}
