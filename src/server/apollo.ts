import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { Context } from '../core/context';
import { jitGateway } from './jit-executor';
import { createCostCheck } from './cost-cache';
import { logUnexpected, maskUnexpected } from './error-policy';
import { TOO_MANY_TOKENS, parseOptions, validationRules } from './limits';
import { createThrottle, type Charge, type CostReport, type Throttle } from './throttle';
import type { TrustedDocuments } from './trusted-documents';
import { metricsPlugin, type Metrics } from './metrics';
import { refusedRootField } from './operation-access';
import { oversizedVariable } from './input-checks';

/** The status and headers of a refused operation: 429 with Retry-After (RFC 9110 §10.2.3: whole seconds). */
function refusal(error: GraphQLError, retryAfterSeconds: number | undefined): GraphQLError {
  const http = retryAfterSeconds === undefined
    ? { status: 400 }
    : { status: 429, headers: new HeaderMap([['retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds)))]]) };
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
}

/** Cost limit and throttle (extensions.cost), error logging (error-policy.ts: with the request id) and a log line per operation. */
function errorPolicy(config: AppConfig, throttle: Throttle): ApolloServerPlugin<Context> {
  const costOf = createCostCheck(config.limits.maxCost);
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      let charge: Charge | undefined;
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ document, operation, operationName, queryHash, request, schema }) {
          // graphql-js would run it as a query, calling the subscription's resolver without an event (issue 9).
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over WebSocket (graphql-ws) at /graphql, not over HTTP.', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          // The viewer's refusal before the variables are read (operation-access.ts): as the field answered it, HTTP 200.
          const refused = operation && refusedRootField(schema, document, operation, contextValue.viewer, request.variables);
          if (refused) throw new GraphQLError(refused.message, { nodes: refused.nodes, path: refused.path, extensions: { ...refused.extensions, http: { status: 200 } } });
          const oversized = operation && oversizedVariable(operation, request.variables);
          if (oversized) throw new GraphQLError(oversized.message, { nodes: oversized.nodes, extensions: { ...oversized.extensions, http: { status: 400 } } });
          const { cost, error } = costOf(schema, document, operation, queryHash, operationName ?? undefined, request.variables);
          // Thrown here, Apollo would answer 500; over a limit is the client's problem.
          if (error) {
            report = { requestedQueryCost: cost, actualQueryCost: null };
            throw refusal(error, undefined);
          }
          const charged = await throttle.charge(contextValue.viewer, contextValue.clientAddress, cost);
          if (charged.error) {
            report = charged.report;
            throw refusal(charged.error, charged.retryAfterSeconds);
          }
          charge = charged.charge;
        },
        async didEncounterErrors({ errors }) {
          logUnexpected(contextValue.log, errors);
        },
        async willSendResponse({ operationName, response }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (body && charge) report = throttle.settle(charge, body.data);
          if (body && report) body.extensions = { ...body.extensions, cost: report };
          contextValue.log.info({ op: operationName ?? null, ms: Math.round(ms * 100) / 100, errors: body?.errors?.length ?? 0 }, 'graphql');
        },
      };
    },
  };
}

/** Trusted documents (trusted-documents.ts): a guest's or customer's request runs its manifest document, or is refused. */
function trustedOnly(trusted: TrustedDocuments): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const body = request.http?.body as { documentId?: unknown } | null | undefined;
      const documentId =
        (body && typeof body === 'object' ? body.documentId : undefined) ?? new URLSearchParams(request.http?.search ?? '').get('documentId') ?? undefined;
      const verdict = trusted.resolve(contextValue.viewer, { query: request.query, extensions: request.extensions, documentId });
      if (!verdict) return;
      // The manifest answers for the hash: Apollo's automatic persisted queries would look in their own cache.
      if (request.extensions?.['persistedQuery']) {
        const { persistedQuery: _, ...extensions } = request.extensions;
        request.extensions = extensions;
      }
      if (!(verdict instanceof GraphQLError)) {
        request.query = verdict.query;
        return;
      }
      // A plugin can refuse a request from didResolveOperation on (thrown earlier, Apollo answers 500):
      // until then Apollo handles a document that reads nothing, and never parses the refused one.
      request.query = '{ __typename }';
      request.operationName = undefined;
      return {
        async didResolveOperation() {
          throw verdict;
        },
      };
    },
  };
}

export interface ApolloOptions {
  /** Execute hot queries with graphql-jit (default); false keeps graphql-js for everything. */
  jit?: boolean;
  /** Charges each operation's cost to its client's bucket; default: none (costs are still reported). */
  throttle?: Throttle;
  /** Set: guests and customers run only these documents. */
  trusted?: TrustedDocuments;
  /** Times and counts each operation (metrics.ts). */
  metrics?: Metrics;
}

export function createApollo(schema: GraphQLSchema, config: AppConfig, log: Logger, options: ApolloOptions = {}): ApolloServer<Context> {
  const { jit = true, trusted, metrics, throttle = createThrottle({ ...config.throttle, enabled: false }, null, log) } = options;
  const production = config.env === 'production';
  return new ApolloServer<Context>({
    // Apollo Server's gateway hook is its one way to replace execution; parsing, validation,
    // plugins and error formatting stay Apollo's.
    ...(jit ? { gateway: jitGateway(schema, log) } : { schema }),
    csrfPrevention: true,
    introspection: config.introspection,
    // Apollo Server's cache-control plugin costs ~20% of a small operation's CPU; we set no cache hints.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads from a CDN; ours (query-editor.ts) is served by http.ts.
      ApolloServerPluginLandingPageDisabled(),
      // Installed by default for federated subgraphs only (ours is none), it still took part in every request's hooks.
      ApolloServerPluginInlineTraceDisabled(),
      ...(metrics ? [metricsPlugin(metrics)] : []),
      ...(trusted ? [trustedOnly(trusted)] : []),
      errorPolicy(config, throttle),
    ],
    validationRules: validationRules(config.limits),
    parseOptions: parseOptions(config.limits),
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    stopOnTerminationSignals: false,
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      // Apollo relabels every validation-rule error GRAPHQL_VALIDATION_FAILED; our limits keep their own code.
      const ruleCode = error instanceof GraphQLError && error.originalError instanceof GraphQLError
        ? error.originalError.extensions?.['code']
        : undefined;
      if (formatted.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED' && ruleCode === 'QUERY_TOO_COMPLEX') {
        return { ...formatted, extensions: { ...formatted.extensions, code: ruleCode } };
      }
      if (formatted.extensions?.['code'] === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(formatted.message)) {
        return { ...formatted, extensions: { ...formatted.extensions, code: 'QUERY_TOO_COMPLEX' } };
      }
      return maskUnexpected(formatted, unwrapResolverError(error), production);
    },
  });
}
