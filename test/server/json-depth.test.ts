import { nestsDeeperThan } from '../../src/server/json-depth';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ a: '[[[[{{{{', b: 'x\\"[[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan('[1,2]{"a":{}}', 1)).toBe(true);
  });

  it('scans a 1 MiB body nested 100,000 deep in a few milliseconds', () => {
    const text = `${'['.repeat(100_000)}${' '.repeat(800_000)}`;
    const started = performance.now();
    expect(nestsDeeperThan(text, 64)).toBe(true);
    expect(nestsDeeperThan(' '.repeat(1 << 20), 64)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
