import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';
import { startChild } from './child-process';
import type { InvoicePdfServerInfo, InvoicePdfServerOptions } from './invoice-pdf-server';
import { gql } from './graphql-client';

/**
 * Issue 9: event-loop time of GET /invoices/<id>.pdf, the first request of each invoice and a repeat.
 * `DATABASE_URL=postgres://… node dist/bench/invoice-pdf.js [--invoices 40]`; the app runs in a child
 * process on a database of its own, and the child's event-loop busy time is read around each phase.
 */
const { values: args } = parseArgs({ options: { invoices: { type: 'string', default: '40' } } });
const count = Number(args.invoices);
const server = process.env['DATABASE_URL'];
if (!server) throw new Error('Set DATABASE_URL to a PostgreSQL server (the bench makes and drops a database of its own).');


async function main(): Promise<void> {
  const name = `zoco_bench_pdf_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(server!, name);
  const child = await startChild<InvoicePdfServerInfo>('invoice-pdf-server.js', {
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'zoco-bench-pdf-')),
    databaseUrl: databaseUrl(server!, name),
  } satisfies InvoicePdfServerOptions);
  try {
    const { url, token, listingIds } = child.info;
    for (let i = 0; i < count; i++) {
      const data = await gql(url, token, 'mutation ($input: BuyNowInput!) { buyNow(input: $input) { userErrors { code } } }', {
        input: { listingId: listingIds[i % listingIds.length], idempotencyKey: randomUUID() },
      });
      if (data.buyNow.userErrors.length) throw new Error(JSON.stringify(data.buyNow.userErrors));
    }
    // Invoices are issued after the purchase commits; wait until all are there.
    let ids: string[] = [];
    for (let tries = 0; ids.length < count && tries < 100; tries++) {
      ids = (await gql(url, token, '{ viewer { invoices(first: 100) { nodes { id } } } }')).viewer.invoices.nodes.map((n: { id: string }) => n.id);
      if (ids.length < count) await new Promise((r) => setTimeout(r, 100));
    }
    // The purchases' events (invoices, offers, pubsub) are dispatched in the same process: let them finish,
    // so that what follows measures the PDF requests alone.
    for (let tries = 0; tries < 60; tries++) {
      const before = await child.call<number>('elu');
      await new Promise((r) => setTimeout(r, 500));
      if ((await child.call<number>('elu')) - before < 10) break;
    }
    const pdfUrl = (id: string) => new URL(`/invoices/${id}.pdf`, url);
    const phase = async (label: string) => {
      const busyBefore = await child.call<number>('elu');
      const cpuBefore = await child.call<NodeJS.CpuUsage>('cpu');
      const started = performance.now();
      let bytes = 0;
      for (const id of ids) {
        const res = await fetch(pdfUrl(id), { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        bytes += (await res.arrayBuffer()).byteLength;
      }
      const wall = performance.now() - started;
      const busy = (await child.call<number>('elu')) - busyBefore;
      const cpu = await child.call<NodeJS.CpuUsage>('cpu');
      const cpuMs = (cpu.user + cpu.system - cpuBefore.user - cpuBefore.system) / 1000;
      const per = (v: number) => (v / ids.length).toFixed(2);
      console.log(
        `${label.padEnd(26)} ${per(busy)} ms event loop/request  ${per(wall)} ms wall/request  ${per(cpuMs)} ms process CPU/request (all threads)  ${Math.round(bytes / ids.length)} bytes`,
      );
    };
    console.log(`${ids.length} invoices, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await phase('first request per invoice');
    await phase('second request');
    await phase('third request');
  } finally {
    await child.stop();
    await dropDatabase(server!, name);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
