/**
 * A bound on concurrent GraphQL executions, with a FIFO queue for the rest (ZOCO_MAX_CONCURRENT_EXECUTIONS).
 * One process on a loaded machine does best running a few operations at a time: fewer requests' rows, loaders and
 * results alive at once means less for the garbage collector to trace and promote (its threads were a quarter of
 * the process's CPU on a catalog page), and a request that started finishes sooner. Measured with 50 connections
 * on CATALOG: bench/RESULTS.md, section `catalog-cpu3`.
 *
 * A slow operation (a checkout waiting for row locks, a big report) must not hold a slot for long: after
 * `slotMs` its slot goes to the next in the queue, and it runs on outside the bound. So no operation waits for
 * another longer than `slotMs`, whatever the other does, and the bound costs nothing when nothing waits.
 */
export interface ExecutionGateOptions {
  /** Executions at a time; 0: no bound. */
  concurrency: number;
  /** How long an execution holds its slot at most, ms. */
  slotMs: number;
}

export interface ExecutionGate {
  /** Runs `execute` when a slot is free, in arrival order. */
  run<T>(execute: () => Promise<T>): Promise<T>;
  /** Executions holding a slot, and waiting for one (for tests and metrics). */
  readonly holding: number;
  readonly waiting: number;
}

interface Slot {
  since: number;
  held: boolean;
}

export function createExecutionGate({ concurrency, slotMs }: ExecutionGateOptions): ExecutionGate | null {
  if (concurrency <= 0) return null;
  // Insertion order is the order the slots were taken: the first is the oldest.
  const slots = new Set<Slot>();
  const queue: (() => void)[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;

  const next = () => {
    if (head === queue.length) return;
    const start = queue[head]!;
    queue[head++] = undefined as never;
    if (head === queue.length) queue.length = head = 0;
    start();
  };
  const free = (slot: Slot) => {
    if (!slot.held) return;
    slot.held = false;
    slots.delete(slot);
    next();
  };
  // Armed only while executions wait: then slots held longer than slotMs are taken back.
  const expire = () => {
    timer = undefined;
    const now = Date.now();
    for (const slot of slots) {
      if (now - slot.since < slotMs) break;
      free(slot);
    }
    arm();
  };
  const arm = () => {
    if (timer || head === queue.length) return;
    const oldest = slots.values().next().value;
    timer = setTimeout(expire, oldest ? Math.max(0, oldest.since + slotMs - Date.now()) : 0);
    timer.unref();
  };

  async function hold<T>(execute: () => Promise<T>): Promise<T> {
    const slot: Slot = { since: Date.now(), held: true };
    slots.add(slot);
    try {
      return await execute();
    } finally {
      free(slot);
    }
  }

  return {
    run(execute) {
      if (slots.size < concurrency && head === queue.length) return hold(execute);
      return new Promise((resolve, reject) => {
        queue.push(() => hold(execute).then(resolve, reject));
        arm();
      });
    },
    get holding() {
      return slots.size;
    },
    get waiting() {
      return queue.length - head;
    },
  };
}
