import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

// Issue 13: `engines` says which Node versions are supported, and that must be true of every installed
// package (an earlier lock pulled @whatwg-node/promise-helpers 2, which wants Node >= 22.15, under
// `>=20.19`; the override in package.json pins 1.3.2). Checked at the lowest version of each range.
const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

const range = pkg.engines.node;
const lowest = range.split('||').map((part) => semver.minVersion(part.trim())!.version);

describe('supported Node versions (package.json engines)', () => {
  it('are recorded in the lock too, and include the Node running the tests', () => {
    expect(lowest.length).toBeGreaterThan(0);
    expect(semver.satisfies(process.version, range)).toBe(true);
    expect(lock.packages['']?.engines).toEqual(pkg.engines);
  });

  it.each(lowest)('hold for every package of the lock at Node %s', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name && !Array.isArray(p.engines) && p.engines?.node && !semver.satisfies(version, p.engines.node))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
