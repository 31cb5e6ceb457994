import { nestsDeeperThan } from '../../src/server/json-depth';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ a: '[[[[{{{{', b: 'x\\"[[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan('[1,2]{"a":{}}', 1)).toBe(true);
  });

  // How fast (~35 ms for the whole request) is bench/RESULTS.md's, not a test's: a timed assertion failed on a slower machine.
  it('scans a 1 MiB body nested 100,000 deep in one pass, without recursion', () => {
    const text = `${'['.repeat(100_000)}${' '.repeat(800_000)}`;
    expect(nestsDeeperThan(text, 64)).toBe(true);
    expect(nestsDeeperThan(' '.repeat(1 << 20), 64)).toBe(false);
  });
});
