import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/node-flags';

// The server's Node.js flags (src/node-flags.ts) are given where node starts: each way of starting `zoco` carries them.
const root = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe("the server's Node.js flags", () => {
  it.each(SERVER_NODE_FLAGS)('%s is in the Dockerfile ENTRYPOINT, npm start, npm run zoco and the bin shebang', (flag) => {
    expect(read('Dockerfile')).toMatch(new RegExp(`^ENTRYPOINT \\["node", ("[^"]+", )*"${flag}",.*"dist/src/main.js"\\]$`, 'm'));
    expect(scripts['start']).toContain(`node ${flag} dist/src/main.js`);
    expect(scripts['zoco']).toContain(`node ${flag} dist/src/main.js`);
    expect(read('src/main.ts').split('\n')[0]).toMatch(new RegExp(`^#!/usr/bin/env -S node( \\S+)* ${flag}( |$)`));
  });
});
