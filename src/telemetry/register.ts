import { startTracing } from './tracing';

/**
 * Imported first by main.ts, for its side effect: OpenTelemetry's instrumentations patch `http`, `pg`
 * and `graphql` as they are required, so the SDK must start before the app's modules load them.
 */
let sdk: ReturnType<typeof startTracing> = null;
try {
  sdk = startTracing(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

/** Sends the spans still buffered and stops the SDK; a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}
