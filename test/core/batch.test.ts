import { settleByKey } from '../../src/core/batch';

describe('settleByKey', () => {
  it('sets each key once: a later batch reading the same key keeps the first list and drops its rows', () => {
    const into = new Map<string, { key: string; n: number }[]>();
    const first = settleByKey(['a', 'b'], [{ key: 'a', n: 1 }, { key: 'a', n: 2 }], (r) => r.key, into);
    expect(first.lists).toEqual([[{ key: 'a', n: 1 }, { key: 'a', n: 2 }], []]);
    expect(first.fresh).toEqual(first.lists);
    const second = settleByKey(['b', 'a', 'c'], [{ key: 'a', n: 3 }, { key: 'c', n: 4 }], (r) => r.key, into);
    expect(second.lists[0]).toBe(first.lists[1]);
    expect(second.lists[1]).toBe(first.lists[0]);
    expect(second.lists[1]).toHaveLength(2);
    expect(second.fresh).toEqual([[{ key: 'c', n: 4 }]]);
    expect([...into.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('answers a key given twice with one list', () => {
    const into = new Map<string, string[]>();
    const { lists, fresh } = settleByKey(['a', 'a'], ['a'], (r) => r, into);
    expect(lists[0]).toBe(lists[1]);
    expect(fresh).toHaveLength(1);
  });
});
