import { GraphQLError } from 'graphql';

/** The catalog of stable error codes: `userErrors[].code` for expected failures. */
export enum ErrorCode {
  INVALID = 'INVALID',
  INVALID_ID = 'INVALID_ID',
  NOT_FOUND = 'NOT_FOUND',
  TAKEN = 'TAKEN',
  TOO_LONG = 'TOO_LONG',
  BLANK = 'BLANK',
  NEGATIVE = 'NEGATIVE',
  CURRENCY_NOT_SUPPORTED = 'CURRENCY_NOT_SUPPORTED',
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  INVALID_STATE = 'INVALID_STATE',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  FORBIDDEN = 'FORBIDDEN',
  LISTING_UNAVAILABLE = 'LISTING_UNAVAILABLE',
  PAYMENT_DECLINED = 'PAYMENT_DECLINED',
  INSUFFICIENT_FUNDS = 'INSUFFICIENT_FUNDS',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  NO_DEFAULT_ADDRESS = 'NO_DEFAULT_ADDRESS',
  NO_DEFAULT_PAYMENT_METHOD = 'NO_DEFAULT_PAYMENT_METHOD',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  /** A seller tried to take a product off the storefront while other sellers' offers rely on it. */
  PRODUCT_SHARED = 'PRODUCT_SHARED',
  /** A complaint came before the expected delivery of goods not delivered, or after the complaint window closed. */
  COMPLAINT_WINDOW_CLOSED = 'COMPLAINT_WINDOW_CLOSED',
  /** Some of the order lines already have a complaint. */
  ALREADY_COMPLAINED = 'ALREADY_COMPLAINED',
  /** More units than the order line holds. */
  QUANTITY_EXCEEDS_ORDERED = 'QUANTITY_EXCEEDS_ORDERED',
  /** A refund above what was paid for the complaint's lines, counting earlier refunds. */
  REFUND_EXCEEDS_PAID = 'REFUND_EXCEEDS_PAID',
  /** Promotions (issue 10): why a discount code does not apply, or why a promotion was left out. */
  PROMOTION_CODE_UNKNOWN = 'PROMOTION_CODE_UNKNOWN',
  PROMOTION_NOT_STARTED = 'PROMOTION_NOT_STARTED',
  PROMOTION_EXPIRED = 'PROMOTION_EXPIRED',
  /** Paused or archived by its seller. */
  PROMOTION_INACTIVE = 'PROMOTION_INACTIVE',
  /** The cart holds none of the seller's items the promotion is for. */
  PROMOTION_NOT_FOR_SELLER = 'PROMOTION_NOT_FOR_SELLER',
  PROMOTION_BELOW_MINIMUM = 'PROMOTION_BELOW_MINIMUM',
  /** The shopper's own limit for it is used up, or a single-use code was used. */
  PROMOTION_LIMIT_REACHED = 'PROMOTION_LIMIT_REACHED',
  /** Its budget cannot cover this discount: the items are charged at full price. */
  PROMOTION_BUDGET_EXHAUSTED = 'PROMOTION_BUDGET_EXHAUSTED',
  /** Targeted at other customers (or the shopper is not signed in, or has not consented to personalization). */
  PROMOTION_NOT_ELIGIBLE = 'PROMOTION_NOT_ELIGIBLE',
  /** An exclusive promotion and others compete: the better deal for the shopper applies. */
  PROMOTION_NOT_COMBINABLE = 'PROMOTION_NOT_COMBINABLE',
  /** The seller has not recorded its legal address, which its invoices must show: it cannot sell yet (issue 13). */
  SELLER_ADDRESS_MISSING = 'SELLER_ADDRESS_MISSING',
}

/**
 * `extensions.code` of GraphQL errors that are expected: the client's mistake or a refusal, passed to the
 * client as they are on every transport (server/error-policy.ts). Anything else is a bug: logged and masked.
 * Apollo Server's own codes are here too, for requests it refuses before execution; graphql-ws gets the
 * same labels from server/ws.ts.
 */
export const EXPECTED_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  /** The database blinked (failover, restart): no bug of the request, which the client may retry. */
  'SERVICE_UNAVAILABLE',
  'QUERY_TOO_COMPLEX',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
] as const;

export type ExpectedErrorCode = (typeof EXPECTED_ERROR_CODES)[number];

/** `extensions.code` of GraphQL errors: everything that is not a userError. INTERNAL_SERVER_ERROR is what a masked bug shows. */
export type GraphQLErrorCode = ExpectedErrorCode | 'INTERNAL_SERVER_ERROR';

const expected: ReadonlySet<unknown> = new Set(EXPECTED_ERROR_CODES);

export const isExpectedCode = (code: unknown): code is ExpectedErrorCode => expected.has(code);

export function apiError(code: GraphQLErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'Sign in to do this.') => apiError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this.') => apiError('FORBIDDEN', message);
export const notFound = (what: string) => apiError('NOT_FOUND', `${what} not found.`);
export const badInput = (message: string, field?: string) =>
  apiError('BAD_USER_INPUT', message, field ? { field } : {});
