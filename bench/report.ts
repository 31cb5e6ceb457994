import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load';

/** A load result with the CPU time per response of the server process and of a local database. */
export type Measured = LoadResult & { cpuMicrosPerOp: number; dbCpuMicrosPerOp: number | null };

export interface BenchResults {
  catalog: { zoco: Measured; baseline: Measured };
  product: Measured;
  statements: { first: number; statements: number }[];
  tax: { zoco: Measured; raw: Measured };
}

const TARGET_THROUGHPUT = 0.5;
const TARGET_P99 = 1.5;
const TARGET_STATEMENTS = 5;
const dbMicros = (m: Measured) => (m.dbCpuMicrosPerOp === null ? 'n/a (not local)' : `${m.dbCpuMicrosPerOp.toFixed(0)} µs`);
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const ok = (pass: boolean) => (pass ? 'met' : '**missed**');

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function resultsTable({ catalog, product, statements, tax }: BenchResults): string {
  const { zoco, baseline } = catalog;
  const throughputRatio = zoco.rps / baseline.rps;
  const p99Ratio = zoco.p99 / baseline.p99;
  const maxStatements = Math.max(...statements.map((s) => s.statements));
  const rows: string[][] = [
    ['CATALOG throughput', `${zoco.rps.toFixed(0)} req/s`, `${baseline.rps.toFixed(0)} req/s`, `${(throughputRatio * 100).toFixed(0)}%`, `>= ${TARGET_THROUGHPUT * 100}%: ${ok(throughputRatio >= TARGET_THROUGHPUT)}`],
    ['CATALOG p50 latency', ms(zoco.p50), ms(baseline.p50), `${(zoco.p50 / baseline.p50).toFixed(2)}x`, ''],
    ['CATALOG p99 latency', ms(zoco.p99), ms(baseline.p99), `${p99Ratio.toFixed(2)}x`, `<= ${TARGET_P99}x: ${ok(p99Ratio <= TARGET_P99)}`],
    ['CATALOG server CPU per request', `${zoco.cpuMicrosPerOp.toFixed(0)} µs`, `${baseline.cpuMicrosPerOp.toFixed(0)} µs`, `${(zoco.cpuMicrosPerOp / baseline.cpuMicrosPerOp).toFixed(1)}x`, ''],
    ['CATALOG database CPU per request', dbMicros(zoco), dbMicros(baseline), zoco.dbCpuMicrosPerOp && baseline.dbCpuMicrosPerOp ? `${(zoco.dbCpuMicrosPerOp / baseline.dbCpuMicrosPerOp).toFixed(1)}x` : '', ''],
    ['PRODUCT throughput', `${product.rps.toFixed(0)} req/s`, '', '', ''],
    ['PRODUCT p50 / p99 latency', `${ms(product.p50)} / ${ms(product.p99)}`, '', '', ''],
    [
      'SQL statements per CATALOG request',
      statements.map((s) => `${s.statements} (first: ${s.first})`).join(', '),
      '3, sent at once',
      '',
      `<= ${TARGET_STATEMENTS}: ${ok(maxStatements <= TARGET_STATEMENTS)}`,
    ],
    ['Framework tax: trivial query, server CPU', `${tax.zoco.cpuMicrosPerOp.toFixed(0)} µs/op`, `${tax.raw.cpuMicrosPerOp.toFixed(0)} µs/op`, `${(tax.zoco.cpuMicrosPerOp / tax.raw.cpuMicrosPerOp).toFixed(1)}x`, ''],
  ];
  const checks: [string, LoadResult][] = [
    ['CATALOG zoco', zoco],
    ['CATALOG baseline', baseline],
    ['PRODUCT zoco', product],
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

const RUNS_MARKER = '<!-- runs: newest first; `npm run bench` rewrites this file and keeps the last 3 -->';

/** Writes `intro` and the newest run's section on top of up to two earlier runs. */
export function writeResults(file: string, intro: string, section: string): void {
  let earlier: string[] = [];
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    const at = old.indexOf(RUNS_MARKER);
    if (at >= 0) earlier = old.slice(at + RUNS_MARKER.length).split(/\n(?=## Run )/).map((s) => s.trim()).filter(Boolean);
  }
  const runs = [section.trim(), ...earlier].slice(0, 3);
  writeFileSync(file, `${intro.trim()}\n\n${RUNS_MARKER}\n\n${runs.join('\n\n')}\n`);
}

/** Puts `section` (wrapped in `<!-- name -->` … `<!-- /name -->`) where the file had its previous one, or at the end. */
export function writeMarkedSection(file: string, name: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const stripped = existing.replace(new RegExp(`\\n?<!-- ${name} -->[\\s\\S]*<!-- \\/${name} -->\\n?`), '\n');
  writeFileSync(file, `${stripped.trimEnd()}\n\n${section}\n`);
}
