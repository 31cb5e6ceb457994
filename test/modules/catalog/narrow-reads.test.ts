import { parse, type FragmentDefinitionNode, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { narrowReadsAllowed } from '../../../src/core/narrow-reads';
import { narrowCatalogReads } from '../../../src/modules/catalog/catalog-narrow-reads';
import { narrowColumns } from '../../../src/modules/catalog/narrow-columns';
import { deploymentSchema } from '../../../src/server/deployment-schema';

/**
 * Which operations read narrowly (catalog-narrow-reads.ts). That narrow rows answer each allowed field as whole
 * rows do is test/server/fast-path-parity.test.ts's ("catalog page, narrow reads" and the cases after it).
 */
let schema: GraphQLSchema;

beforeAll(() => {
  schema = deploymentSchema();
});

function narrowRead(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return narrowCatalogReads({ schema, operation, fragments: {} } as unknown as GraphQLResolveInfo);
}

function narrow(source: string): boolean {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
  );
  return narrowCatalogReads({ schema, operation, fragments } as unknown as GraphQLResolveInfo) !== null;
}

const PAGE = `title slug priceRange { min { amount currency } max { amount currency } }
  bestListing { price { amount currency } stock seller { name } }
  variants { title listings { price { amount currency } stock seller { name } } }
  category { name }`;

describe('narrow catalog reads', () => {
  it('is a fast path: the deployment schema allows it', () => {
    expect(narrowReadsAllowed(schema)).toBe(true);
  });

  it('reads the benchmark catalog page and product page narrowly, through fragments too', () => {
    expect(narrow(`{ products(first: 20) { nodes { ${PAGE} } } }`)).toBe(true);
    expect(narrow(`query P($slug: String!) { product(slug: $slug) { ${PAGE} } }`)).toBe(true);
    expect(narrow('{ products { edges { cursor node { ...P } } } } fragment P on Product { slug ... on Product { bestListing { stock } } }')).toBe(true);
  });

  it.each([
    ['a dropped product column', '{ products { nodes { description } } }'],
    ['a dropped listing column', '{ products { nodes { bestListing { sku } } } }'],
    ['a dropped seller column', '{ products { nodes { listings { seller { address { city } } } } } }'],
    ['a field of another module', '{ products { nodes { listings { seller { listings { nodes { sku } } } } } } }'],
    ['a plugin field', '{ products { nodes { coCreatedFrom { id } } } }'],
    ['a dropped field in a fragment', '{ products { nodes { ...P } } } fragment P on Product { createdAt }'],
    ['another root field', '{ products { nodes { slug } } categories { name } }'],
    ['a listing read by id elsewhere', '{ products { nodes { variants { product { description } } } } }'],
  ])('reads whole rows for %s', (_name, source) => {
    expect(narrow(source)).toBe(false);
  });

  it('keeps the column groups the operation selects, and only those (narrow-columns.ts)', () => {
    expect(narrowColumns(narrowRead(`{ products(first: 20) { nodes { ${PAGE} } } }`)!)).toEqual({
      productState: false,
      productTitles: true,
      category: 'brief',
      variantOptions: false,
      variantDetails: false,
      listingIds: false,
      listingBuyBox: false,
      listingVariants: true,
      sellers: 'brief',
    });
    expect(
      narrowColumns(
        narrowRead(`{ products { nodes { inStock offers { reason } category { parent { name } } variants { gtin options { name } }
          listings { id seller { rating } } } } }`)!,
      ),
    ).toEqual({
      productState: true,
      productTitles: false,
      category: 'whole',
      variantOptions: true,
      variantDetails: true,
      listingIds: true,
      listingBuyBox: true,
      listingVariants: false,
      sellers: 'narrow',
    });
    expect(narrowColumns(narrowRead('{ products { nodes { slug listings { condition } } } }')!)).toMatchObject({ category: 'none', listingBuyBox: true });
  });

  it('reads whole rows for mutations', () => {
    expect(narrow('mutation { __typename }')).toBe(false);
  });
});
