import http from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import coCreation from '../../plugins/co-creation/index';
import { install, propose, voteBy } from '../../plugins/co-creation/test/co-creation.fixtures';
import { listening, startCli, type Cli } from '../helpers/cli';
import { insertCustomers, type TestCustomer } from '../helpers/customers';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { subscribe, wsClient, type WsClient } from '../helpers/ws-client';

// README "Several cores": `zoco serve --workers 2` of the built CLI on a fresh database, with the default
// pubsub (which several workers make postgres). The cluster's primary hands each new connection to the
// next child, so a request on a fresh connection may land on either; /metrics/process names the pid that
// answered, /metrics sums them all.

const APPROVED = 'subscription { coCreationProposalApproved { id title } }';

interface Answer {
  status: number;
  body: string;
}

/**
 * One request over `agent` (a fresh connection when none is given), the socket's own errors rejected, and
 * given up after `timeoutMs` without an answer.
 */
function send(
  url: string,
  { agent, method = 'GET', body, token, timeoutMs = 10_000 }: { agent?: http.Agent; method?: string; body?: string; token?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: agent ?? false,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    // A connection handed to a child as it was killed may never be answered.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.end(body);
  });
}

const PROBE = 'query ClusterProbe { __typename }';
const PROBES = /^zoco_graphql_request_duration_seconds_count\{[^}]*operation="ClusterProbe"[^}]*\} (\d+)$/m;

/** The pid and exposition series of the process that answered a scrape. */
async function scrape(base: string, agent?: http.Agent): Promise<{ pid: number; subscriptions: number; probes: number }> {
  const { body } = await send(`${base}/metrics/process`, { agent });
  const pid = Number(/^zoco_process_info\{pid="(\d+)"\} 1$/m.exec(body)?.[1]);
  const subscriptions = Number(/^zoco_websocket_subscriptions (\d+)$/m.exec(body)?.[1]);
  return { pid, subscriptions, probes: Number(PROBES.exec(body)?.[1] ?? 0) };
}

/** Scrapes on fresh connections until `count` different processes have answered; their last answers by pid. */
async function processes(base: string, count: number, exclude: number[] = []): Promise<Map<number, Awaited<ReturnType<typeof scrape>>>> {
  const seen = new Map<number, Awaited<ReturnType<typeof scrape>>>();
  await until(
    async () => {
      // While a child is replaced, a connection may be reset: ask again.
      const answer = await scrape(base).catch(() => null);
      if (answer && !exclude.includes(answer.pid)) seen.set(answer.pid, answer);
      return seen.size >= count;
    },
    `${count} processes to answer`,
    60_000,
  );
  return seen;
}

/** A GraphQL client whose every request goes over one kept-alive connection, so to one process: it says which. */
interface PinnedClient {
  /** The process at the other end of the connection. */
  pid: number;
  /** Which process answers now (still `pid` while the connection lives). */
  answering(): Promise<number>;
  data(query: string, variables?: Record<string, unknown>, token?: string): Promise<any>;
  close(): void;
}

async function pinnedClient(base: string): Promise<PinnedClient> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { pid } = await scrape(base, agent);
  return {
    pid,
    answering: async () => (await scrape(base, agent)).pid,
    async data(query, variables, token) {
      const res = await send(`${base}/graphql`, { agent, method: 'POST', body: JSON.stringify({ query, variables }), token });
      const parsed = JSON.parse(res.body);
      if (parsed.errors?.length || !parsed.data) throw new Error(`GraphQL errors (HTTP ${res.status}): ${res.body}`);
      return parsed.data;
    },
    close: () => agent.destroy(),
  };
}


describe('zoco serve --workers 2', () => {
  let t: TestApp;
  let seller: TestSeller;
  let author: TestCustomer;
  let voter: TestCustomer;
  let cli: Cli;
  let base: string;
  let wsUrl: string;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ plugins: [coCreation], migrateOnStart: true });
    seller = await createSeller(t);
    await install(t, seller, { voteThreshold: 1 });
    [author, voter] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await t.app.stop();
    cli = startCli(
      {
        NODE_ENV: 'test',
        DATABASE_URL: t.databaseUrl,
        ZOCO_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'zoco-workers-')),
        ZOCO_ADMIN_KEY: ADMIN_KEY,
        ZOCO_JWT_SECRET: t.app.config.jwtSecret,
        ZOCO_PLUGINS: 'co-creation',
        LOG_LEVEL: 'warn',
      },
      ['--workers', '2'],
    );
    const url = await listening(cli, 120_000);
    base = url.replace(/\/graphql$/, '');
    wsUrl = url.replace(/^http/, 'ws');
  }, 240_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await cli?.exited;
    await t?.stop();
  });

  it('answers on one port from two processes, neither of them the primary', async () => {
    const pids = [...(await processes(base, 2)).keys()];
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(cli.child.pid);
  }, 90_000);

  it('sums every process in /metrics, the background worker included', async () => {
    // Fresh connections go to the children in turn, so both take some of these.
    const count = 6;
    for (let i = 0; i < count; i++) expect((await send(`${base}/graphql`, { method: 'POST', body: JSON.stringify({ query: PROBE }) })).status).toBe(200);
    const perProcess = [...(await processes(base, 2)).values()].map((p) => p.probes);
    expect(perProcess.reduce((a, b) => a + b, 0)).toBe(count);

    const { status, body } = await send(`${base}/metrics`);
    expect(status).toBe(200);
    expect(Number(PROBES.exec(body)?.[1])).toBe(count);
    // One series per process: the two HTTP children and the `zoco worker`, not the primary.
    const pids = [...body.matchAll(/^zoco_process_info\{pid="(\d+)"\} 1$/gm)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(cli.child.pid);
    // The database's figures once, not once per process.
    expect(body.match(/^zoco_outbox_lag_seconds /gm)).toHaveLength(1);
  }, 90_000);

  it('delivers to a subscriber on one process the event of a mutation made through the other', async () => {
    const socket = wsClient(wsUrl, seller.key, { lazy: false });
    sockets.push(socket);
    const live = subscribe<{ coCreationProposalApproved: { id: string; title: string } }>(socket, APPROVED);
    // The process holding the socket counts its subscription once registered.
    let socketPid = 0;
    await until(
      async () => {
        const { pid, subscriptions } = await scrape(base);
        if (subscriptions === 1) socketPid = pid;
        return socketPid !== 0;
      },
      'the subscription to be registered',
      60_000,
    );
    // Connections go to the children in turn: one of the next few lands on the other.
    let other = await pinnedClient(base);
    for (let tries = 0; other.pid === socketPid && tries < 10; tries++) {
      other.close();
      other = await pinnedClient(base);
    }
    try {
      const id = await propose(other, author, seller, 'Made through the other process');
      await voteBy(other, id, [voter]);
      await until(() => live.events.length > 0, 'the approval on the subscriber', 20_000);
      expect(live.events).toEqual([{ coCreationProposalApproved: { id, title: 'Made through the other process' } }]);
      expect(live.errors).toEqual([]);
      // The mutations did go through the other process: the kept-alive connection is still its.
      expect(await other.answering()).toBe(other.pid);
      expect(other.pid).not.toBe(socketPid);
    } finally {
      other.close();
    }
  }, 120_000);

  it('replaces a child that was killed, and says so', async () => {
    const before = [...(await processes(base, 2)).keys()];
    process.kill(before[0]!, 'SIGKILL');
    const [replacement] = [...(await processes(base, 1, before)).keys()];
    expect(before).not.toContain(replacement);
    expect((await processes(base, 2, [before[0]!])).size).toBe(2);
    expect(cli.output()).toMatch(/"signal":"SIGKILL".*http process died; starting another/);
  }, 120_000);

  it('on SIGTERM finishes a request in flight, refuses new connections, and exits 0', async () => {
    // A request waiting on a lock another transaction holds is certainly executing when the signal comes.
    const blocker = new Client({ connectionString: t.databaseUrl });
    blocker.on('error', () => undefined);
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE product IN ACCESS EXCLUSIVE MODE');
      // It waits on the lock until the drain is seen below, which takes longer than a plain request's patience on a busy machine.
      const slow = send(`${base}/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ products(first: 3) { nodes { title } } }' }), timeoutMs: 90_000 });
      // The app pool's (`zoco`): the background's offer timers, with their own pool, may wait on the lock too.
      const waiting = async () =>
        (
          await blocker.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND application_name = 'zoco'`,
          )
        ).rows[0].n;
      await until(async () => (await waiting()) > 0, 'the request to wait on the lock', 30_000);

      cli.child.kill('SIGTERM');
      // Every child closes its listener at once; the primary then closes the shared one.
      await until(
        () =>
          send(`${base}/readyz`).then(
            (res) => res.status === 503,
            (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET',
          ),
        'new connections to be refused',
        20_000,
      );
      expect(cli.child.exitCode).toBeNull();
      await blocker.query('COMMIT');

      const res = await slow;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ data: { products: { nodes: expect.any(Array) } } });
      expect(await cli.exited).toBe(0);
    } finally {
      await blocker.end();
    }
  }, 120_000);
});

describe('zoco serve --workers with the in-memory pubsub', () => {
  it('refuses to start, saying why and what to use', async () => {
    const cli = startCli({ ZOCO_PUBSUB: 'memory' }, ['--workers', '2']);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('ZOCO_PUBSUB: memory reaches the subscribers of one process only, and --workers 2 runs 2: use postgres');
  }, 60_000);
});
