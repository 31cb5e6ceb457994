#!/usr/bin/env node
// The npm registry this project's machines reach carries only some platform builds of packages like
// @swc/core, @biomejs/biome and unrs-resolver (jest). `npm install` then leaves their other-platform
// optional dependencies out of package-lock.json, and `npm ci` refuses the lock as "out of sync".
// This adds those entries (version, os, cpu, libc, optional) so `npm ci` sees them and, as on any
// machine of another platform, skips them without downloading. Run it after `npm install` changes the
// lock: `node .ci/lock-platforms.js`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OSES = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPUS = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'loong64', 'riscv64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OSES.includes(t));
  const cpu = tokens.find((t) => CPUS.includes(t));
  if (!os || !cpu) return null;
  const libc = tokens.some((t) => t.startsWith('musl')) ? 'musl' : os === 'linux' && tokens.some((t) => t.startsWith('gnu')) ? 'glibc' : null;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `node_modules/${dep}`;
    if (lock.packages[depKey] || lock.packages[`${key}/node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    const version = range.replace(/^[\^~=]/, '');
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[depKey] = { version, ...platform, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} other-platform optional entries`);
