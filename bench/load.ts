import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** A fixed body, or one made per request (e.g. rotating variables). */
  body: string | (() => string);
  /** Whether a 200 body is a correct answer (no `errors`, the expected data). */
  verify: (body: string) => boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** 2xx responses whose body failed `verify` (GraphQL errors or missing data). */
  badBodies: number;
  /** Socket errors and timeouts. */
  errors: number;
}

function cannon(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  const { body } = options;
  const request: autocannon.Request =
    typeof body === 'string'
      ? { method: 'POST', body }
      : { method: 'POST', setupRequest: (req) => ({ ...req, body: body() }) };
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [request],
    // autocannon always hands over the body as a string.
    verifyBody: (body) => options.verify(String(body)),
  });
}

/** Warms up (JIT, pools, caches), then measures `seconds` of closed-loop load with autocannon. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await cannon(options, options.warmupSeconds);
  const r = await cannon(options, options.seconds);
  return {
    requests: r.requests.total,
    seconds: r.duration,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    badBodies: r.mismatches,
    errors: r.errors,
  };
}

/** A GraphQL body is good when it has no `errors` and `pattern` (the expected data) matches. */
export const goodGraphql = (pattern: RegExp) => (body: string) => !body.includes('"errors"') && pattern.test(body);
