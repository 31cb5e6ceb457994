import { GraphQLError } from 'graphql';
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { AppConfig } from '../config';
import type { Context } from '../core/context';
import { createCostCheck } from './cost-cache';
import { oversizedVariable } from './input-checks';
import { refusedRootField } from './operation-access';
import type { Charge, ChargeResult, CostReport, Throttle } from './throttle';

/** The status and headers of a refused operation: 429 with Retry-After (RFC 9110 §10.2.3: whole seconds). */
function refusal(error: GraphQLError, retryAfterSeconds: number | undefined): GraphQLError {
  const http = retryAfterSeconds === undefined
    ? { status: 400 }
    : { status: 429, headers: new HeaderMap([['retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds)))]]) };
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
}

/** Where a request stands in the error policy: set by its checks, read when its answer is sent. */
export interface PolicyRun {
  started: bigint;
  charge?: Charge;
  report?: CostReport;
}

/** didResolveOperation's arguments that the policy reads (Apollo's, or the known-documents path's). */
export type OperationArgs = Pick<GraphQLRequestContextDidResolveOperation<Context>, 'document' | 'operation' | 'operationName' | 'queryHash' | 'schema'> & {
  request: { variables?: Record<string, unknown> };
};

/**
 * The error policy's steps, shared by its Apollo plugin and the known-documents path (known-documents.ts),
 * so that both refuse, charge and report alike: `precheck` (no side effect: the refusals that come before the
 * throttle, and the cost), then the throttle's charge, then `finish` once the answer is known.
 */
export function operationPolicy(config: AppConfig, throttle: Throttle) {
  const costOf = createCostCheck(config.limits.maxCost);
  return {
    throttle,
    precheck({ document, operation, operationName, queryHash, request, schema }: OperationArgs, viewer: Context['viewer']): { cost: number } | { error: GraphQLError; report?: CostReport } {
      // graphql-js would run it as a query, calling the subscription's resolver without an event (issue 9).
      if (operation?.operation === 'subscription') {
        return {
          error: new GraphQLError('Subscriptions run over WebSocket (graphql-ws) at /graphql, not over HTTP.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          }),
        };
      }
      // The viewer's refusal before the variables are read (operation-access.ts): as the field answered it, HTTP 200.
      const refused = operation && refusedRootField(schema, document, operation, viewer, request.variables);
      if (refused) return { error: new GraphQLError(refused.message, { nodes: refused.nodes, path: refused.path, extensions: { ...refused.extensions, http: { status: 200 } } }) };
      const oversized = operation && oversizedVariable(operation, request.variables);
      if (oversized) return { error: new GraphQLError(oversized.message, { nodes: oversized.nodes, extensions: { ...oversized.extensions, http: { status: 400 } } }) };
      const { cost, error } = costOf(schema, document, operation, queryHash, operationName ?? undefined, request.variables);
      // Thrown here, Apollo would answer 500; over a limit is the client's problem.
      if (error) return { error: refusal(error, undefined), report: { requestedQueryCost: cost, actualQueryCost: null } };
      return { cost };
    },
    /** The charge's refusal as thrown from didResolveOperation. */
    refused(charged: ChargeResult & { error: GraphQLError }): GraphQLError {
      return refusal(charged.error, charged.retryAfterSeconds);
    },
    /** The answer's `extensions.cost` and the operation's log line. */
    finish(run: PolicyRun, operationName: string | null | undefined, body: { data?: unknown; errors?: readonly unknown[]; extensions?: Record<string, unknown> } | undefined, log: Context['log']): void {
      const ms = Number(process.hrtime.bigint() - run.started) / 1e6;
      if (body && run.charge) run.report = throttle.settle(run.charge, body.data);
      if (body && run.report) body.extensions = { ...body.extensions, cost: run.report };
      log.info({ op: operationName ?? null, ms: Math.round(ms * 100) / 100, errors: body?.errors?.length ?? 0 }, 'graphql');
    },
  };
}
export type OperationPolicy = ReturnType<typeof operationPolicy>;
