import { createHash } from 'node:crypto';

/** A stable fingerprint of a request's input, to tell a retry from a different request under the same key. */
export function requestHash(input: object): string {
  const canonical = JSON.stringify(input, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}
