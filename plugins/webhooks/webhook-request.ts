/** What came of one POST to an endpoint. */
export interface WebhookResponse {
  ok: boolean;
  status: number | null;
  /** The start of the response body, for the delivery log. */
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** Response bodies are kept for the seller to debug with, not in full. */
const BODY_LIMIT = 1024;

async function readStart(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
}

/**
 * POSTs `body` and reports, never throws. Only a 2xx answer within `timeoutMs` succeeds; redirects
 * are not followed (they count as failures), so an endpoint can't bounce us to another address.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Zoco-Webhooks/1.0', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
    const text = await readStart(res).catch(() => null);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, body: text, error: ok ? null : `HTTP ${res.status}`, durationMs: elapsed() };
  } catch (err) {
    const error = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err);
    return { ok: false, status: null, body: null, error, durationMs: elapsed() };
  }
}

/**
 * fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a TLS error …) is its cause. Duck-typed:
 * fetch's errors come from Node's realm, where `instanceof Error` of another realm (jest's) is false.
 */
function describe(err: unknown): string {
  const { message, cause } = (err ?? {}) as { message?: string; cause?: { code?: string; message?: string } };
  return String(cause?.code ?? cause?.message ?? message ?? err).slice(0, 500);
}
