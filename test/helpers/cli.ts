import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

// The real CLI (node dist/src/main.js, as `npm start` runs it but without its Node flags: src/node-flags.ts), in a child process with its own
// environment, for tests of what only a process can show: signals, crashes, restarts.
const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

export interface Cli {
  child: ChildProcess;
  output(): string;
  /** The exit code, or the signal that ended the process. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** `zoco serve` (or another command) with `env` over this process's environment (minus DATABASE_URL unless given). */
export function startCli(env: Record<string, string>, args: string[] = [], command = 'serve'): Cli {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN, command, ...args], {
    cwd: ROOT,
    env: { ...inherited, HOST: '127.0.0.1', PORT: '0', ZOCO_PLUGINS: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, exited };
}

/** The URL from the banner main.ts prints once the API listens. */
export async function listening(cli: Cli, timeoutMs: number): Promise<string> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const url = /Zoco is listening: (\S+)/.exec(cli.output())?.[1];
    if (url) return url;
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the CLI did not start:\n${cli.output()}`);
}
