import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, Kind, getOperationAST, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import type { AppConfig } from '../config';
import { createContext, type AppServices, type Context } from '../core/context';
import { applyErrorPolicy } from './error-policy';
import type { Charge, Throttle } from './throttle';
import type { TrustedDocuments } from './trusted-documents';
import { createOperationPreparer } from './ws-operation';
import type { SocketAccess } from './socket-access';
import type { Metrics, Outcome } from './metrics';
import { negotiateLocale } from '../core/locale';
import { createSocketTurns } from './socket-turns';

/** graphql-ws's "Forbidden" close code. */
const FORBIDDEN = 4403;
/**
 * How long a socket may stay without an acknowledged connection_init (then 4408). graphql-ws's 3 s counts
 * from the socket's opening to our onConnect's answer: in a reconnect storm of 10,000 (issue 16) sockets
 * whose init was sent at once waited longer than that for their turn, and were dropped to reconnect again.
 */
const CONNECTION_INIT_WAIT_MS = 10_000;

/** Subscriptions whose every event is one signed-in viewer's: a socket without a token asking for one is closed with 4403. */
const SIGNED_IN_SUBSCRIPTIONS = new Set(['offers']);

const needsSignIn = (operation: OperationDefinitionNode) =>
  operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && SIGNED_IN_SUBSCRIPTIONS.has(s.name.value));

interface Timing {
  started: bigint;
  name: string | null | undefined;
  parsed: boolean;
  /** Past onSubscribe: executing (or, a subscription, streaming) rather than refused. */
  accepted: boolean;
}

type Extra = {
  viewer?: Viewer;
  /** The client's address, from the upgrade request: a guest's throttle bucket. */
  address?: string;
  /** The throttle's charge of each operation running on the socket, by message id: settled with its first result. */
  charges?: Map<string, Charge>;
  /** The request id of each operation running on the socket, by message id: `onError` gets no context. */
  requestIds?: Map<string, string>;
  /** Each operation's start and name until its metrics are recorded, by message id. */
  timings?: Map<string, Timing>;
} & Record<PropertyKey, unknown>;

export interface WebSocketOptions {
  schema: GraphQLSchema;
  app: AppServices;
  auth: Authenticator;
  config: AppConfig;
  /** Charges each operation's cost to its client's bucket, as over HTTP. */
  throttle: Throttle;
  /** The client's address of the upgrade request (client-address.ts). */
  clientAddress: (req: IncomingMessage) => string;
  /** Where open seller and customer sockets are tracked, so revoked or expired credentials close them. */
  socketAccess?: SocketAccess;
  /** Set: guests and customers run only these documents. */
  trusted?: TrustedDocuments;
  /** Counts sockets and subscriptions, times operations (metrics.ts). */
  metrics?: Metrics;
}

/**
 * graphql-ws on the HTTP server's /graphql path. The client authenticates in `connection_init`
 * (`{ authorization: "Bearer …" }`); bad credentials close the socket with 4403 Forbidden, and so does
 * losing them while the socket is open: a revoked key, a suspended seller, a customer's ended session,
 * refused token version, erasure or expired access token (socket-access.ts).
 * Every operation is a request with its own id; its errors follow error-policy.ts like HTTP's.
 */
export function attachWebSocket(server: Server, { schema, app, auth, config, throttle, clientAddress, socketAccess, trusted, metrics }: WebSocketOptions) {
  const production = config.env === 'production';
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const prepare = createOperationPreparer(schema, config.limits, { introspection: config.introspection });
  const requestLog = (extra: Extra, id: string) => app.log.child({ reqId: extra.requestIds?.get(id) ?? null });
  // graphql-ws keeps each socket's running operations in `ctx.subscriptions`: a subscription's is its event stream.
  const open = new Set<{ subscriptions: Record<string, unknown> }>();
  metrics?.observeSockets(() => {
    let subscriptions = 0;
    for (const ctx of open) {
      for (const running of Object.values(ctx.subscriptions)) if (running && typeof running === 'object' && Symbol.asyncIterator in running) subscriptions++;
    }
    return { connections: open.size, subscriptions };
  });
  /** Records an operation's metrics once: at its first result, its refusal or its failure. */
  const recordOnce = (extra: Extra, id: string, outcome: Outcome, errors: readonly GraphQLFormattedError[]) => {
    const timing = extra.timings?.get(id);
    if (!timing) return void metrics?.errors(errors);
    extra.timings?.delete(id);
    const seconds = Number(process.hrtime.bigint() - timing.started) / 1e9;
    metrics?.operation({ operation: timing.name, parsed: timing.parsed, outcome, transport: 'ws', seconds, errors });
  };
  const socketTurn = createSocketTurns();
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      // Close reasons of a socket that failed follow our environment, not NODE_ENV.
      isProd: production,
      async onConnect(ctx) {
        await socketTurn();
        const authorization = ctx.connectionParams?.['authorization'];
        const address = clientAddress(ctx.extra.request);
        // A throttled address (RATE_LIMITED) is refused like a wrong key: 4403.
        const viewer = await auth
          .authenticate(typeof authorization === 'string' ? authorization : undefined, address)
          .catch((err: unknown) => {
            if (err instanceof GraphQLError && err.extensions['code'] === 'RATE_LIMITED') return null;
            throw err;
          });
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        ctx.extra.address = address;
        ctx.extra.requestIds = new Map();
        socketAccess?.add(viewer, ctx.extra.socket);
        ctx.extra.charges = new Map();
        ctx.extra.timings = new Map();
        open.add(ctx);
        return true;
      },
      async onSubscribe(ctx, id, payload) {
        await socketTurn();
        ctx.extra.requestIds?.set(id, randomUUID());
        const timing: Timing = { started: process.hrtime.bigint(), name: payload.operationName, parsed: false, accepted: false };
        ctx.extra.timings?.set(id, timing);
        let prepared: ReturnType<typeof prepare>;
        try {
          const verdict = trusted?.resolve(ctx.extra.viewer!, payload);
          if (verdict instanceof GraphQLError) return [new GraphQLError(verdict.message, { extensions: { code: verdict.extensions['code'] } })];
          prepared = prepare(verdict ? { ...payload, query: verdict.query } : payload, ctx.extra.viewer!);
        } catch (err) {
          // Thrown, it would close the socket; as an error it fails this operation only, through onError.
          return [new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err as Error })];
        }
        if (Array.isArray(prepared)) return prepared;
        const operation = getOperationAST(prepared.args.document, prepared.args.operationName);
        if (ctx.extra.viewer!.kind === 'guest' && operation?.operation === 'subscription' && needsSignIn(operation)) {
          // As a bad token at connection_init: the socket has no credentials for what it asks (issue 16).
          ctx.extra.socket.close(FORBIDDEN, 'Forbidden');
          return [new GraphQLError('Sign in to subscribe to this.', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        Object.assign(timing, { name: operation?.name?.value ?? null, parsed: true });
        const charged = await throttle.charge(ctx.extra.viewer!, ctx.extra.address, prepared.cost);
        // graphql-ws's error message has no room for top-level extensions: the refusal carries its report.
        if (charged.error) return [new GraphQLError(charged.error.message, { extensions: { ...charged.error.extensions, cost: charged.report } })];
        ctx.extra.charges?.set(id, charged.charge);
        timing.accepted = true;
        // A subscription is timed to its acceptance: its life is the client's business.
        if (operation?.operation === 'subscription') recordOnce(ctx.extra, id, 'ok', []);
        return prepared.args;
      },
      context: (ctx, id) =>
        createContext(app, ctx.extra.viewer!, ctx.extra.requestIds?.get(id) ?? randomUUID(), ctx.extra.address, negotiateLocale(ctx.extra.request.headers['accept-language'])),
      // Results of queries, mutations and each subscription event, errors raised while resolving included.
      onNext(ctx, id, _payload, args, result) {
        const charge = ctx.extra.charges?.get(id);
        const reported = charge ? { ...result, extensions: { ...result.extensions, cost: throttle.settle(charge, result.data) } } : result;
        if (!result.errors?.length) {
          recordOnce(ctx.extra, id, 'ok', []);
          return reported;
        }
        const errors = applyErrorPolicy(result.errors, (args.contextValue as Context).log, production);
        recordOnce(ctx.extra, id, 'error', errors);
        return { ...reported, errors };
      },
      // An operation refused before execution, or a subscription whose event stream failed.
      onError(ctx, id, _payload, errors) {
        const formatted = applyErrorPolicy(errors, requestLog(ctx.extra, id), production);
        recordOnce(ctx.extra, id, ctx.extra.timings?.get(id)?.accepted ? 'error' : 'refused', formatted);
        ctx.extra.requestIds?.delete(id);
        ctx.extra.charges?.delete(id);
        return formatted;
      },
      onComplete(ctx, id) {
        // Completed without a result: the client cancelled it first.
        if (ctx.extra.timings?.has(id)) recordOnce(ctx.extra, id, 'ok', []);
        ctx.extra.requestIds?.delete(id);
        ctx.extra.charges?.delete(id);
      },
      onClose(ctx) {
        open.delete(ctx);
      },
    },
    wss,
  );
  return {
    async close(): Promise<void> {
      for (const client of wss.clients) client.close(1001, 'Going away');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
