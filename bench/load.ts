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
  /** Called when the warm-up ends and the measured window starts. */
  onMeasureStart?: () => void;
  /** Requests per second over all connections (autocannon's overallRate): paced traffic, not as fast as answered. */
  rate?: number;
}

export interface LoadResult {
  /** Responses in the measured window. */
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Over the whole run, warm-up included. */
  non2xx: number;
  /** 2xx responses whose body failed `verify` (GraphQL errors or missing data), warm-up included. */
  badBodies: number;
  /** Socket errors and timeouts, warm-up included. */
  errors: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/**
 * One closed-loop autocannon run of warm-up plus measured window on the same connections: a
 * separate warm-up run would drop its connections with requests in flight, and the server would
 * still be working on those while the measured run starts, which shows up as a latency tail.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const { body } = options;
  const request: autocannon.Request =
    typeof body === 'string' ? { method: 'POST', body } : { method: 'POST', setupRequest: (req) => ({ ...req, body: body() }) };
  const latencies: number[] = [];
  let measuring = false;
  let started = 0;
  let done!: (result: autocannon.Result) => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.warmupSeconds + options.seconds,
      ...(options.rate ? { overallRate: options.rate } : {}),
      headers: { 'content-type': 'application/json' },
      requests: [request],
      // autocannon always hands over the body as a string.
      verifyBody: (b) => options.verify(String(b)),
    },
    (err, result) => (err ? failed(err) : done(result)),
  );
  instance.on('response', (_client, status, _bytes, ms) => {
    if (measuring && status >= 200 && status < 300) latencies.push(ms);
  });
  const warmup = setTimeout(() => {
    measuring = true;
    started = performance.now();
    options.onMeasureStart?.();
  }, options.warmupSeconds * 1000);
  const r = await finished;
  clearTimeout(warmup);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx: r.non2xx,
    badBodies: r.mismatches,
    errors: r.errors,
  };
}

/** A GraphQL body is good when it has no `errors` and `pattern` (the expected data) matches. */
export const goodGraphql = (pattern: RegExp) => (body: string) => !body.includes('"errors"') && pattern.test(body);

/** The middle value (the mean of the two middle ones for an even count): how the benches summarise rounds. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
