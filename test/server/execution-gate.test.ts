import { createExecutionGate, type ExecutionGate } from '../../src/server/execution-gate';

/** The bound on concurrent executions (execution-gate.ts): a pure scheduling rule, tested alone. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('execution gate', () => {
  it('is no gate with a concurrency of 0', () => {
    expect(createExecutionGate({ concurrency: 0, slotMs: 100 })).toBeNull();
  });

  it('runs at most its concurrency at a time, the rest in arrival order', async () => {
    const gate = createExecutionGate({ concurrency: 2, slotMs: 60_000 })!;
    const started: number[] = [];
    const work = Array.from({ length: 5 }, () => deferred());
    const done = work.map((w, i) =>
      gate.run(async () => {
        started.push(i);
        await w.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([gate.holding, gate.waiting]).toEqual([2, 3]);
    work[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    work[0]!.resolve();
    work[2]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    work[3]!.resolve();
    work[4]!.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect([gate.holding, gate.waiting]).toEqual([0, 0]);
  });

  it('frees the slot of an execution that failed, and passes its error on', async () => {
    const gate = createExecutionGate({ concurrency: 1, slotMs: 60_000 })!;
    const failed = gate.run(async () => {
      throw new Error('boom');
    });
    const next = gate.run(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('lets the next execution start when a slow one has held its slot for slotMs', async () => {
    const gate: ExecutionGate = createExecutionGate({ concurrency: 1, slotMs: 30 })!;
    const slow = deferred();
    const slowDone = gate.run(() => slow.promise);
    const queuedAt = Date.now();
    const fast = await gate.run(async () => Date.now() - queuedAt);
    expect(fast).toBeGreaterThanOrEqual(25);
    expect(fast).toBeLessThan(1_000);
    // The slow one finishing later frees nothing twice.
    slow.resolve();
    await slowDone;
    expect([gate.holding, gate.waiting]).toEqual([0, 0]);
    expect(await Promise.all([gate.run(async () => 1), gate.run(async () => 2)])).toEqual([1, 2]);
  });
});
