import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isUnionType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../core/connection';

/**
 * The cost model (issue 9): an upper bound of the rows an operation makes the server read, and so of its
 * SQL statements (test/server/cost.test.ts holds it to both over schema/examples.graphql and heavier ones).
 *
 * - An object costs 1 (its row, or its share of a loader's batch), plus its fields; value objects served
 *   from their parent's row (money, images, page info, userErrors, connections and edges) cost only their fields.
 * - A list or connection costs 1 (its statement) plus its items:
 *   - a connection (a field with `first`) holds `first` items: the argument, else its default (20), at most
 *     MAX_PAGE_SIZE (a larger `first` is refused by the resolver anyway); its `nodes` and `edges` are that page;
 *   - `nodes(ids:)` holds one item per id (at most 100, as `nodes` enforces);
 *   - a plain list holds its real bound: LIST_BOUNDS, the caps the services keep, else MAX_PAGE_SIZE;
 *   - a list that shares a bound with its lists' siblings under one ancestor (SHARED_BOUNDS: a product's
 *     variants' listings are, all together, at most the product's MAX_LISTINGS_PER_PRODUCT) holds that
 *     total spread over its siblings: `variants { listings }` is at most 100 variants and 100 listings,
 *     and such a list is counted by its rows alone (a statement reads many of them).
 * - Nested lists multiply. An abstract type's inline fragments add up (an upper bound of any one of them).
 * - A mutation's root field costs MUTATION_COST (its statements: locks, writes, events) plus its payload; a read
 *   that wraps a bounded statement in a transaction adds its EXTRA_STATEMENTS.
 * - Introspection costs INTROSPECTION_COST: it reads no rows.
 * - Leaves and `__typename` cost nothing, but for those read through a loader (BATCHED_LEAVES): one
 *   statement per request for each such batch. `@skip`/`@include` are followed.
 *
 * Each fragment is costed once per operation, so a fragment DAG costs time linear in the document while its
 * estimate multiplies out as execution would (a DAG of 40 spreads-of-two is 2^40).
 */
export const MUTATION_COST = 50;
export const INTROSPECTION_COST = 10;

/** Arguments the estimate reads; the cost cache (cost-cache.ts) keys on the variables inside them. */
export const COST_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'ids']);

/** Plain lists and what bounds them (the cap a service enforces; otherwise a documented assumption). */
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  // catalog/product.service.ts MAX_VARIANTS; catalog.loaders.ts MAX_LISTINGS_PER_PRODUCT; 20 images.
  'Product.variants': 100,
  'Product.listings': 100,
  'Product.offers': 100,
  'Review.photos': 10,
  'Review.edits': 20,
  'ReviewEdit.photos': 10,
  'RatingSummary.distribution': 5,
  'Product.images': 20,
  'ProductVariant.listings': 100,
  'ProductVariant.options': 20,
  'ProductVariantsPayload.variants': 100,
  // carts/cart-limits.ts MAX_LINES: lines, seller groups, warnings and a checkout's orders follow the lines.
  'Cart.lines': 100,
  'Cart.sellerGroups': 100,
  'Cart.warnings': 100,
  'CartPayload.warnings': 100,
  'CartSellerGroup.lines': 100,
  'Checkout.orders': 100,
  'Order.lines': 100,
  'Order.creditNotes': 100,
  'Invoice.lines': 100,
  'Invoice.taxBreakdown': 100,
  // complaints: complaint-open.ts MAX_LINES, complaint-attachments.ts MAX_ATTACHMENTS, complaint-messages.ts
  // MAX_MESSAGES (a message changes the state at most once, so the history follows it), complaint-refund.ts MAX_REFUNDS.
  'Complaint.lines': 100,
  'Complaint.attachments': 10,
  'ComplaintMessage.attachments': 10,
  'Complaint.history': 220,
  'Complaint.refunds': 50,
  // customers/address.service.ts MAX_ADDRESSES; consents are one per purpose.
  'Customer.addresses': 50,
  'Customer.consents': 10,
  // personalization/trait-model.ts MAX_AFFINITIES; three channels.
  'CustomerTraits.categoryAffinities': 10,
  'CustomerTraits.sellerAffinities': 10,
  'ChannelMixTrait.shares': 3,
  'CustomerConsentsPayload.consents': 10,
  // webhooks plugin MAX_ENDPOINTS.
  'Query.webhookEndpoints': 20,
  // catalog/category.service.ts MAX_CATEGORIES (and below, SHARED_BOUNDS).
  'Query.categories': 1000,
  'Category.children': 1000,
  // search/search-facets.ts: every category at most, MAX_SELLERS, the price bounds, conditions, ratings.
  'SearchFacets.categories': 1000,
  'SearchCategoryFacet.children': 1000,
  'SearchFacets.sellers': 50,
  'SearchFacets.priceRanges': 7,
  'SearchFacets.conditions': 3,
  'SearchFacets.ratings': 4,
  // search/search-suggest.ts MAX_SUGGESTIONS; search/search-insights.ts `first` (at most 100).
  'Query.searchSuggest': 20,
  'SearchInsights.topQueries': 100,
  'SearchInsights.zeroResultQueries': 100,
};

/** Statements a read field runs beyond its rows: a transaction around a bounded statement (BEGIN, its settings, COMMIT). */
export const EXTRA_STATEMENTS: Readonly<Record<string, number>> = {
  // promotions/promotion-reach.ts: the count runs with a statement timeout, set for its transaction only.
  'Query.promotionPreview': 3,
};

/** Lists whose items, over every such list below one `owner` object, number at most `total`. */
export const SHARED_BOUNDS: Readonly<Record<string, { owner: string; total: number }>> = {
  // One batch of the product's listings (catalog.loaders.ts), filtered per variant (variant.resolver.ts).
  'ProductVariant.listings': { owner: 'Product', total: 100 },
  // A cart's lines, grouped by seller (carts/cart-totals.ts).
  'CartSellerGroup.lines': { owner: 'Cart', total: 100 },
  // A request reads at most every category (MAX_CATEGORIES), however deep its tree or its breadcrumbs go.
  'Category.children': { owner: 'Query', total: 1000 },
  'Category.ancestors': { owner: 'Query', total: 1000 },
  // A search's category facet is one tree of at most every category (search/search-facets.ts).
  'SearchFacets.categories': { owner: 'SearchFacets', total: 1000 },
  'SearchCategoryFacet.children': { owner: 'SearchFacets', total: 1000 },
};
const OWNERS = new Set(Object.values(SHARED_BOUNDS).map((s) => s.owner));

/** How many objects of a field sit below the nearest object of each owner type (SHARED_BOUNDS). */
type Spread = Readonly<Record<string, number>>;
const spreadKey = (spread: Spread) => Object.entries(spread).map(([k, v]) => `${k}:${v}`).join(',');
const times = (spread: Spread, n: number): Spread => Object.fromEntries(Object.entries(spread).map(([k, v]) => [k, v * n]));

/**
 * Leaves read through a per-request loader: one batch (one statement) per request however many objects
 * ask, so each batch counts once per operation.
 */
const BATCHED_LEAVES: Readonly<Record<string, string>> = {
  // catalog/product-translations.ts: a product's title and description in the reader's language.
  'Product.title': 'productTranslations',
  'Product.description': 'productTranslations',
};

/** Objects that come with their parent's row: no lookup of their own. */
const VALUE_TYPES = new Set([
  'Query',
  'Mutation',
  'Subscription',
  'Money',
  'MoneyRange',
  'Image',
  'SelectedOption',
  'PageInfo',
  'UserError',
  'CartWarning',
  'MailingAddress',
  'InvoiceBuyer',
  'InvoiceIssuer',
  'InvoiceTaxBreakdown',
  'OrderCustomer',
  'ShippingPolicy',
  'ProductOffer',
  'RatingCount',
  'ReviewReply',
  'ReviewEdit',
  'ProductRecommendation',
  'CustomerAccessToken',
  // Computed by one statement of their search (search/search-facets.ts, search-insights.ts).
  'SearchFacets',
  'SearchCategoryFacet',
  'SearchSellerFacet',
  'SearchPriceRangeFacet',
  'SearchConditionFacet',
  'SearchRatingFacet',
  'SearchSuggestion',
  'SearchInsights',
  'SearchQueryStat',
]);
const isValueType = (name: string) =>
  VALUE_TYPES.has(name) || name.endsWith('Connection') || name.endsWith('Edge') || name.endsWith('Payload');

const clamp = (n: unknown, fallback: number) =>
  typeof n === 'number' && Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), MAX_PAGE_SIZE) : fallback;

/** The estimated cost of one operation of `document` (the named one, or the only one); never throws. */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars = variables ?? {};
  // By fragment and spread; null while being costed: a cycle (refused by NoFragmentCycles) adds nothing.
  const fragmentCosts = new Map<string, number | null>();
  const batches = new Set<string>();

  const included = (node: FieldNode | SelectionSetNode['selections'][number]): boolean => {
    if (!node.directives?.length) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, vars)?.['if'] === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, vars)?.['if'] === false) return false;
    } catch {
      // An unusable variable: count the selection, an upper bound.
    }
    return true;
  };

  const argumentsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> => {
    try {
      return getArgumentValues(field, node, vars);
    } catch {
      return {};
    }
  };

  const fragmentCost = (name: string, spread: Spread): number => {
    const key = `${name}|${spreadKey(spread)}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known ?? 0;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !isCompositeType(type)) return 0;
    fragmentCosts.set(key, null);
    const cost = selectionCost(type, fragment.selectionSet, spread);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const selectionCost = (type: GraphQLCompositeType, set: SelectionSetNode, outer: Spread): number => {
    // Inside one owner object (a Product, however reached: a field, `nodes`, a fragment on it), its shares start over.
    const spread = OWNERS.has(type.name) ? { ...outer, [type.name]: 1 } : outer;
    let cost = 0;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) cost += fieldCost(type, selection, spread);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(condition)) cost += selectionCost(condition, selection.selectionSet, spread);
      } else cost += fragmentCost(selection.name.value, spread);
    }
    return cost;
  };

  /** How many items a list field holds at most, per instance (fractional for a shared bound spread over siblings). */
  const itemsOf = (parent: string, name: string, spread: Spread): number => {
    const own = LIST_BOUNDS[`${parent}.${name}`] ?? MAX_PAGE_SIZE;
    const shared = SHARED_BOUNDS[`${parent}.${name}`];
    const siblings = shared && spread[shared.owner];
    return siblings ? Math.min(own, shared.total / siblings) : own;
  };

  const fieldCost = (parent: GraphQLCompositeType, node: FieldNode, spread: Spread): number => {
    const name = node.name.value;
    if (name === '__typename') return 0;
    if (name === '__schema' || name === '__type') return INTROSPECTION_COST;
    const root = (parent === schema.getMutationType() ? MUTATION_COST : 0) + (EXTRA_STATEMENTS[`${parent.name}.${name}`] ?? 0);
    if (isUnionType(parent)) return 0;
    const field = parent.getFields()[name];
    const itemType = field && getNamedType(field.type);
    const batch = BATCHED_LEAVES[`${parent.name}.${name}`];
    if (batch) batches.add(batch);
    if (!field || !node.selectionSet || !isCompositeType(itemType)) return root;
    // In a connection, `nodes` and `edges` are the page its field counted.
    const inConnection = parent.name.endsWith('Connection');
    // Items per instance of this field, and whether it runs a statement of its own (a list or page).
    let items = 1;
    let listed = false;
    if (field.args.some((a) => a.name === 'first')) {
      items = clamp(argumentsOf(field, node)['first'], MAX_PAGE_SIZE);
      listed = true;
    } else if (isListType(getNullableType(field.type)) && !inConnection) {
      listed = true;
      if (parent === schema.getQueryType() && name === 'nodes') {
        const ids = argumentsOf(field, node)['ids'];
        items = Array.isArray(ids) ? Math.min(ids.length, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
      } else {
        items = itemsOf(parent.name, name, spread);
        // A share of a batch its owner loaded: no statement of its own.
        listed = !SHARED_BOUNDS[`${parent.name}.${name}`];
      }
    }
    if (listed && itemType.name.endsWith('Connection')) {
      // The page multiplies `nodes` and `edges` (and, an upper bound, any fragment); the connection's own
      // fields (a search's totalCount and facets) are one statement each, whatever the page size.
      const page = node.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || s.name.value === 'nodes' || s.name.value === 'edges');
      const own = node.selectionSet.selections.filter((s) => !page.includes(s));
      return (
        root +
        1 +
        items * selectionCost(itemType, { ...node.selectionSet, selections: page }, times(spread, items)) +
        own.reduce((sum, s) => sum + (included(s) ? fieldCost(itemType, s as FieldNode, spread) : 0), 0)
      );
    }
    const item = (isValueType(itemType.name) ? 0 : 1) + selectionCost(itemType, node.selectionSet, times(spread, items));
    return root + (listed ? 1 : 0) + items * item;
  };

  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return root ? Math.ceil(selectionCost(root, operation.selectionSet, {})) + batches.size : 0;
}
