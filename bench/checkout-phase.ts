/** One closed-loop phase of bench:checkout (zoco's or the purchase baseline's): what completed, what failed and how fast. */
export interface Phase {
  done: number;
  failed: number;
  failures: Record<string, number>;
  /** Of the completed purchases, ms, sorted. */
  latencies: number[];
  seconds: number;
}
