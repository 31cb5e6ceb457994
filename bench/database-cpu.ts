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
 * CPU time (µs) used so far by process `root` and its children (a postmaster and its backends, a
 * cluster's primary and its workers). Linux only; null when /proc is unavailable.
 */
export function processTreeCpuMicros(root: string): number | null {
  if (!existsSync('/proc')) return null;
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const stat = statOf(pid);
    // The root's child ticks keep the time of children that have exited.
    if (stat && pid === root) ticks += stat.ticks + stat.childTicks;
    else if (stat && stat.ppid === root) ticks += stat.ticks;
  }
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/**
 * CPU time (µs) used so far by a local PostgreSQL: the postmaster of `dataDir` and its children.
 * Linux only; null when the server is not local (DATABASE_URL) or /proc is unavailable.
 */
export function databaseCpuMicros(dataDir: string | null): number | null {
  const pidFile = dataDir && path.join(dataDir, 'postmaster.pid');
  if (!pidFile || !existsSync(pidFile)) return null;
  return processTreeCpuMicros(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
}

/**
 * CPU time (µs) used so far by these processes (a database's backends, from pg_stat_activity), those
 * still running; null when one cannot be read (a server on another machine, no /proc).
 */
export function processesCpuMicros(pids: readonly (string | number)[]): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const pid of pids) {
    const stat = statOf(String(pid));
    if (!stat) return null;
    out.set(String(pid), (stat.ticks * 1e6) / TICKS_PER_SECOND);
  }
  return out;
}
