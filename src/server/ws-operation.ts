import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Limits } from '../config';
import type { GraphQLErrorCode } from '../core/errors';
import { TOO_MANY_TOKENS, parseOptions, validationRules } from './limits';
import { operationChecks } from './operation-policy';
import type { Viewer } from '../auth/viewer';
import { DocumentCache } from './document-cache';


/** Apollo Server's label for each way a request is refused before execution, so both transports answer alike. */
function labelled(error: GraphQLError, code: GraphQLErrorCode): GraphQLError {
  if (error.extensions['code']) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/** What an operation executes, and its estimated cost for the throttle. */
export interface PreparedOperation {
  args: ExecutionArgs;
  cost: number;
}

/**
 * graphql-ws's `onSubscribe`: what to execute, or the coded errors refusing it. The same checks as
 * HTTP in the same order: parse, validation with our limits, the operation, then HTTP's own operationChecks
 * (operation-policy.ts: the viewer's access to its root fields, oversized variables, cost), then the variables'
 * coercion (Apollo's over HTTP; here because graphql-js would report them without a code).
 */
export function createOperationPreparer(schema: GraphQLSchema, limits: Limits, { introspection = true }: { introspection?: boolean } = {}) {
  // Apollo's `introspection: false` adds the same rule over HTTP.
  const rules = [...specifiedRules, ...validationRules(limits), ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const options = parseOptions(limits);
  // A reconnect storm sends the same few documents thousands of times: parse and validate each once (issue 16).
  const documents = new DocumentCache<DocumentNode | GraphQLError[]>();
  const check = operationChecks(limits.maxCost);
  const parsed = (query: string): DocumentNode | GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let result: DocumentNode | GraphQLError[];
    try {
      const document = parse(query, options);
      const errors = validate(schema, document, rules);
      result = errors.length ? errors.map((error) => labelled(error, 'GRAPHQL_VALIDATION_FAILED')) : document;
    } catch (err) {
      const error = err as GraphQLError;
      result = [labelled(error, TOO_MANY_TOKENS.test(error.message) ? 'QUERY_TOO_COMPLEX' : 'GRAPHQL_PARSE_FAILED')];
    }
    // Bounded by the texts' total length (document-cache.ts): no client can grow it without bound.
    documents.set(query, result);
    return result;
  };
  return (payload: SubscribePayload, viewer: Viewer): PreparedOperation | GraphQLError[] => {
    const document = parsed(payload.query);
    if (Array.isArray(document)) return document;
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `Unknown operation named "${operationName}".` : 'Name the operation to run: the document holds several.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    const checked = check(viewer, schema, document, operation, payload.query, operationName, payload.variables ?? undefined);
    if ('error' in checked) return [checked.error];
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (variables.errors) return variables.errors.map((error) => labelled(error, 'BAD_USER_INPUT'));
    return { args: { schema, document, operationName, variableValues: payload.variables }, cost: checked.cost };
  };
}
