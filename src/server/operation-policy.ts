import { GraphQLError } from 'graphql';
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { AppConfig } from '../config';
import type { Context } from '../core/context';
import { createCostCheck, type CostArgs } from './cost-cache';
import { oversizedVariable } from './input-checks';
import { refusedRootField } from './operation-access';
import type { Charge, ChargeResult, CostReport, Throttle } from './throttle';

/**
 * The status and headers of an operation the throttle refused: 429 with Retry-After (RFC 9110 §10.2.3: whole
 * seconds) when waiting helps, 400 when it never will (over a bucket's capacity).
 */
function throttled(error: GraphQLError, retryAfterSeconds: number | undefined): GraphQLError {
  const http = retryAfterSeconds === undefined
    ? { status: 400 }
    : { status: 429, headers: new HeaderMap([['retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds)))]]) };
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
}

/** A refusal of operationChecks, with the HTTP status it answers with (200: as the refused field answered it). */
export interface OperationRefusal {
  error: GraphQLError;
  status: 200 | 400;
  /** The estimated cost of an operation refused for it. */
  cost?: number;
}

/**
 * The checks both transports make before an operation runs, in this order: the viewer's access to its root
 * fields (operation-access.ts, before any variable is read), oversized variables, then the cost (cost-cache.ts:
 * invalid variables have none; graphql-js refuses them as BAD_USER_INPUT). HTTP (operationPolicy's `precheck`,
 * for Apollo and the known-documents path) and WebSocket (ws-operation.ts) call it, so that a refusal is the
 * same over either; each transport adds only what is its own (HTTP: statuses and the cost report; WebSocket:
 * parsing, validation and the variables' coercion, which Apollo does over HTTP).
 */
export function operationChecks(maxCost: number) {
  const costOf = createCostCheck(maxCost);
  return (viewer: Context['viewer'], ...args: CostArgs): { cost: number } | OperationRefusal => {
    const [schema, document, operation, , , variables] = args;
    const refused = operation && refusedRootField(schema, document, operation, viewer, variables);
    if (refused) return { error: refused, status: 200 };
    const oversized = operation && oversizedVariable(operation, variables);
    if (oversized) return { error: oversized, status: 400 };
    const { cost, error } = costOf(...args);
    return error ? { error, status: 400, cost } : { cost };
  };
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
  const check = operationChecks(config.limits.maxCost);
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
      const checked = check(viewer, schema, document, operation ?? undefined, queryHash, operationName ?? undefined, request.variables);
      if (!('error' in checked)) return checked;
      const { error, status, cost } = checked;
      // Thrown here, Apollo would answer 500; a refusal is the client's problem (or, with 200, the field's answer).
      const answered = new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { ...error.extensions, http: { status } } });
      return cost === undefined ? { error: answered } : { error: answered, report: { requestedQueryCost: cost, actualQueryCost: null } };
    },
    /** The charge's refusal as thrown from didResolveOperation. */
    refused(charged: ChargeResult & { error: GraphQLError }): GraphQLError {
      return throttled(charged.error, charged.retryAfterSeconds);
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
