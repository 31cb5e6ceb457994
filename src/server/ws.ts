import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import type { AppConfig } from '../config';
import { createContext, type AppServices, type Context } from '../core/context';
import { applyErrorPolicy } from './error-policy';
import type { TrustedDocuments } from './trusted-documents';
import { createOperationPreparer } from './ws-operation';

type Extra = {
  viewer?: Viewer;
  /** The request id of each operation running on the socket, by message id: `onError` gets no context. */
  requestIds?: Map<string, string>;
} & Record<PropertyKey, unknown>;

/**
 * graphql-ws on the HTTP server's /graphql path. The client authenticates in `connection_init`
 * (`{ authorization: "Bearer …" }`); bad credentials close the socket with 4403 Forbidden.
 * Every operation is a request with its own id; its errors follow error-policy.ts like HTTP's.
 */
export function attachWebSocket(
  server: Server,
  {
    schema,
    app,
    auth,
    config,
    trusted,
  }: { schema: GraphQLSchema; app: AppServices; auth: Authenticator; config: AppConfig; trusted?: TrustedDocuments },
) {
  const production = config.env === 'production';
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const prepare = createOperationPreparer(schema, config.limits);
  const requestLog = (extra: Extra, id: string) => app.log.child({ reqId: extra.requestIds?.get(id) ?? null });
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      // Close reasons of a socket that failed follow our environment, not NODE_ENV.
      isProd: production,
      async onConnect(ctx) {
        const authorization = ctx.connectionParams?.['authorization'];
        const viewer = await auth.authenticate(typeof authorization === 'string' ? authorization : undefined);
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        ctx.extra.requestIds = new Map();
        return true;
      },
      onSubscribe(ctx, id, payload) {
        ctx.extra.requestIds?.set(id, randomUUID());
        try {
          const verdict = trusted?.resolve(ctx.extra.viewer!, payload);
          if (verdict instanceof GraphQLError) return [new GraphQLError(verdict.message, { extensions: { code: verdict.extensions['code'] } })];
          return prepare(verdict ? { ...payload, query: verdict.query } : payload);
        } catch (err) {
          // Thrown, it would close the socket; as an error it fails this operation only, through onError.
          return [new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err as Error })];
        }
      },
      context: (ctx, id) => createContext(app, ctx.extra.viewer!, ctx.extra.requestIds?.get(id) ?? randomUUID()),
      // Results of queries, mutations and each subscription event, errors raised while resolving included.
      onNext(_ctx, _id, _payload, args, result) {
        if (!result.errors?.length) return;
        return { ...result, errors: applyErrorPolicy(result.errors, (args.contextValue as Context).log, production) };
      },
      // An operation refused before execution, or a subscription whose event stream failed.
      onError(ctx, id, _payload, errors) {
        const formatted = applyErrorPolicy(errors, requestLog(ctx.extra, id), production);
        ctx.extra.requestIds?.delete(id);
        return formatted;
      },
      onComplete(ctx, id) {
        ctx.extra.requestIds?.delete(id);
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
