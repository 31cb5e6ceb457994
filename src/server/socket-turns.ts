/**
 * Turns for socket work. A reconnect storm delivers thousands of sockets' messages in one poll phase of the
 * event loop, and their handlers would run back to back, holding up the HTTP requests that arrived meanwhile
 * (and the database replies they wait for): with 10,000 subscribers reconnecting beside 200 HTTP requests/s,
 * HTTP p99 was 471 ms (issue 16). A handler takes a turn first: at most TURNS_PER_PASS are given per pass of
 * the event loop (counted from a setImmediate callback), the rest wait in order for later passes, so every
 * poll phase in between serves the I/O that came in. While few sockets are busy, a turn is given at once.
 */
const TURNS_PER_PASS = 16;

/** The turns of one WebSocket server (attachWebSocket): nothing shared between apps in one process. */
export function createSocketTurns(): () => Promise<void> | undefined {
  const waiting: (() => void)[] = [];
  let given = 0;
  let scheduled = false;

  function nextPass(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const released = waiting.splice(0, TURNS_PER_PASS);
      given = released.length;
      for (const resume of released) resume();
      if (waiting.length || given) nextPass();
    });
  }

  /** Nothing (go on) or a promise of this handler's turn. */
  return () => {
    nextPass();
    if (!waiting.length && given < TURNS_PER_PASS) {
      given++;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
}
