import { parentPort } from 'node:worker_threads';
import { renderInvoicePdf, type InvoicePdfInput } from './invoice.pdf';

/** The renderer's thread: pdfkit's ~35 ms of synchronous layout per invoice run here, not on the server's event loop. */
parentPort!.on('message', async ({ id, input }: { id: number; input: InvoicePdfInput }) => {
  try {
    parentPort!.postMessage({ id, pdf: await renderInvoicePdf(input) });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
