import {
  getVariableValues,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { COST_ARGUMENT, checkCost, type CostCheck } from './limits';

const MAX_ENTRIES = 1000;

/** Variables that can change the cost: those inside the argument the estimator reads, and in @skip/@include. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) => visit(node, { Variable: (v) => void names.add(v.name.value) });
  visit(document, {
    Argument: (arg) => void (arg.name.value === COST_ARGUMENT && collect(arg.value)),
    Directive: (d) => void ((d.name.value === 'skip' || d.name.value === 'include') && collect(d)),
  });
  return [...names];
}

/**
 * checkCost, remembered: computing a cost walks the whole document with type information, about a
 * tenth of a small operation's CPU. The answer depends on the document, the operation and the
 * variables the estimator can see, so a request whose variables differ elsewhere (a slug, an id)
 * reuses it. Requests with invalid variables have no cost: graphql-js refuses them before any resolver
 * runs, as BAD_USER_INPUT (the estimator would throw its coercion error here, answered as a 500; issue 9).
 */
export function createCostCheck(maxCost: number) {
  const namesOf = new WeakMap<DocumentNode, string[]>();
  const results = new Map<string, CostCheck>();
  return (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    queryHash: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): CostCheck => {
    const uncached = () => checkCost(schema, document, operationName, variables, maxCost);
    if (!operation) return uncached();
    if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return { cost: 0, error: null };
    let names = namesOf.get(document);
    if (!names) {
      names = costVariables(document);
      namesOf.set(document, names);
    }
    // Present and absent (defaulted) variables differ, so only present ones enter the key.
    const seen = Object.fromEntries(names.filter((n) => variables && n in variables).map((n) => [n, variables![n]]));
    const key = `${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(seen)}`;
    let result = results.get(key);
    if (result === undefined) {
      result = uncached();
      // Oldest first out: a hot operation evicted by a burst of new ones is recomputed once.
      if (results.size >= MAX_ENTRIES) results.delete(results.keys().next().value!);
      results.set(key, result);
    }
    return result;
  };
}
