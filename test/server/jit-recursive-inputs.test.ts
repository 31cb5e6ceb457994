import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { hasRecursiveInputVariable } from '../../src/server/jit-executor';

const schema = buildSchema(`
  input Rule { all: [Rule!] not: Rule trait: String }
  input Outer { rule: Rule }
  input Flat { a: Int b: [String!] }
  input Shared { left: Flat right: Flat }
  type Query { preview(rule: Rule, outer: Outer, flat: Flat, shared: Shared, n: Int): Int }
`);
const operation = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;

describe('the JIT executor leaves recursive input types to graphql-js', () => {
  it('finds a variable whose input type contains itself, directly or further down', () => {
    expect(hasRecursiveInputVariable(schema, operation('query ($r: Rule!) { preview(rule: $r) }'))).toBe(true);
    expect(hasRecursiveInputVariable(schema, operation('query ($o: Outer) { preview(outer: $o) }'))).toBe(true);
  });

  it('compiles the rest: flat inputs, an input type used twice, scalars and no variables', () => {
    expect(hasRecursiveInputVariable(schema, operation('query ($f: Flat, $s: Shared!, $n: Int) { preview(flat: $f, shared: $s, n: $n) }'))).toBe(false);
    expect(hasRecursiveInputVariable(schema, operation('{ preview }'))).toBe(false);
  });
});
