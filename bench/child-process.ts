import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/node-flags';

/**
 * Servers under test run in child processes so that the load generator does not share their
 * event loop, and so that process.cpuUsage() there counts the server's work only.
 */

type Message = { type: 'ready'; info: unknown } | { type: 'failed'; message: string } | { type: 'reply'; id: number; result?: unknown; error?: string };

export interface Child<Info> {
  info: Info;
  pid: number;
  /** Calls one of the child's handlers over IPC. */
  call<T>(method: string, arg?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `execArgv`: by default the flags zoco's server processes run with in production (src/node-flags.ts), for every server under
 * test; a caller that passes its own (a server with more flags, a load generator) passes them all.
 */
export function startChild<Info>(script: string, options: unknown, execArgv: readonly string[] = SERVER_NODE_FLAGS): Promise<Child<Info>> {
  const child: ChildProcess = fork(path.join(__dirname, script), [JSON.stringify(options)], { execArgv: [...execArgv], stdio: 'inherit' });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then((code) => {
    for (const p of pending.values()) p.reject(new Error(`${script} exited with ${code}`));
  });
  return new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (m: Message) => {
      if (m.type === 'failed') reject(new Error(`${script}: ${m.message}`));
      else if (m.type === 'reply') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      } else if (m.type === 'ready') {
        resolve({
          info: m.info as Info,
          pid: child.pid!,
          call<T>(method: string, arg?: unknown) {
            const id = nextId++;
            return new Promise<T>((res, rej) => {
              pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
              child.send({ id, method, arg });
            });
          },
          async stop() {
            if (child.exitCode !== null) return;
            const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.send({ id: nextId++, method: 'stop' });
            await exited;
            clearTimeout(killer);
          },
        });
      }
    });
  });
}

/** The child's side: the options the parent passed. */
export function childOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

type Handlers = Record<string, (arg: unknown) => unknown>;

/** CPU profiles and allocation samples of a measured window only (node --cpu-prof would include start-up and seeding). */
function profiler(): Handlers {
  const session = new Session();
  const post = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  return {
    async profileStart() {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async heapStart() {
      session.connect();
      await post('HeapProfiler.enable');
      await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    },
    /** Writes the samples and answers the bytes they account for (allocated, collected or not). */
    async heapStop(file: unknown) {
      type Node = { selfSize: number; children: Node[] };
      const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: { head: Node } };
      session.disconnect();
      writeFileSync(String(file), JSON.stringify(profile));
      const total = (node: Node): number => node.children.reduce((sum, child) => sum + total(child), node.selfSize);
      return total(profile.head);
    },
    async profileStop(file: unknown) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      writeFileSync(String(file), JSON.stringify(profile));
    },
  };
}

/**
 * Announces `info` to the parent and answers its calls. Every child answers `cpu` and `memory`; `stop` runs
 * `stop` and lets the process exit on its own (so --cpu-prof can write its profile).
 */
export function serveParent(info: unknown, handlers: Handlers, stop: () => Promise<void>): void {
  const all: Handlers = { cpu: () => process.cpuUsage(), memory: () => process.memoryUsage(), ...profiler(), ...handlers };
  let stopping = false;
  const finish = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  // A parent that died (Ctrl-C, a crash) must not leave servers and databases behind.
  process.on('disconnect', finish);
  process.on('message', async (m: { id: number; method: string; arg?: unknown }) => {
    if (m.method === 'stop') return finish();
    try {
      const handler = all[m.method];
      if (!handler) throw new Error(`no handler ${m.method}`);
      process.send!({ type: 'reply', id: m.id, result: await handler(m.arg) });
    } catch (err) {
      process.send!({ type: 'reply', id: m.id, error: String(err) });
    }
  });
  process.send!({ type: 'ready', info });
}

export function failToParent(err: unknown): void {
  process.send?.({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 1_000).unref();
}
