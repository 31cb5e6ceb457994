import { FieldResolver, Query, Resolver } from 'type-graphql';
import { z } from 'zod';
import { Product, Seller, definePlugin } from '../../src/plugin';
import { createProduct, createSeller, type TestProduct, type TestSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// The probe's resolvers take no parameters, so direct-resolvers.ts replaces every one of them when the
// fast paths are on: if that pass ran after the scoping pass, these fields would answer for every seller.

@Resolver(() => Product)
class ProductProbeResolver {
  @FieldResolver(() => String, { nullable: true })
  scopeProbe(): string {
    return 'visible';
  }
}

@Resolver(() => Seller)
class SellerProbeResolver {
  @FieldResolver(() => String, { nullable: true })
  scopeProbe(): string {
    return 'visible';
  }
}

@Resolver()
class QueryProbeResolver {
  @Query(() => String)
  scopeProbe(): string {
    return 'answered';
  }
}

const probe = definePlugin({
  name: 'scope-probe',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'Fields that answer whenever their resolver runs.',
  config: z.object({}),
  permissions: [],
  resolvers: [ProductProbeResolver, SellerProbeResolver, QueryProbeResolver],
});

// graphql-jit compiles a query on its third execution (jit-executor.ts): the later runs take the compiled path.
const RUNS = 4;

let fast: TestApp;
let reference: TestApp;
let installed: TestSeller;
let other: TestSeller;
let installedProduct: TestProduct;
let otherProduct: TestProduct;
beforeAll(async () => {
  fast = await startTestApp({ plugins: [probe], fastPaths: true });
  reference = await startTestApp({ plugins: [probe], fastPaths: false }, { sharing: fast });
  installed = await createSeller(fast);
  other = await createSeller(fast);
  const install = await fast.data(
    'mutation { pluginInstall(input: { plugin: "scope-probe", config: {} }) { userErrors { code } } }',
    undefined,
    installed.key,
  );
  expect(install.pluginInstall.userErrors).toEqual([]);
  installedProduct = await createProduct(fast, installed.key);
  otherProduct = await createProduct(fast, other.key);
});
afterAll(async () => {
  await reference?.stop();
  await fast?.stop();
});

describe.each([
  ['on', () => fast],
  ['off', () => reference],
])('plugin field scoping with the fast paths %s', (_mode, app) => {
  it("answers a plugin's fields on core types only for the objects of installing sellers", async () => {
    const query = `query ($mine: String!, $theirs: String!, $me: String!, $them: String!) {
      mine: product(slug: $mine) { scopeProbe } theirs: product(slug: $theirs) { scopeProbe }
      me: seller(slug: $me) { scopeProbe } them: seller(slug: $them) { scopeProbe }
    }`;
    const variables = { mine: installedProduct.slug, theirs: otherProduct.slug, me: installed.slug, them: other.slug };
    for (let run = 1; run <= RUNS; run++) {
      expect(await app().data(query, variables)).toEqual({
        mine: { scopeProbe: 'visible' },
        theirs: { scopeProbe: null },
        me: { scopeProbe: 'visible' },
        them: { scopeProbe: null },
      });
    }
  });

  it("refuses a plugin's query to the key of a seller that did not install it", async () => {
    for (let run = 1; run <= RUNS; run++) {
      const refused = await app().request('{ scopeProbe }', undefined, other.key);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(refused.data ?? null).toBeNull();
      expect(await app().data('{ scopeProbe }', undefined, installed.key)).toEqual({ scopeProbe: 'answered' });
    }
  });
});
