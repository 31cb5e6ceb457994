import type { z } from 'zod';

/** A plugin's own events: names (`'proposal.approved'`), or names with the zod schema of their payload (checked on emit). */
export type PluginEvents = readonly string[] | Readonly<Record<string, z.ZodType<Record<string, unknown>>>>;

/** The plugin's declared events by name, each with its payload schema or null. */
export function emittedEvents(plugin: { emits?: PluginEvents }): Record<string, z.ZodType<Record<string, unknown>> | null> {
  const { emits } = plugin;
  if (!emits) return {};
  if (Array.isArray(emits)) return Object.fromEntries((emits as readonly string[]).map((name) => [name, null]));
  return { ...(emits as Record<string, z.ZodType<Record<string, unknown>>>) };
}
