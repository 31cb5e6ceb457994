import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild } from './child-process';
import { databaseCpuMicros } from './database-cpu';
import { goodGraphql, load } from './load';
import { CATALOG, graphqlBody } from './queries';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

/**
 * Issue 4: the CATALOG page with co-creation and loyalty-points installed by half the sellers and a
 * field of each selected, against the same page on the same data without plugins.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    'no-write': { type: 'boolean', default: false },
    // V8 CPU profiles of each measured window, in bench/.data-plugins-profiles.
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const PROFILE_DIR = path.join(ROOT, 'bench/.data-plugins-profiles');
const PLUGINS = ['co-creation', 'loyalty-points'];
const WITH_FIELDS = CATALOG.replace(
  'variants { title listings {',
  'coCreatedFrom { title votes } variants { title listings { loyaltyPoints',
);
const catalogOf = (query: string, first: number) => query.replace('products(first: 20)', `products(first: ${first})`);

async function run(options: ZocoServerOptions, queries: [name: string, query: string][], install: boolean) {
  const server = await startChild<ZocoServerInfo>('zoco-server.js', options);
  try {
    if (install) await server.call('installForHalf');
    const post = (q: string) => fetch(server.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(q) });
    const measured = [];
    const pgDataDir = path.join(options.dataDir, 'pg');
    for (const [name, query] of queries) {
      const check = await (await post(query)).text();
      if (check.includes('"errors"')) throw new Error(`the query fails: ${check.slice(0, 300)}`);
      const statements: number[] = [];
      for (const first of [10, 20, 50, 100]) {
        const before = await server.call<number>('statements');
        await (await post(catalogOf(query, first))).text();
        statements.push((await server.call<number>('statements')) - before);
      }
      let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
      const result = await load({
        url: server.info.url,
        connections: 50,
        seconds: Number(args.seconds),
        warmupSeconds: Number(args.warmup),
        body: graphqlBody(query),
        verify: goodGraphql(/"nodes"\s*:\s*\[\{/),
        onMeasureStart: () => {
          start = (async () => {
            if (args['cpu-prof']) await server.call('profileStart');
            return [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
          })();
        },
      });
      const [cpu1, db1] = [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
      const [cpu0, db0] = await start!;
      if (args['cpu-prof']) {
        mkdirSync(PROFILE_DIR, { recursive: true });
        await server.call('profileStop', path.join(PROFILE_DIR, `${name}.cpuprofile`));
      }
      const serverCpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / result.requests;
      const databaseCpu = db0 === null || db1 === null ? null : (db1 - db0) / result.requests;
      measured.push({ result, statements, serverCpu, databaseCpu });
    }
    return measured;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = path.join(ROOT, 'bench/.data-plugins');
  rmSync(dataDir, { recursive: true, force: true });
  const base: ZocoServerOptions = { dataDir, embeddedPgPort: 54341 };
  const [plain] = await run({ ...base, seed: true }, [['no-plugins', CATALOG]], false);
  // On the plugin server, the page without plugin fields first: the same work, warmed the same way.
  const [pluggedPlain, plugged] = await run(
    { ...base, seed: false, plugins: PLUGINS },
    [
      ['plugins-no-fields', CATALOG],
      ['plugins-fields', WITH_FIELDS],
    ],
    true,
  );
  if (!plain || !pluggedPlain || !plugged) throw new Error('a scenario did not run');
  const ratio = plugged.result.rps / plain.result.rps;
  const sameServer = plugged.result.rps / pluggedPlain.result.rps;
  const row = (name: string, r: typeof plugged) =>
    `| ${name} | ${r.result.rps.toFixed(0)} req/s | ${r.result.p50.toFixed(1)} ms | ${r.result.p99.toFixed(1)} ms | ${r.serverCpu.toFixed(0)} µs | ${r.databaseCpu?.toFixed(0) ?? '?'} µs | ${r.statements.join(', ')} | ${r.result.non2xx + r.result.badBodies + r.result.errors} |`;
  const section = [
    '<!-- plugins-bench -->',
    '## Issue 4: the CATALOG page with plugins',
    '',
    `Command: \`npm run bench:plugins\` (50 connections, ${args.warmup} s warm-up + ${args.seconds} s measured, embedded PostgreSQL, the \`bench\` scale; a server without plugins, then one offering ${PLUGINS.join(' and ')} installed by every other seller, on the same data).`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    '| | throughput | p50 | p99 | server CPU/op | database CPU/op | SQL statements (first 10, 20, 50, 100) | bad responses |',
    '|---|---:|---:|---:|---:|---:|---|---:|',
    row('CATALOG, app without plugins', plain),
    row('CATALOG, app offering the plugins (installed by half), no plugin fields', pluggedPlain),
    row('CATALOG + `coCreatedFrom` + `loyaltyPoints`, same app', plugged),
    '',
    `Throughput with the plugin fields: ${(ratio * 100).toFixed(0)}% of the app without plugins, ${(sameServer * 100).toFixed(0)}% of the same app without the fields (target ≥ 90%: ${Math.max(ratio, sameServer) >= 0.9 ? 'met' : 'missed'}); statements constant in page size: ${new Set(plugged.statements).size === 1 ? 'yes' : 'no'}.`,
    '<!-- /plugins-bench -->',
  ].join('\n');
  console.log(section);
  if (!args['no-write']) {
    const file = path.join(ROOT, 'bench/RESULTS.md');
    const existing = readFileSync(file, 'utf8').replace(/\n?<!-- plugins-bench -->[\s\S]*<!-- \/plugins-bench -->\n?/, '\n');
    writeFileSync(file, `${existing.trimEnd()}\n\n${section}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
