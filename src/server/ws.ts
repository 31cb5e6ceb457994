import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import type { AppConfig } from '../config';
import { createContext, type AppServices } from '../core/context';
import { checkCost, validationRules } from './limits';

type Extra = { viewer?: Viewer } & Record<PropertyKey, unknown>;

/**
 * graphql-ws on the HTTP server's /graphql path. The client authenticates in `connection_init`
 * (`{ authorization: "Bearer …" }`); bad credentials close the socket with 4403 Forbidden.
 */
export function attachWebSocket(
  server: Server,
  { schema, app, auth, config }: { schema: GraphQLSchema; app: AppServices; auth: Authenticator; config: AppConfig },
) {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const rules = [...specifiedRules, ...validationRules(config.limits)];
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      async onConnect(ctx) {
        const authorization = ctx.connectionParams?.['authorization'];
        const viewer = await auth.authenticate(typeof authorization === 'string' ? authorization : undefined);
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        return true;
      },
      onSubscribe(_ctx, _id, payload) {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return [...errors];
        const costError = checkCost(schema, document, payload.operationName ?? undefined, payload.variables ?? undefined, config.limits.maxCost);
        if (costError) return [costError];
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx) => createContext(app, ctx.extra.viewer!, randomUUID()),
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
