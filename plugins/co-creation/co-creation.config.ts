import { z } from 'zod';

const count = (field: string, min: number, max: number, fallback: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` })
    .default(fallback);

/** A seller's settings of the plugin (pluginInstall / pluginConfigure `config`). */
export const coCreationConfig = z.strictObject(
  {
    /** Votes that turn an open proposal into an approved one. */
    voteThreshold: count('voteThreshold', 1, 100_000, 50),
    /** false pauses new proposals (votes go on). */
    acceptingProposals: z.boolean({ error: 'acceptingProposals must be true or false' }).default(true),
    /** Open proposals one customer may have with this seller at a time. */
    maxOpenProposalsPerCustomer: count('maxOpenProposalsPerCustomer', 1, 1_000, 5),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown setting: ${issue.keys.join(', ')}` : undefined) },
);

export type CoCreationConfig = z.infer<typeof coCreationConfig>;
