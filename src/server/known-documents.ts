import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Context } from '../core/context';
import { DocumentCache } from './document-cache';
import type { OperationPolicy, PolicyRun } from './operation-policy';
import type { Executor, ExecutorRequest } from './jit-executor';
import { recordHttpOperation, type Metrics } from './metrics';
import { REPLAY, replayOf, type Replay } from './replay';
import type { ChargeResult } from './throttle';

/**
 * The known-documents path: a POST of a query document Apollo Server has already parsed and validated is
 * answered here, without Apollo's request pipeline (a sha256 of the query, its document store, the plugin
 * hooks' promise chains, Negotiator parsing Accept twice, the gateway's request context, a clone of the
 * context: with their allocations, about half of a trivial operation's CPU, bench/RESULTS.md trivial-tax2). It runs the same steps
 * in the same order with the same code (the error policy's checks and charge, the executor, the policy's
 * `finish` and the metrics' record), and answers itself only when the operation succeeds without errors.
 * Anything else is handed to Apollo, which then answers it as it answers every request:
 * - before any step with a side effect (a body or headers outside the common case, an unknown document or
 *   operation, a mutation, a refusal of the policy's checks): Apollo runs the request from the start;
 * - after one (the throttle refused, or execution gave errors or threw): as a replay, Apollo runs its
 *   pipeline again, but the policy takes the charge already made and the executor answers the result already
 *   computed (REPLAY on the context, which Apollo's clone of the context keeps), so nothing runs twice.
 * Proven equal (status, content type and body) by test/server/fast-path-parity.test.ts; `--no-fast-paths`
 * (createApp({ fastPaths: false })) turns it off with graphql-jit.
 */

/**
 * The content type Apollo Server chooses for a single result (`chooseContentTypeForSingleResultResponse`,
 * which runs Negotiator over Accept), for the Accept headers clients send; any other Accept goes to Apollo.
 * The parity test checks each against Apollo's answer.
 */
const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
export const CONTENT_TYPE_BY_ACCEPT: ReadonlyMap<string | undefined, string> = new Map([
  [undefined, JSON_TYPE],
  ['*/*', JSON_TYPE],
  ['application/json', JSON_TYPE],
  ['application/json, text/plain, */*', JSON_TYPE],
  ['application/graphql-response+json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json;charset=utf-8, application/json;charset=utf-8;q=0.9', GRAPHQL_RESPONSE_TYPE],
]);
/** Request content types that pass Apollo's CSRF check (not a "simple" type) and that http.ts parses as JSON. */
const JSON_REQUEST_TYPES: ReadonlySet<string | undefined> = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

interface Known {
  document: DocumentNode;
  queryHash: string;
  /**
   * The document's own operations by name, and by `undefined` its only one (getOperationAST's answer): made
   * when the document is kept, never from a client's operationName (a name matching none goes to Apollo).
   */
  operations: Map<string | undefined, OperationDefinitionNode>;
}

function knownDocument(document: DocumentNode, queryHash: string): Known {
  const operations = new Map<string | undefined, OperationDefinitionNode>();
  const only = getOperationAST(document);
  if (only) operations.set(undefined, only);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operations.set(definition.name.value, definition);
  }
  return { document, queryHash, operations };
}

/** A request this path can take: the document, its operation and the request's parts as Apollo would read them. */
interface Eligible {
  known: Known;
  operation: OperationDefinitionNode;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  contentType: string;
}

/** The answer: written by the caller; or the context function to hand Apollo (the same context, or the same failure). */
type Outcome = { contentType: string; body: string } | { context: () => Promise<Context> };

const isRecord = (o: unknown): o is Record<string, unknown> => !!o && typeof o === 'object' && !Array.isArray(o);

interface KnownDocumentsOptions {
  schema: GraphQLSchema;
  executor: Executor;
  policy: OperationPolicy;
  metrics?: Metrics;
}

export function createKnownDocuments({ schema, executor, policy, metrics }: KnownDocumentsOptions) {
  // Bounded by the texts' length, least recently used out (document-cache.ts).
  const documents = new DocumentCache<Known>();
  let running = false;

  /**
   * Keeps each query document Apollo parsed, validated and answered without errors: a document refused (by the
   * operation gate, the cost check, the throttle) or failing is not kept, so it cannot crowd out the good ones.
   */
  const plugin: ApolloServerPlugin<Context> = {
    async serverWillStart() {
      running = true;
      return {
        async serverWillStop() {
          running = false;
        },
      };
    },
    async requestDidStart({ request }) {
      const query = request.query;
      if (query === undefined || query.length > documents.maxEntryChars || documents.has(query)) return;
      let resolved: { document: DocumentNode; queryHash: string } | undefined;
      return {
        async didResolveOperation({ document, queryHash, operation }) {
          if (operation?.operation === 'query') resolved = { document, queryHash };
        },
        async willSendResponse({ response }) {
          if (resolved && response.body.kind === 'single' && !response.body.singleResult.errors) documents.set(query, knownDocument(resolved.document, resolved.queryHash));
        },
      };
    },
  };

  /** The gateway's executor, answering a replay with its first pass's result. */
  const replayingExecutor: Executor = async (request) => {
    const executed = replayOf(request.context as object)?.executed;
    if (!executed) return executor(request);
    if ('failed' in executed) throw executed.failed;
    return executed.result;
  };

  /** Whether this path takes the request (no side effect): a POST of a known query, as Apollo would read it. */
  function eligible(method: string | undefined, body: unknown, contentType: string | undefined, accept: string | undefined): Eligible | null {
    if (!running || method !== 'POST' || !isRecord(body) || typeof body['query'] !== 'string') return null;
    const responseType = CONTENT_TYPE_BY_ACCEPT.get(accept);
    if (!responseType || !JSON_REQUEST_TYPES.has(contentType)) return null;
    const known = documents.get(body['query']);
    const { operationName, variables, extensions } = body;
    if (!known || (extensions !== undefined && extensions !== null)) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
    const name = typeof operationName === 'string' ? operationName : undefined;
    const operation = known.operations.get(name);
    if (operation?.operation !== 'query') return null;
    return { known, operation, query: body['query'], operationName: name, variables: isRecord(variables) ? variables : undefined, contentType: responseType };
  }

  /** Runs an eligible request: Apollo's steps for a known document, from the context on. */
  async function run({ known, operation, query, operationName, variables, contentType }: Eligible, context: () => Promise<Context>): Promise<Outcome> {
    let ctx: Context;
    try {
      ctx = await context();
    } catch (err) {
      // Apollo answers a failed context itself (the same error, prefixed): it gets the same failure.
      return { context: () => Promise.reject(err) };
    }
    // Apollo's timing starts at requestDidStart, after the context (authentication) is made: the same here.
    const started = process.hrtime.bigint();
    const handOver = (replay?: Replay): Outcome => {
      if (replay) (ctx as { [REPLAY]?: Replay })[REPLAY] = replay;
      return { context: async () => ctx };
    };
    const documentName = operation.name?.value || null;
    const args = { document: known.document, operation, operationName: documentName, queryHash: known.queryHash, schema, request: { variables } };
    // A check or a charge that throws (rather than refuses) is Apollo's to answer too, as a 500 it formats: the
    // checks have no side effect and throw again there; the charge is handed over as made, rejected.
    let checked: ReturnType<OperationPolicy['precheck']>;
    try {
      checked = policy.precheck(args, ctx.viewer);
    } catch {
      return handOver();
    }
    if ('error' in checked) return handOver();
    const charging = policy.throttle.charge(ctx.viewer, ctx.clientAddress, checked.cost);
    let charged: ChargeResult;
    try {
      charged = await charging;
    } catch {
      return handOver({ started, charged: charging });
    }
    if (charged.error) return handOver({ started, charged: charging });
    const request: ExecutorRequest = {
      document: known.document,
      operation,
      operationName: documentName,
      queryHash: known.queryHash,
      source: query,
      request: { query, operationName, variables },
      context: ctx,
    } as unknown as ExecutorRequest;
    let result: ExecutionResult;
    try {
      result = (await executor(request)) as ExecutionResult;
    } catch (failed) {
      return handOver({ started, charged: charging, executed: { failed } });
    }
    if (result.errors) return handOver({ started, charged: charging, executed: { result } });
    // Apollo's single result, fields in its order (runHttpQuery's orderExecutionResultFields): errors, data, extensions.
    const body = { errors: undefined, data: result.data, extensions: result.extensions as Record<string, unknown> | undefined };
    // willSendResponse, plugins in their order: the metrics, then the error policy (which adds extensions.cost).
    if (metrics) recordHttpOperation(metrics, { started, documentName, requestName: operationName, parsed: documentName !== null, body });
    const policyRun: PolicyRun = { started, charge: charged.charge };
    policy.finish(policyRun, documentName, body, ctx.log);
    return { contentType, body: `${JSON.stringify(body)}\n` };
  }

  return { plugin, replayingExecutor, eligible, run };
}
export type KnownDocuments = ReturnType<typeof createKnownDocuments>;
