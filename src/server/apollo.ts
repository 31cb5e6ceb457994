import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { Context } from '../core/context';
import { jitExecutor, jitGateway } from './jit-executor';
import { createKnownDocuments, type KnownDocuments } from './known-documents';
import { operationPolicy, type OperationPolicy, type PolicyRun } from './operation-policy';
import { replayOf } from './replay';
import { logUnexpected, maskUnexpected } from './error-policy';
import { TOO_MANY_TOKENS, parseOptions, validationRules } from './limits';
import { createThrottle, type Throttle } from './throttle';
import type { TrustedDocuments } from './trusted-documents';
import { metricsPlugin, type Metrics } from './metrics';

/** Cost limit and throttle (extensions.cost), error logging (error-policy.ts: with the request id) and a log line per operation. */
function errorPolicy(policy: OperationPolicy): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      // A request the known-documents path handed over: its start, and the charge it already made.
      const replay = replayOf(contextValue);
      const run: PolicyRun = { started: replay?.started ?? process.hrtime.bigint() };
      return {
        async didResolveOperation(args) {
          const checked = policy.precheck(args, contextValue.viewer);
          if ('error' in checked) {
            run.report = checked.report;
            throw checked.error;
          }
          const charged = await (replay?.charged ?? policy.throttle.charge(contextValue.viewer, contextValue.clientAddress, checked.cost));
          if (charged.error) {
            run.report = charged.report;
            throw policy.refused(charged);
          }
          run.charge = charged.charge;
        },
        async didEncounterErrors({ errors }) {
          logUnexpected(contextValue.log, errors);
        },
        async willSendResponse({ operationName, response }) {
          policy.finish(run, operationName, response.body.kind === 'single' ? response.body.singleResult : undefined, contextValue.log);
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

/** The known-documents path of an Apollo server made by createApollo, when it has one (read by http.ts). */
const knownDocumentsPaths = new WeakMap<ApolloServer<Context>, KnownDocuments>();
export const knownDocumentsOf = (apollo: ApolloServer<Context>): KnownDocuments | undefined => knownDocumentsPaths.get(apollo);

export function createApollo(schema: GraphQLSchema, config: AppConfig, log: Logger, options: ApolloOptions = {}): ApolloServer<Context> {
  const { jit = true, trusted, metrics, throttle = createThrottle({ ...config.throttle, enabled: false }, null, log) } = options;
  const production = config.env === 'production';
  const policy = operationPolicy(config, throttle);
  // The known-documents path (known-documents.ts) comes with graphql-jit (both are the fast paths); not with
  // trusted documents (their plugin rewrites queries) nor with an Apollo key (Apollo then adds usage reporting).
  const known = jit && !trusted && !process.env['APOLLO_KEY'] ? createKnownDocuments({ schema, executor: jitExecutor(schema, log), policy, metrics }) : undefined;
  const apollo = new ApolloServer<Context>({
    // Apollo Server's gateway hook is its one way to replace execution; parsing, validation, plugins and
    // error formatting stay Apollo's (a known document's clean success skips them: known-documents.ts).
    ...(jit ? { gateway: jitGateway(schema, known?.replayingExecutor ?? jitExecutor(schema, log)) } : { schema }),
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
      errorPolicy(policy),
      ...(known ? [known.plugin] : []),
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
  if (known) knownDocumentsPaths.set(apollo, known);
  return apollo;
}
