import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InvoicePdfInput } from './invoice.pdf';

/** Renders invoice PDFs off the event loop. One per app (AppServices.pdfRenderer), closed by app.stop(). */
export interface PdfRenderer {
  /**
   * The PDF of `input`; concurrent calls with the same `key` share one rendering, and `store` (run once,
   * before the rendering counts as done) so that a caller who missed the stored copy waits for it too.
   */
  render(key: string, input: InvoicePdfInput, store?: (pdf: Buffer) => Promise<void>): Promise<Buffer>;
  /** How many PDFs it has rendered (for tests and metrics). */
  readonly rendered: number;
  close(): Promise<void>;
}

const WORKER_FILE = path.join(__dirname, `invoice-pdf-worker${path.extname(__filename)}`);

/**
 * Built code runs the worker's .js file. Run from TypeScript sources (jest), the worker compiles them as
 * it loads them, with the options of .swcrc, since Node 20 does not strip types.
 */
function startWorker(): Worker {
  if (!WORKER_FILE.endsWith('.ts')) return new Worker(WORKER_FILE);
  const swc = require.resolve('@swc/core');
  const options = {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    swcrc: false,
  };
  const code = `
    const { transformSync } = require(${JSON.stringify(swc)});
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) =>
      module._compile(transformSync(readFileSync(filename, 'utf8'), { ...${JSON.stringify(options)}, filename }).code, filename);
    require(${JSON.stringify(WORKER_FILE)});`;
  return new Worker(code, { eval: true });
}

interface Pending {
  resolve(pdf: Buffer): void;
  reject(err: Error): void;
}

/** A PdfRenderer over one worker thread, started on first use and restarted after a crash or a timeout. */
export function createPdfRenderer({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): PdfRenderer {
  let worker: Worker | undefined;
  let nextId = 0;
  let rendered = 0;
  const pending = new Map<number, Pending>();
  const inFlight = new Map<string, Promise<Buffer>>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  function ensureWorker(): Worker {
    if (worker) return worker;
    const w = startWorker();
    w.on('message', ({ id, pdf, error }: { id: number; pdf?: Uint8Array; error?: string }) => {
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (pdf) {
        rendered++;
        p.resolve(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
      } else {
        p.reject(new Error(`Invoice PDF rendering failed: ${error}`));
      }
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`The invoice PDF worker exited (code ${code}).`));
    });
    // Idle, it must not keep the process alive; close() ends it on app.stop().
    w.unref();
    worker = w;
    return w;
  }

  function renderNow(input: InvoicePdfInput): Promise<Buffer> {
    const w = ensureWorker();
    const id = nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`Invoice PDF rendering took over ${timeoutMs} ms.`));
        void w.terminate();
      }, timeoutMs);
      pending.set(id, {
        resolve: (pdf) => {
          clearTimeout(timer);
          resolve(pdf);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      w.postMessage({ id, input });
    });
  }

  return {
    render(key, input, store) {
      let rendering = inFlight.get(key);
      if (!rendering) {
        rendering = renderNow(input)
          .then(async (pdf) => {
            await store?.(pdf);
            return pdf;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, rendering);
      }
      return rendering;
    },
    get rendered() {
      return rendered;
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}

declare module '../../core/context' {
  interface AppServices {
    /** Invoice PDFs are rendered here, once each (invoices/invoice-pdf-store.ts). */
    pdfRenderer: PdfRenderer;
  }
}
