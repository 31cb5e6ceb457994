import type { Context } from './context';

/**
 * Per-line options of plugins on cart lines (CONTRACTS.md C): `{ "<plugin>": { …its options } }`, each
 * part declared and validated by its plugin (a zod schema), for listings of sellers that installed it,
 * and copied to the order line at checkout. Carts call this seam; the plugin host provides it.
 */
export type LineOptions = Record<string, unknown>;

/**
 * Validates `given` for a line of `sellerId`'s listing and returns it as the plugins parsed it; a `null`
 * part is kept as null (an update removes that plugin's options). Throws UserErrors naming
 * `[...field, plugin, …path]`.
 */
export type LineOptionsValidator = (ctx: Context, sellerId: string, given: LineOptions, field: readonly string[]) => Promise<LineOptions>;

/** The serialized options of one line may not exceed this (bounded work, issue 9). */
export const MAX_LINE_OPTIONS_BYTES = 4_000;

/** `stored` with `changes` applied per plugin: a null part removes that plugin's options. */
export function mergeLineOptions(stored: LineOptions, changes: LineOptions): LineOptions {
  const merged: LineOptions = { ...stored };
  for (const [plugin, value] of Object.entries(changes)) {
    if (value === null) delete merged[plugin];
    else merged[plugin] = value;
  }
  return merged;
}

declare module './context' {
  interface AppServices {
    /** Validates plugins' per-line options (the plugin host; with no plugins, every option is refused). */
    lineOptions: LineOptionsValidator;
  }
}
