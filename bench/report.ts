import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load';

/** A load result with the CPU time per response of the server process and of a local database. */
export type Measured = LoadResult & { cpuMicrosPerOp: number; dbCpuMicrosPerOp: number | null };

export interface BenchResults {
  catalog: { zoco: Measured; baseline: Measured };
  product: { zoco: Measured; baseline: Measured };
  statements: { first: number; statements: number }[];
  tax: { zoco: Measured; raw: Measured };
}

// The targets of "Speed: the catalog near the plain-SQL ceiling": of the baseline's throughput, p99 and CPU.
const TARGET_THROUGHPUT = 0.7;
const TARGET_P99 = 1.5;
const TARGET_CPU = 2;
const dbMicros = (m: Measured) => (m.dbCpuMicrosPerOp === null ? 'n/a (not local)' : `${m.dbCpuMicrosPerOp.toFixed(0)} µs`);
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const ok = (pass: boolean) => (pass ? 'met' : '**missed**');

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The rows of one scenario, zoco against the baseline; `targets` adds the CPU and p99 targets (CATALOG's). */
function scenarioRows(name: string, { zoco, baseline }: { zoco: Measured; baseline: Measured }, targets: boolean): string[][] {
  const throughputRatio = zoco.rps / baseline.rps;
  const p99Ratio = zoco.p99 / baseline.p99;
  const cpuRatio = zoco.cpuMicrosPerOp / baseline.cpuMicrosPerOp;
  return [
    [`${name} throughput`, `${zoco.rps.toFixed(0)} req/s`, `${baseline.rps.toFixed(0)} req/s`, `${(throughputRatio * 100).toFixed(0)}%`, `>= ${TARGET_THROUGHPUT * 100}%: ${ok(throughputRatio >= TARGET_THROUGHPUT)}`],
    [`${name} p50 latency`, ms(zoco.p50), ms(baseline.p50), `${(zoco.p50 / baseline.p50).toFixed(2)}x`, ''],
    [`${name} p99 latency`, ms(zoco.p99), ms(baseline.p99), `${p99Ratio.toFixed(2)}x`, targets ? `<= ${TARGET_P99}x: ${ok(p99Ratio <= TARGET_P99)}` : ''],
    [`${name} server CPU per request`, `${zoco.cpuMicrosPerOp.toFixed(0)} µs`, `${baseline.cpuMicrosPerOp.toFixed(0)} µs`, `${cpuRatio.toFixed(1)}x`, targets ? `<= ${TARGET_CPU}x: ${ok(cpuRatio <= TARGET_CPU)}` : ''],
    [
      `${name} database CPU per request`,
      dbMicros(zoco),
      dbMicros(baseline),
      zoco.dbCpuMicrosPerOp && baseline.dbCpuMicrosPerOp ? `${(zoco.dbCpuMicrosPerOp / baseline.dbCpuMicrosPerOp).toFixed(1)}x` : '',
      '',
    ],
  ];
}

export function resultsTable({ catalog, product, statements, tax }: BenchResults): string {
  const constant = statements.every((s) => s.statements === statements[0]!.statements);
  const rows: string[][] = [
    ...scenarioRows('CATALOG', catalog, true),
    ...scenarioRows('PRODUCT', product, false),
    [
      'SQL statements per CATALOG request',
      statements.map((s) => `${s.statements} (first: ${s.first})`).join(', '),
      '3, sent at once',
      '',
      `the same at every page size: ${ok(constant)}`,
    ],
    ['Framework tax: trivial query, server CPU', `${tax.zoco.cpuMicrosPerOp.toFixed(0)} µs/op`, `${tax.raw.cpuMicrosPerOp.toFixed(0)} µs/op`, `${(tax.zoco.cpuMicrosPerOp / tax.raw.cpuMicrosPerOp).toFixed(1)}x`, ''],
  ];
  const checks: [string, LoadResult][] = [
    ['CATALOG zoco', catalog.zoco],
    ['CATALOG baseline', catalog.baseline],
    ['PRODUCT zoco', product.zoco],
    ['PRODUCT baseline', product.baseline],
    ['TRIVIAL zoco', tax.zoco],
    ['TRIVIAL raw', tax.raw],
  ];
  const health = checks.map(([name, r]) => [name, String(r.requests), String(r.non2xx), String(r.badBodies), String(r.errors)]);
  return [
    markdownTable(['', 'zoco', 'baseline (plain SQL / raw http)', 'ratio', 'target'], rows),
    '',
    markdownTable(['scenario', 'responses measured', 'non-2xx (whole run)', 'with errors or no data (whole run)', 'socket errors (whole run)'], health),
  ].join('\n');
}

const INTRO = 'bench-intro';
const RUNS = 'bench-runs';
const RUNS_NOTE = '<!-- runs: newest first; `npm run bench` rewrites this section and keeps the last 3 -->';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Markers on lines of their own: a section may quote another's marker in its text.
const markedPattern = (name: string) => new RegExp(`^<!-- ${escapeRegExp(name)} -->$[\\s\\S]*?^<!-- \\/${escapeRegExp(name)} -->$`, 'm');

/**
 * `npm run bench`'s two sections of RESULTS.md: the intro (bench/results-intro.md) and the newest run over up to
 * two earlier ones. Every other section of the file stays as it is.
 */
export function writeResults(file: string, intro: string, run: string): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const runs = old.match(markedPattern(RUNS))?.[0] ?? '';
  const earlier = runs.split(/\n(?=## Run )/).slice(1).map((r) => r.replace(`<!-- /${RUNS} -->`, '').trim());
  if (!old.match(markedPattern(INTRO))) writeFileSync(file, `<!-- ${INTRO} -->\n<!-- /${INTRO} -->\n\n${old}`);
  writeMarkedSection(file, INTRO, `<!-- ${INTRO} -->\n${intro.trim()}\n<!-- /${INTRO} -->`);
  const newest = [run.trim(), ...earlier].slice(0, 3);
  writeMarkedSection(file, RUNS, `<!-- ${RUNS} -->\n${RUNS_NOTE}\n\n${newest.join('\n\n')}\n<!-- /${RUNS} -->`);
}

/**
 * Puts `section` (which starts with `<!-- name -->` and ends with `<!-- /name -->`) where the file had its
 * previous one, or at the end; the rest of the file stays as it is.
 */
export function writeMarkedSection(file: string, name: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const pattern = markedPattern(name);
  // A function, so that `$` in the section is not read as a replacement pattern.
  const updated = pattern.test(existing) ? existing.replace(pattern, () => section.trim()) : `${existing.trimEnd()}\n\n${section.trim()}\n`;
  writeFileSync(file, updated);
}

const RESULTS_FILE = path.resolve(__dirname, '../../bench/RESULTS.md');

/** A bench's section: printed, and put into bench/RESULTS.md (writeMarkedSection) unless `write` is false (`--no-write`). */
export function publishSection(name: string, section: string, write: boolean): void {
  console.log(section);
  if (write) writeMarkedSection(RESULTS_FILE, name, section);
}

/** The 1, 5 and 15 minute load averages, as the benches print them. */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
