import { startPeriodicTask } from '../../src/core/periodic-task';
import { capturedLog } from '../helpers/captured-log';

const unavailable = () => Object.assign(new Error('the database system is shutting down'), { code: '57P03' });

/** A task named 'test task' that runs only when asked (a minute's interval), with a captured log. */
function testTask<T>(failed: T, round: (stopped: () => boolean) => Promise<T>, options: { runAtStart?: boolean } = {}) {
  const { logger, lines } = capturedLog();
  return { lines, task: startPeriodicTask({ name: 'test task', intervalMs: 60_000, log: logger, failed, round, ...options }) };
}

describe('startPeriodicTask: the background steps\' timer', () => {
  it('runs one round at a time: a run asked for during a round gets that round', async () => {
    let rounds = 0;
    let release!: () => void;
    const { task } = testTask(-1, async () => {
      rounds++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return rounds;
    });
    const [a, b] = [task.run(), task.run()];
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    const c = task.run();
    release();
    expect(await c).toBe(2);
    await task.stop();
  });

  it('logs a failed round (a database away as a warning), resolves with `failed`, and the next round runs', async () => {
    const errors = [unavailable(), new Error('boom')];
    const { task, lines } = testTask(-1, async () => {
      const err = errors.shift();
      if (err) throw err;
      return 7;
    });
    expect([await task.run(), await task.run(), await task.run()]).toEqual([-1, -1, 7]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'test task paused: database unavailable; the next round retries'],
      [50, 'test task failed; the next round retries'],
    ]);
    await task.stop();
  });

  it('stop() waits for the running round, which sees stopped() between its batches; a failure after stop() is not logged', async () => {
    const batches: number[] = [];
    const { task, lines } = testTask(
      0,
      async (stopped) => {
        for (let i = 0; i < 100 && !stopped(); i++) {
          batches.push(i);
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (stopped()) throw new Error('a failure after stop() is not logged');
        }
        return batches.length;
      },
      { runAtStart: true },
    );
    await task.stop();
    expect(batches).toEqual([0]);
    expect(lines).toEqual([]);
  });
});
