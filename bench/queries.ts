/** The GraphQL documents the benchmark posts; the baseline answers CATALOG with the same JSON. */

const PRODUCT_FIELDS = `title slug
  priceRange { min { amount currency } max { amount currency } }
  bestListing { price { amount currency } stock seller { name } }
  variants { title listings { price { amount currency } stock seller { name } } }
  category { name }`;

export const catalogQuery = (first: number) => `{ products(first: ${first}) { nodes { ${PRODUCT_FIELDS} } } }`;

export const CATALOG = catalogQuery(20);

export const PRODUCT = `query Product($slug: String!) { product(slug: $slug) { ${PRODUCT_FIELDS} } }`;

/** 20 objects x 5 scalars from memory: what the server stack costs when resolvers cost nothing. */
export const TRIVIAL = '{ items { id name price inStock rating } }';

export const graphqlBody = (query: string, variables?: Record<string, unknown>) =>
  JSON.stringify(variables ? { query, variables } : { query });
