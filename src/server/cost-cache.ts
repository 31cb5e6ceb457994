import { getVariableValues, visit, type ASTNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { COST_ARGUMENTS, estimateCost } from './cost';
import { costError, type CostCheck } from './limits';

const MAX_ENTRIES = 1000;

/** Variables that can change the cost: those inside the arguments the estimate reads, and in @skip/@include. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) => visit(node, { Variable: (v) => void names.add(v.name.value) });
  visit(document, {
    Argument: (arg) => void (COST_ARGUMENTS.has(arg.name.value) && collect(arg.value)),
    Directive: (d) => void ((d.name.value === 'skip' || d.name.value === 'include') && collect(d)),
  });
  return [...names];
}

/** What both functions below take: Apollo's `didResolveOperation` arguments, or graphql-ws's. */
export type CostArgs = [
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  queryHash: string,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
];

/**
 * estimateCost (cost.ts), remembered: computing a cost walks the whole document with type information,
 * about a tenth of a small operation's CPU. The answer depends on the document, the operation and the
 * variables the estimate can see, so a request whose variables differ elsewhere (a slug, an id)
 * reuses it. The throttle charges this number.
 */
export function createCostEstimate() {
  const namesOf = new WeakMap<DocumentNode, string[]>();
  const results = new Map<string, number>();
  // A document whose cost reads no variable (most: `{ viewer { id } }`, a product by slug) has one cost per
  // operation node: kept on the node, it skips the key below (a JSON.stringify, a concatenation and a Map
  // lookup per request). Apollo's document store and the WebSocket preparer hand each request of a known
  // document the same nodes; the schema is this check's one schema.
  const fixed = new WeakMap<OperationDefinitionNode, number>();
  return (...[schema, document, operation, queryHash, operationName, variables]: CostArgs): number => {
    if (!operation) return estimateCost(schema, document, operationName, variables);
    const known = fixed.get(operation);
    if (known !== undefined) return known;
    let names = namesOf.get(document);
    if (!names) {
      names = costVariables(document);
      namesOf.set(document, names);
    }
    // Present and absent (defaulted) variables differ, so only present ones enter the key.
    const seen = Object.fromEntries(names.filter((n) => variables && n in variables).map((n) => [n, variables![n]]));
    const key = `${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(seen)}`;
    let cost = results.get(key);
    if (cost === undefined) {
      cost = estimateCost(schema, document, operationName, variables);
      // Oldest first out: a hot operation evicted by a burst of new ones is recomputed once.
      if (results.size >= MAX_ENTRIES) results.delete(results.keys().next().value!);
      results.set(key, cost);
    }
    if (!names.length) fixed.set(operation, cost);
    return cost;
  };
}

/**
 * The cost check over `createCostEstimate`: the cost the throttle charges, and the QUERY_TOO_COMPLEX
 * error of an operation over `maxCost`. Requests with invalid variables have no cost: graphql-js refuses
 * them before any resolver runs, as BAD_USER_INPUT (the estimate would throw their coercion error here,
 * answered as a 500; issue 9).
 */
export function createCostCheck(maxCost: number) {
  const estimate = createCostEstimate();
  return (...args: CostArgs): CostCheck => {
    const [schema, , operation, , , variables] = args;
    // Without variable definitions there is nothing to coerce (getVariableValues answers no errors).
    if (operation?.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, variables ?? {}).errors) return { cost: 0, error: null };
    const cost = estimate(...args);
    return { cost, error: costError(cost, maxCost) };
  };
}
