/**
 * What modules count for the operator's metrics (issue 13), without knowing how they are exposed: the
 * runtime hands a Prometheus-backed one (server/metrics.ts); tools and tests may keep the silent one.
 */
export interface Telemetry {
  /** Touchpoint events stored after deduplication: `client` from eventsTrack, `server` recorded by the API itself. */
  eventsIngested(count: number, source: 'client' | 'server'): void;
  /** Offers pushed to a customer's `offers` subscription. */
  offersDelivered(count: number): void;
}

export const silentTelemetry: Telemetry = {
  eventsIngested() {},
  offersDelivered() {},
};
