import { coalescedLoader } from '../../src/db/coalesced-loader';

/** A batch function whose statements the test finishes by hand, recording the batches it was given. */
function manualBatches() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const batch = (keys: readonly number[]) =>
    new Promise<number[]>((resolve) => {
      batches.push([...keys]);
      finish.push(() => resolve(keys.map((k) => k * 10)));
    });
  return { batches, finish, batch };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedLoader', () => {
  it('sends the keys of one turn at once when nothing runs, each caller getting its own value', async () => {
    const { batches, finish, batch } = manualBatches();
    const loader = coalescedLoader(batch, 100);
    const values = Promise.all([1, 2, 3].map((k) => loader.load(k)));
    await turn();
    expect(batches).toEqual([[1, 2, 3]]);
    finish.shift()!();
    expect(await values).toEqual([10, 20, 30]);
  });

  it('gathers the keys asked while two batches run into one, sent when one of them returns', async () => {
    const { batches, finish, batch } = manualBatches();
    const loader = coalescedLoader(batch, 100);
    const first = [loader.load(1)];
    await turn();
    first.push(loader.load(2));
    await turn();
    const waiting = [3, 4, 5].map((k) => loader.load(k));
    await turn();
    waiting.push(loader.load(6));
    await turn();
    expect(batches).toEqual([[1], [2]]);
    finish.shift()!();
    await turn();
    expect(batches).toEqual([[1], [2], [3, 4, 5, 6]]);
    finish.splice(0).forEach((f) => f());
    expect(await Promise.all([...first, ...waiting])).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('keeps each batch within its size and reads every key asked again (no cache)', async () => {
    const { batches, finish, batch } = manualBatches();
    const loader = coalescedLoader(batch, 2);
    const values = Promise.all([1, 2, 3, 1].map((k) => loader.load(k)));
    await turn();
    expect(batches).toEqual([
      [1, 2],
      [3, 1],
    ]);
    finish.splice(0).forEach((f) => f());
    expect(await values).toEqual([10, 20, 30, 10]);
  });
});
