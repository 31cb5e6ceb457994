import type { LookupAddress } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, type AddressPolicy } from './webhook-address';

/** What came of one POST to an endpoint. */
export interface WebhookResponse {
  ok: boolean;
  status: number | null;
  /** The start of the response body, for the delivery log; null unless the answer came from an address that passed. */
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** Resolves a host name to its addresses, as `dns.lookup(name, { all: true })` does. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Where webhooks may go: the deployment's address policy and the name resolution it checks. */
export interface WebhookEgress extends AddressPolicy {
  resolve: Resolver;
}

export const systemResolver: Resolver = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

/** Response bodies are kept for the seller to debug with, not in full. */
const BODY_LIMIT = 1024;

/** The code of the error the lookup fails the connection with when its address is refused. */
const REFUSED = 'EREFUSEDADDRESS';

const refusal = (what: string) => Object.assign(new Error(`refused: ${what}; webhooks are sent only to public addresses`), { code: REFUSED });

/**
 * The `lookup` of the connection: the addresses it hands the socket are the ones it checked, so the
 * address connected to is the address that passed, whatever a second resolution would answer (DNS
 * rebinding). Refused addresses are dropped; when none is left the connection fails and says why.
 */
function guardedLookup({ resolve, ...policy }: WebhookEgress): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const candidates = family ? found.filter((a) => a.family === family) : found;
        const passed = candidates.filter((a) => addressRefusal(a.address, policy) === null);
        const first = passed[0];
        if (!first) {
          const why = candidates[0] && addressRefusal(candidates[0].address, policy);
          const err = why ? refusal(`${hostname} resolves to ${why}`) : Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
          callback(err, '', 0);
        } else if (options.all) callback(null, passed);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** The first BODY_LIMIT bytes of the answer; the rest is not read. */
function readStart(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      res.destroy();
      resolve(Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8'));
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= BODY_LIMIT) done();
    });
    res.on('end', done);
    res.on('error', done);
    res.on('close', done);
  });
}

export interface PostOptions {
  timeoutMs: number;
  egress: WebhookEgress;
}

/**
 * POSTs `body` and reports, never throws. Only a 2xx answer within `timeoutMs` succeeds. The address is
 * checked where the connection is made (see guardedLookup; an IP literal is checked as it stands, Node
 * connects to it without a lookup). Redirects are not followed (they count as failures), so an endpoint
 * can't bounce us to another address.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, { timeoutMs, egress }: PostOptions): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): WebhookResponse => ({ ok: false, status: null, body: null, error, durationMs: elapsed() });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return failed('not a valid URL');
  }
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
  if (!send) return failed(`${target.protocol} is not http or https`);
  // The URL parser has already turned 2130706433, 0177.0.0.1 and [::ffff:127.0.0.1] into their canonical forms.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const literalRefused = isIP(host) ? addressRefusal(host, egress) : null;
  if (literalRefused) return failed(refusal(`${host} is ${literalRefused}`).message);

  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<WebhookResponse>((settle) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Zoco-Webhooks/1.0', ...headers },
        // A fresh connection each time: a pooled socket would skip the lookup that checks the address.
        agent: false,
        lookup: guardedLookup(egress),
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // Belt and braces: the peer's address as the socket reports it.
        const remote = res.socket?.remoteAddress;
        const remoteRefused = remote ? addressRefusal(remote, egress) : 'an unknown address';
        if (remoteRefused) {
          res.destroy();
          settle(failed(refusal(`the endpoint answered from ${remoteRefused}`).message));
          return;
        }
        readStart(res).then((text) => {
          const ok = status >= 200 && status < 300;
          const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
          settle({ ok, status, body: text, error, durationMs: elapsed() });
        });
      },
    );
    req.on('error', (err) => settle(failed(signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err))));
    req.end(body);
  });
}

/** The reason of a failed request: our refusal, or the system's code (ECONNREFUSED, a TLS error …). */
function describe(err: unknown): string {
  const { message, code } = (err ?? {}) as { message?: string; code?: string };
  if (code === REFUSED) return String(message);
  return String(code ?? message ?? err).slice(0, 500);
}
