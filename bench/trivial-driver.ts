import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { TRIVIAL, graphqlBody } from './queries';
import { trivialHandler } from './trivial-server';

/**
 * The trivial operation in one process, a fixed number of times: for `valgrind --tool=callgrind`
 * (instruction counts do not depend on the machine's load, where CPU time does) or `node --cpu-prof`.
 * The client's work is in the count too: compare `--stack zoco` with `--stack raw` (or `--stack jit`), and two request
 * counts to cancel the start-up, e.g.
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node dist/bench/trivial-driver.js --requests 2000
 */
const { values: args } = parseArgs({
  options: {
    stack: { type: 'string', default: 'zoco' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    'no-fast-paths': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const stack = args.stack === 'raw' || args.stack === 'jit' ? args.stack : 'zoco';
  const server = createServer(await trivialHandler({ stack, fastPaths: !args['no-fast-paths'] }));
  // Under valgrind a request can take longer than Node's 5 s keep-alive: the client would reuse a closed socket.
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: Number(args.concurrency) });
  const body = graphqlBody(TRIVIAL);
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ agent, port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => (res.statusCode === 200 && text.includes('"items"') ? resolve() : reject(new Error(`${res.statusCode} ${text.slice(0, 300)}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const run = async (n: number) => {
    let next = 0;
    const worker = async () => {
      while (next++ < n) await one();
    };
    await Promise.all(Array.from({ length: Number(args.concurrency) }, worker));
  };
  await run(Number(args.warmup));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(Number(args.requests));
  const cpu = process.cpuUsage(cpu0);
  const n = Number(args.requests);
  console.log(`${stack}: ${n} requests, ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/request (client and server), ${((performance.now() - t0) / n * 1000).toFixed(0)} µs wall/request`);
  agent.destroy();
  server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
