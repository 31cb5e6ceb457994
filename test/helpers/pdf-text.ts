import { inflateSync } from 'node:zlib';

/** The code → text map of one ToUnicode CMap as pdfkit writes it (`<start> <end> [<u> <u> …]` ranges). */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const [, start, entries] of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<[0-9a-fA-F]+>\s*\[([^\]]*)\]/g)) {
    [...entries!.matchAll(/<([0-9a-fA-F ]+)>/g)].forEach(([, units], i) => {
      const text = String.fromCharCode(...units!.trim().split(/\s+/).map((u) => Number.parseInt(u, 16)));
      map.set(Number.parseInt(start!, 16) + i, text);
    });
  }
  return map;
}

/**
 * The text drawn in a PDF made by pdfkit with embedded fonts, once decoded with each font's ToUnicode
 * map (one string per font: the text drawn in that font reads right in its string). Enough for tests to
 * ask whether a PDF shows a given word, without a PDF library.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  for (let at = raw.indexOf('stream\n'); at !== -1; at = raw.indexOf('stream\n', at + 1)) {
    if (raw.slice(at - 3, at) === 'end') continue;
    const start = at + 'stream\n'.length;
    const end = raw.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    try {
      streams.push(inflateSync(bytes).toString('latin1'));
    } catch {
      streams.push(bytes.toString('latin1'));
    }
    at = end;
  }
  const cmaps = streams.filter((s) => s.includes('beginbfrange')).map(parseCmap);
  const hex = streams
    .filter((s) => /\bBT\b/.test(s) && /\bT[Jj]\b/.test(s))
    .flatMap((s) => [...s.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) => m[1]!))
    .join('');
  const codes = hex.match(/.{4}/g) ?? [];
  return cmaps.map((map) => codes.map((c) => map.get(Number.parseInt(c, 16)) ?? '\uFFFD').join(''));
}
