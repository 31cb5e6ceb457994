/** What the operations of fast-path-parity.test.ts refer to, made once on the seeded database. */
export interface ParityFixture {
  productSlug: string;
  productId: string;
  /** A seeded seller that installed loyalty-points and co-creation; its key is `as: 'seller'`. */
  sellerSlug: string;
  sellerId: string;
  /** A seeded seller with no plugin; its key is `as: 'other-seller'`. */
  otherSellerSlug: string;
  otherSellerId: string;
  /** The endCursor of the first page of two products. */
  after: string;
  cartId: string;
  orderId: string;
  proposalId: string;
}

export interface ParityCase {
  name: string;
  query: string;
  variables?: (f: ParityFixture) => Record<string, unknown>;
  operationName?: string;
  as?: 'guest' | 'customer' | 'seller' | 'other-seller' | 'admin' | 'bad-token';
  /** The document does not parse or validate, on purpose; any other case that fails validation is a typo in it. */
  malformed?: true;
}

const LISTING = 'id sku price { amount currency formatted } compareAtPrice { amount } stock inStock condition status handlingDays createdAt updatedAt seller { id name slug rating status }';
const PRODUCT = `id __typename slug title description status inStock createdAt updatedAt attributes images { url alt }
  priceRange { min { amount currency formatted } max { amount } }
  bestListing { ${LISTING} }
  variants { id title gtin position options { name value } listings { ${LISTING} variant { id title } product { slug } } }
  listings { id price { amount } }
  category { id name slug position parent { name } ancestors { slug } children { slug } }`;
// Every field a narrow read allows (catalog-narrow-reads.ts), so the narrow rows answer each of them.
const NARROW_LISTING = 'id __typename price { amount currency formatted } stock inStock condition handlingDays seller { id __typename slug name status rating ratingCount shipping { flatRate { amount } freeShippingThreshold { amount } } }';
const NARROW_PRODUCT = `id __typename slug title status language inStock
  priceRange { min { amount currency formatted } max { amount } }
  bestListing { ${NARROW_LISTING} }
  offers { position landedPrice { amount } shipping { amount } isWinner reasonCode reason listing { ${NARROW_LISTING} } }
  variants { id title gtin position options { name value } listings { ${NARROW_LISTING} } }
  listings { id price { amount } }
  category { id name slug position parent { name } ancestors { slug } children { slug } }`;
// bench/queries.ts' CATALOG and PRODUCT select these.
const BENCH_PRODUCT = `title slug
  priceRange { min { amount currency } max { amount currency } }
  bestListing { price { amount currency } stock seller { name } }
  variants { title listings { price { amount currency } stock seller { name } } }
  category { name }`;
const CART = `id email totalQuantity subtotal { amount currency } shipping { amount } total { amount }
  lines { id quantity available priceAtAdd { amount } unitPrice { amount } subtotal { amount } listing { sku loyaltyPoints seller { slug } } }
  sellerGroups { seller { slug } lines { id } subtotal { amount } shipping { amount } total { amount } freeShippingRemaining { amount } }
  warnings { code message lineId }`;
const ORDER = `id state placedAt paidAt subtotal { amount } shipping { amount } tax { amount } total { amount currency }
  seller { slug } customer { name } shippingAddress { name city country } lines { quantity unitPrice { amount } }`;
const PROPOSAL = 'id title description status votes voteThreshold viewerIsAuthor viewerHasVoted createdAt seller { slug } product { slug }';

/** Representative operations: the storefront's hot reads, the seller's, plugin fields, and how each kind of error is answered. */
export const parityCases: ParityCase[] = [
  // The catalog.
  { name: 'catalog page', query: `{ products(first: 20) { nodes { ${PRODUCT} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }` },
  { name: 'catalog edges, sorted', query: '{ products(first: 5, sort: PRICE_DESC) { edges { cursor node { title priceRange { min { amount } } } } } }' },
  { name: 'catalog next page', query: 'query Next($after: String) { products(first: 3, after: $after) { nodes { slug } } }', variables: (f) => ({ after: f.after }) },
  { name: 'catalog filter', query: '{ products(first: 5, filter: { inStock: true, priceMin: 1000, condition: NEW }, sort: TITLE) { nodes { title } } }' },
  { name: 'page size from a variable', query: 'query P($n: Int!) { products(first: $n) { nodes { slug } } }', variables: () => ({ n: 4 }) },
  { name: 'skip and include', query: 'query($a: Boolean!, $b: Boolean!) { products(first: 2) { nodes { slug title @skip(if: $a) category @include(if: $b) { name } } } }', variables: () => ({ a: true, b: false }) },
  { name: 'aliases', query: '{ a: products(first: 1) { nodes { t: title } } b: categories { n: name } }' },
  { name: 'category tree', query: '{ categories { id name slug position children { name parent { slug } children { name } } } }' },
  { name: 'category by slug', query: '{ category(slug: "moda") { name ancestors { name } } }' },
  { name: 'catalog page, narrow reads', query: `{ products(first: 20) { nodes { ${NARROW_PRODUCT} } edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }` },
  {
    name: 'catalog page, narrow fields and one that is not',
    query: `{ products(first: 20) { nodes { ${NARROW_PRODUCT} variants { listings { sku createdAt seller { createdAt address { city } } } } } } }`,
  },
  // Narrow reads that leave column groups out (narrow-columns.ts): the benchmark's pages, and selections that keep each group alone.
  { name: 'catalog page, narrow reads as the benchmark reads it', query: `{ products(first: 20) { nodes { ${BENCH_PRODUCT} } } }` },
  {
    name: 'catalog page, narrow reads, few column groups',
    query: `{ products(first: 20) { nodes { status offers { position reasonCode listing { stock } } variants { position listings { handlingDays seller { slug } } } category { id name } } } }`,
  },
  {
    name: 'catalog page, narrow reads, cursors and languages',
    query: `{ products(first: 20) { edges { cursor node { language inStock en: title(locale: "en") bestListing { id condition seller { id rating } } } } pageInfo { startCursor } } }`,
  },
  { name: 'product by slug, narrow reads as the benchmark reads it', query: `query Product($slug: String!) { product(slug: $slug) { ${BENCH_PRODUCT} } }`, variables: (f) => ({ slug: f.productSlug }) },
  {
    name: 'product by slug, narrow reads, few column groups',
    query: `query Product($slug: String!) { product(slug: $slug) { slug title(locale: "en") listings { price { amount } } variants { gtin listings { seller { name ratingCount } } } } }`,
    variables: (f) => ({ slug: f.productSlug }),
  },
  { name: 'product by slug, narrow reads', query: `query Product($slug: String!) { product(slug: $slug) { ${NARROW_PRODUCT} } }`, variables: (f) => ({ slug: f.productSlug }) },
  {
    name: 'narrow fields with another root field',
    query: 'query($id: ID!) { products(first: 3) { nodes { bestListing { seller { name } } } } node(id: $id) { ... on Seller { createdAt description } } }',
    variables: (f) => ({ id: f.sellerId }),
  },
  { name: 'product by slug', query: `query Product($slug: String!) { product(slug: $slug) { ${PRODUCT} } }`, variables: (f) => ({ slug: f.productSlug }) },
  { name: 'product by id', query: 'query($id: ID!) { product(id: $id) { title } }', variables: (f) => ({ id: f.productId }) },
  {
    name: 'titles by language',
    query: `query($slug: String!, $l: String) { product(slug: $slug) { en: title(locale: "en") es: title(locale: "es") v: title(locale: $l) xx: description(locale: "xx") d: description(locale: "en") }
      products(first: 3) { nodes { title(locale: "en") description } } }`,
    variables: (f) => ({ slug: f.productSlug, l: null }),
  },
  { name: 'title: a language of the wrong type', query: '{ products(first: 1) { nodes { title(locale: 5) } } }', malformed: true },
  { name: 'node and fragments', query: 'query($id: ID!) { node(id: $id) { __typename id ... on Product { slug variants { id } } ...S } } fragment S on Seller { name }', variables: (f) => ({ id: f.productId }) },
  { name: 'nodes with misses', query: 'query($id: ID!, $s: ID!) { nodes(ids: [$id, $s, "bm9wZQ", "UHJvZHVjdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"]) { __typename id } }', variables: (f) => ({ id: f.productId, s: f.sellerId }) },
  { name: 'two operations, one named', query: 'query A { categories { name } } query B { sellers(first: 1) { nodes { name } } }', operationName: 'B' },
  { name: 'introspection', query: '{ __type(name: "Product") { name fields { name type { name kind } } } }' },

  // Sellers.
  { name: 'sellers', query: '{ sellers(first: 3) { edges { cursor node { id name slug rating ratingCount status createdAt description shipping { flatRate { amount formatted } freeShippingThreshold { amount } } } } pageInfo { hasNextPage endCursor } } }' },
  { name: 'seller with listings', query: 'query($slug: String!) { seller(slug: $slug) { name listings(first: 3) { nodes { sku product { title } variant { title } } } } }', variables: (f) => ({ slug: f.sellerSlug }) },
  { name: 'seller api keys as guest', query: 'query($slug: String!) { seller(slug: $slug) { name apiKeys { name prefix } } }', variables: (f) => ({ slug: f.sellerSlug }) },
  { name: 'seller api keys as itself', query: 'query($slug: String!) { seller(slug: $slug) { name apiKeys { name prefix scopes } } }', variables: (f) => ({ slug: f.sellerSlug }), as: 'seller' },
  { name: 'current seller as guest', query: '{ currentSeller { name } }' },
  { name: 'current seller with its plugins', query: '{ currentSeller { name slug plugins { plugin version status config pendingRetries } } }', as: 'seller' },
  { name: "seller's orders", query: `{ sellerOrders(first: 5) { nodes { ${ORDER} } pageInfo { hasNextPage } } }`, as: 'seller' },
  { name: "another seller's order", query: 'query($id: ID!) { order(id: $id) { id } }', variables: (f) => ({ id: f.orderId }), as: 'other-seller' },
  { name: 'admin sees everything', query: '{ sellers(first: 20) { nodes { slug status } } }', as: 'admin' },

  // Customers and carts.
  { name: 'viewer as guest', query: '{ viewer { id } }' },
  { name: 'customer', query: `{ viewer { id email name locale addresses { address { name city country } isDefaultShipping } paymentMethods { brand last4 } cart { ${CART} } orders(first: 5) { nodes { ${ORDER} } } } }`, as: 'customer' },
  { name: 'cart as its customer', query: `query($id: ID!) { cart(id: $id) { ${CART} } }`, variables: (f) => ({ id: f.cartId }), as: 'customer' },
  { name: "cart as someone else's", query: 'query($id: ID!) { cart(id: $id) { id } }', variables: (f) => ({ id: f.cartId }) },
  { name: 'cart as a node', query: 'query($id: ID!) { node(id: $id) { id ... on Cart { totalQuantity total { amount } } } }', variables: (f) => ({ id: f.cartId }), as: 'customer' },
  { name: 'order as its customer', query: `query($id: ID!) { order(id: $id) { ${ORDER} } }`, variables: (f) => ({ id: f.orderId }), as: 'customer' },

  // Plugin fields: they act only for the sellers that installed the plugin.
  { name: 'plugin fields on a catalog page', query: '{ products(first: 20) { nodes { slug coCreatedFrom { id } variants { listings { sku loyaltyPoints seller { slug } } } } } }' },
  { name: "plugin fields of an installing seller's product", query: 'query($slug: String!) { seller(slug: $slug) { listings(first: 10) { nodes { loyaltyPoints product { coCreatedFrom { title } } } } } }', variables: (f) => ({ slug: f.sellerSlug }) },
  { name: 'plugin field of an installing seller', query: `query($slug: String!) { seller(slug: $slug) { coCreationProposals { nodes { ${PROPOSAL} } } } }`, variables: (f) => ({ slug: f.sellerSlug }), as: 'customer' },
  { name: 'plugin field of a seller without the plugin', query: 'query($slug: String!) { seller(slug: $slug) { coCreationProposals { nodes { id } } } }', variables: (f) => ({ slug: f.otherSellerSlug }) },
  { name: 'plugin query of the installing seller', query: `query($id: ID!) { coCreationProposals(sellerId: $id) { nodes { ${PROPOSAL} } } }`, variables: (f) => ({ id: f.sellerId }), as: 'seller' },
  { name: 'plugin query refused to a seller without it', query: 'query($id: ID!) { coCreationProposals(sellerId: $id) { nodes { id } } }', variables: (f) => ({ id: f.otherSellerId }), as: 'other-seller' },
  { name: 'plugin query of a plugin the seller lacks', query: '{ webhookEndpoints { id } }', as: 'seller' },
  { name: "a plugin's node", query: 'query($id: ID!) { node(id: $id) { __typename id ... on CoCreationProposal { title votes } } }', variables: (f) => ({ id: f.proposalId }) },
  { name: 'customer loyalty', query: '{ viewer { loyalty { points credit { amount currency } pointsPerEuro seller { slug } } } }', as: 'customer' },
  { name: 'available plugins', query: '{ availablePlugins { name version permissions } }' },

  // Errors.
  { name: 'page size over the maximum', query: 'query P($n: Int!) { products(first: $n) { nodes { slug } } }', variables: () => ({ n: 101 }) },
  { name: 'bad cursor', query: '{ products(first: 2, after: "nope") { nodes { slug } } }' },
  { name: 'product not found', query: '{ product(slug: "no-such-product") { title } }' },
  { name: 'product: id and slug', query: 'query($id: ID!, $slug: String!) { product(id: $id, slug: $slug) { title } }', variables: (f) => ({ id: f.productId, slug: f.productSlug }) },
  { name: 'product: malformed id', query: '{ product(id: "garbage") { title } }' },
  { name: 'variable of the wrong type', query: 'query Product($slug: String!) { product(slug: $slug) { title } }', variables: () => ({ slug: 12 }) },
  { name: 'missing variable', query: 'query Product($slug: String!) { product(slug: $slug) { title } }' },
  { name: 'bad token', query: '{ products(first: 1) { nodes { slug } } }', as: 'bad-token' },
  { name: 'too costly', query: '{ products(first: 100) { nodes { variants { listings { seller { listings(first: 100) { nodes { product { variants { title } } } } } } } } } }' },
  { name: 'unknown operation name', query: 'query A { categories { name } }', operationName: 'C' },
  { name: 'invalid document', query: '{ products(first: 1) { nodes { nope } } }', malformed: true },
  { name: 'syntax error', query: '{ products(first: 1) { nodes { slug }', malformed: true },
  { name: 'mutation refused to a guest', query: 'mutation($id: ID!) { productArchive(input: { id: $id }) { product { id } userErrors { field message code } } }', variables: (f) => ({ id: f.productId }) },
  { name: 'mutation with user errors', query: 'mutation { productCreate(input: { title: "", variants: [] }) { product { id } userErrors { field message code } } }', as: 'seller' },
];
