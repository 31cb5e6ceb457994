import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TICKS_PER_SECOND = 100;

function statOf(pid: string): { ppid: string; ticks: number; childTicks: number } | null {
  try {
    // After the command (which may hold spaces): state ppid … utime stime cutime cstime.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: fields[1]!, ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU time (µs) used so far by a local PostgreSQL: the postmaster of `dataDir` and its children.
 * Linux only; null when the server is not local (DATABASE_URL) or /proc is unavailable.
 */
export function databaseCpuMicros(dataDir: string | null): number | null {
  const pidFile = dataDir && path.join(dataDir, 'postmaster.pid');
  if (!pidFile || !existsSync(pidFile) || !existsSync('/proc')) return null;
  const postmaster = readFileSync(pidFile, 'utf8').split('\n')[0]!.trim();
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const stat = statOf(pid);
    // The postmaster's child ticks keep the time of backends that have exited.
    if (stat && pid === postmaster) ticks += stat.ticks + stat.childTicks;
    else if (stat && stat.ppid === postmaster) ticks += stat.ticks;
  }
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/**
 * CPU time (µs) used so far by these local processes, e.g. the backends of a local server's database (their
 * pids from pg_stat_activity): a server that is not ours to find by its data folder. Processes gone count 0.
 */
export function processesCpuMicros(pids: readonly string[]): number {
  const ticks = pids.reduce((sum, pid) => sum + (statOf(pid)?.ticks ?? 0), 0);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}
