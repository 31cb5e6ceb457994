import type { ExecutionResult } from 'graphql';
import type { ChargeResult } from './throttle';

/**
 * What a request the known-documents path (known-documents.ts) hands over to Apollo Server after a side
 * effect brings from its first pass, on its context (Apollo's clone of the context copies it): the error
 * policy and the metrics time it from its start there, the policy takes the charge already made, and the
 * executor answers the result already computed, so that nothing runs twice.
 */
export interface Replay {
  started: bigint;
  /** The throttle's charge as made (awaited there already: a rejection is not unhandled). */
  charged: Promise<ChargeResult>;
  /** Set: the executor's answer (or what it threw, `failed`), given again instead of executing. */
  executed?: { result: ExecutionResult } | { failed: unknown };
}
export const REPLAY = Symbol('known-documents replay');
export const replayOf = (ctx: object): Replay | undefined => (ctx as { [REPLAY]?: Replay })[REPLAY];
