import { DocumentCache } from '../../src/server/document-cache';

describe('DocumentCache: parsed documents bounded by their texts\' total length', () => {
  it('keeps texts up to its budget, the least recently used out first', () => {
    const cache = new DocumentCache<number>(30, 10);
    cache.set('a'.repeat(10), 1);
    cache.set('b'.repeat(10), 2);
    cache.set('c'.repeat(10), 3);
    expect(cache.get('a'.repeat(10))).toBe(1); // now the most recently used
    cache.set('d'.repeat(10), 4);
    expect([cache.has('a'.repeat(10)), cache.has('b'.repeat(10)), cache.has('c'.repeat(10)), cache.has('d'.repeat(10))]).toEqual([true, false, true, true]);
    expect(cache.size).toBe(3);
  });

  it('never keeps a text longer than its entry bound, and any number of distinct texts stays within the budget', () => {
    const cache = new DocumentCache<number>(1_000, 100);
    cache.set('x'.repeat(101), 1);
    expect(cache.size).toBe(0);
    for (let i = 0; i < 10_000; i++) cache.set(`query q${i} { __typename }`, i);
    expect(cache.size).toBeLessThanOrEqual(1_000 / '{ __typename }'.length);
    expect(cache.get('query q9999 { __typename }')).toBe(9999);
  });

  it('counts a text kept again once', () => {
    const cache = new DocumentCache<number>(20, 10);
    for (let i = 0; i < 5; i++) cache.set('q'.repeat(10), i);
    cache.set('r'.repeat(10), 9);
    expect([cache.get('q'.repeat(10)), cache.get('r'.repeat(10))]).toEqual([4, 9]);
  });
});
