import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../src/server/schema';
import { deploymentSchema } from '../src/server/deployment-schema';

/** Lines only in `a` (-) or only in `b` (+): enough to see what changed in a sorted SDL. */
function lineDiff(a: string, b: string, max = 30): string {
  const inA = new Set(a.split('\n'));
  const inB = new Set(b.split('\n'));
  const lines = [...[...inA].filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...[...inB].filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
  return lines.slice(0, max).join('\n') + (lines.length > max ? `\n… ${lines.length - max} more` : '');
}

describe('schema/schema.graphql', () => {
  it('is the SDL the code builds', () => {
    const file = path.join(__dirname, '..', 'schema', 'schema.graphql');
    const committed = readFileSync(file, 'utf8');
    const built = printAppSchema(deploymentSchema());
    if (committed !== built) {
      throw new Error(
        `schema/schema.graphql is out of date with the code: run \`npm run schema\` and commit the file.\n` +
          `Committed (-) vs built (+):\n${lineDiff(committed, built)}`,
      );
    }
    expect(built).toBe(committed);
  });
});
