import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { deploymentSchema } from '../src/server/deployment-schema';

describe('schema/examples.graphql', () => {
  it('holds only operations that are valid against the schema', () => {
    const document = parse(readFileSync(path.join(__dirname, '..', 'schema', 'examples.graphql'), 'utf8'));
    expect(document.definitions.length).toBeGreaterThan(10);
    expect(validate(deploymentSchema(), document).map((e) => e.message)).toEqual([]);
  });
});
