import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { PubSubKind } from './pubsub/pubsub';
import { OWASP_SCRYPT, type ScryptParams } from './auth/passwords';

/** Test hook (NODE_ENV=test only): where the process kills itself during a checkout, to test recovery. */
export const crashPoints = ['after-authorize', 'after-commit', 'after-capture'] as const;
export type CrashPoint = (typeof crashPoints)[number];

/**
 * The matches a search reads at most for its ranking and counts (src/modules/search README "Bounded work"): beyond
 * it, "over 1,000 results" (Amazon's "1-48 of over 1,000"). 10,000 before the popularity tiers. Beyond the limit a
 * search reads about this many rows whatever the catalog's size; at 1M products, bench:growth's search mix ran at 0.33x
 * the 5k catalog's throughput with 1,000, 0.47x with 250, 0.13x with 1,000 and no tiers (bench/RESULTS.md section `search-tiers`).
 */
export const DEFAULT_SEARCH_EXACT_LIMIT = 1_000;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const flag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

/**
 * Shopify-style leaky buckets of cost points (issue 9), one per client: a customer, a seller key, the
 * operator, a guest's address. A request's estimated cost must fit in what is left of its bucket; what
 * it spends leaks back at the restore rate, points per second. The operator shares the sellers' sizes.
 */
export interface ThrottleConfig {
  enabled: boolean;
  /** Guests and customers. */
  bucketSize: number;
  restoreRate: number;
  /** Seller keys and the operator: integrations do bulk work. */
  sellerBucketSize: number;
  sellerRestoreRate: number;
  /** Where the buckets live: a table of the database, or Redis (`ZOCO_REDIS_URL`). */
  store: 'postgres' | 'redis';
  /** Prefix of the buckets' Redis keys, for deployments (or test apps) that share a Redis. */
  redisKeyPrefix: string;
}

export const THROTTLE_DEFAULTS: ThrottleConfig = {
  enabled: true,
  bucketSize: 20_000,
  restoreRate: 1_000,
  sellerBucketSize: 40_000,
  sellerRestoreRate: 2_000,
  store: 'postgres',
  redisKeyPrefix: 'zoco:',
};

function isAddressOrSubnet(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  if (rest.length || !isIP(address)) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (isIP(address) === 4 ? 32 : 128);
}

/** A browser's Origin: scheme, host and optional port, nothing else (RFC 6454). */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

const WORKERS_MESSAGE = 'must be a number from 1 to 64, or auto';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  ZOCO_DATABASE_WAIT_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).max(3600).default(30),
  ZOCO_DATA_DIR: z.string().min(1).default('.zoco'),
  ZOCO_EMBEDDED_PG_PORT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(65535).default(54329),
  ZOCO_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  ZOCO_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ZOCO_MIGRATE_ON_START: flag.default(true),
  ZOCO_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(60).max(3600).default(900),
  ZOCO_SESSION_TTL_DAYS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(365).default(30),
  ZOCO_SCRYPT_N: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(2 ** 14)
    .max(2 ** 22)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(OWASP_SCRYPT.N),
  ZOCO_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').default('EUR'),
  ZOCO_MAX_DEPTH: z.coerce.number().int().min(2).default(12),
  ZOCO_MAX_COST: z.coerce.number().int().min(10).default(20_000),
  ZOCO_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  ZOCO_THROTTLE: flag.default(true),
  ZOCO_THROTTLE_BUCKET: z.coerce.number({ message: 'must be a number' }).int().min(1).default(THROTTLE_DEFAULTS.bucketSize),
  ZOCO_THROTTLE_RESTORE_RATE: z.coerce.number({ message: 'must be a number' }).positive().default(THROTTLE_DEFAULTS.restoreRate),
  ZOCO_THROTTLE_SELLER_BUCKET: z.coerce.number({ message: 'must be a number' }).int().min(1).default(THROTTLE_DEFAULTS.sellerBucketSize),
  ZOCO_THROTTLE_SELLER_RESTORE_RATE: z.coerce.number({ message: 'must be a number' }).positive().default(THROTTLE_DEFAULTS.sellerRestoreRate),
  ZOCO_THROTTLE_STORE: z.enum(['postgres', 'redis'], { message: 'must be postgres or redis' }).default('postgres'),
  ZOCO_TRUSTED_PROXIES: z
    .string()
    .max(2000)
    .refine((v) => v.split(',').every(isAddressOrSubnet), 'must be a comma-separated list of IP addresses or CIDR subnets')
    .optional(),
  ZOCO_CORS_ORIGINS: z
    .string()
    .max(2000)
    .refine(
      (v) => v.trim() === '*' || v.split(',').every((o) => ORIGIN.test(o.trim())),
      'must be * or a comma-separated list of origins such as https://shop.example.com',
    )
    .optional(),
  ZOCO_INTROSPECTION: flag.optional(),
  ZOCO_QUERY_EDITOR: flag.optional(),
  ZOCO_MAX_DIRECTIVES: z.coerce.number().int().min(1).default(50),
  ZOCO_MAX_TOKENS: z.coerce.number().int().min(100).default(2000),
  ZOCO_TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  ZOCO_PLUGINS: z
    .string()
    .regex(/^[A-Za-z0-9@/._~-]+(,[A-Za-z0-9@/._~-]+)*$/, 'must be a comma-separated list of plugin folders, npm packages or package paths, or "none"')
    .default('co-creation,loyalty-points,webhooks'),
  // Default: memory for one process, postgres for several (loadConfig).
  ZOCO_PUBSUB: z.enum(['memory', 'postgres', 'redis'], { message: 'must be memory, postgres or redis' }).optional(),
  ZOCO_WORKERS: z
    .union([z.literal('auto'), z.coerce.number({ message: WORKERS_MESSAGE }).int(WORKERS_MESSAGE).min(1, WORKERS_MESSAGE).max(64, WORKERS_MESSAGE)], {
      message: WORKERS_MESSAGE,
    })
    .default(1),
  ZOCO_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  ZOCO_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(256, 'must be at most 256 characters').optional(),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  ZOCO_PAYMENT_RECOVERY_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0.1).max(86_400).default(30),
  ZOCO_SEARCH_EXACT_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1_000_000).default(DEFAULT_SEARCH_EXACT_LIMIT),
  ZOCO_SEARCH_TIER_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0.05).max(86_400).default(300),
  ZOCO_SEARCH_TOGETHER_FROM: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1_000_000).default(2),
  ZOCO_COMPLAINT_WINDOW_DAYS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(3650).default(30),
  ZOCO_COMPLAINT_SLA_HOURS: z.coerce.number({ message: 'must be a number' }).positive().max(8760).default(48),
  ZOCO_COMPLAINT_SWEEP_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0.05).max(86_400).default(60),
  ZOCO_COMPLAINT_SCHEDULER: flag.default(true),
  ZOCO_BACKGROUND: z
    .enum(['true', 'false', '1', '0', 'on', 'off'], { message: 'must be on or off' })
    .transform((v) => v === 'true' || v === '1' || v === 'on')
    .default(true),
  ZOCO_OFFER_DAILY_CAP: z.coerce.number({ message: 'must be a number' }).int().min(0).max(100).default(3),
  ZOCO_OFFER_TTL_HOURS: z.coerce.number({ message: 'must be a number' }).min(0.01).max(24 * 90).default(72),
  ZOCO_OFFER_VIEW_THRESHOLD: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100).default(3),
  ZOCO_OFFER_VIEW_WINDOW_HOURS: z.coerce.number({ message: 'must be a number' }).min(0.01).max(24 * 90).default(24),
  ZOCO_OFFER_CART_IDLE_MINUTES: z.coerce.number({ message: 'must be a number' }).min(0.01).max(60 * 24 * 30).default(60),
  ZOCO_TEST_CRASH_AT: z.enum(crashPoints, { message: `must be one of ${crashPoints.join(', ')}` }).optional(),
});

export interface Limits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  /** Directives per operation, fragments expanded. */
  maxDirectives: number;
  /** Lexical tokens per document, counted by the parser as it goes. */
  maxTokens: number;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Connection string; when absent the app runs an embedded PostgreSQL in `dataDir/pg`. */
  databaseUrl?: string;
  /** How long start-up waits for an unreachable database before failing, ms. */
  databaseWaitMs: number;
  dataDir: string;
  embeddedPgPort: number;
  /** Operator key; generated and stored in `dataDir` when unset outside production. */
  adminKey?: string;
  /** HS256 secret for customer tokens; generated and stored in `dataDir` when unset outside production. */
  jwtSecret?: string;
  migrateOnStart: boolean;
  /** Customer access tokens live this long; a refresh token renews them. */
  accessTokenTtlSeconds: number;
  /** A session (refresh-token family) ends this long after sign-in. */
  sessionTtlDays: number;
  /** scrypt parameters for new password hashes (OWASP's by default); older hashes are rehashed at login. */
  passwordHashing: ScryptParams;
  /** Behind a reverse proxy: the client's address is the last `X-Forwarded-For` hop, not the socket's. */
  currency: string;
  limits: Limits;
  throttle: ThrottleConfig;
  /**
   * Addresses or CIDR subnets of the reverse proxies in front of the app: only a request that comes from
   * one of them has its `X-Forwarded-For` believed. Empty: the socket's address is the client's.
   */
  trustedProxies: string[];
  /**
   * A trusted-documents manifest (JSON: sha256 hex → document). When set, guests and customers may run
   * only its documents; seller keys and the operator keep free queries (server/trusted-documents.ts).
   */
  trustedDocuments?: string;
  /**
   * Origins whose browser pages may call /graphql and the invoice PDFs (server/cors.ts): `*` for any
   * (no credentials), or exact origins. Default: any outside production, none in production.
   */
  corsOrigins: '*' | string[];
  /** Whether the schema answers introspection (`__schema`, `__type`); default: on outside production. */
  introspection: boolean;
  /** Whether /editor/ serves the query editor (query-editor.ts) and GET /graphql from a browser leads there; default: on outside production. */
  queryEditor: boolean;
  /** Plugins offered to sellers: folders under plugins/ or npm package names. */
  pluginNames: string[];
  /** How subscriptions hear of events: `memory` for one instance, `postgres` or `redis` for several. */
  pubsub: PubSubKind;
  /**
   * HTTP processes `zoco serve` runs on its one port (node:cluster, src/serve-cluster.ts); 1: today's
   * single process. `auto` is resolved here to the machine's available parallelism.
   */
  workers: number;
  /** Needed when `pubsub` or the throttle's store is `redis`. */
  redisUrl?: string;
  logLevel: (typeof logLevels)[number];
  /** In production, GET /metrics answers only with this bearer token (else 404); open in development and tests. */
  metricsToken?: string;
  /** Payments left pending or uncaptured (a crash) are settled once this old, by a sweep this often; ms. */
  paymentRecoveryMs: number;
  /**
   * Search (src/modules/search README "Bounded work"): up to this many matches a search counts its result
   * exactly and ranks every match; beyond it, totalCount and the facets count only candidates (lower bounds, flagged),
   * and RELEVANCE ranks them: this many matches of the most popular products when a popularity tier has more than
   * this many of them; otherwise (the full index) the first this many matches in the table's order plus the popular
   * ones among the rest (the largest used tier's, or the best sellers' walk with no tier in use): up to ~2× this many.
   */
  searchExactLimit: number;
  /** How often the search tier job ranks the searchable products by popularity (src/modules/search README "Bounded work"). */
  searchTierMs: number;
  /**
   * A RELEVANCE search with counts reads its page and its counts in one statement (one read of the candidates: less
   * database CPU) when at least this many searches are running in the process, itself included; below, in two
   * statements side by side (lower latency on an idle server). 1: always one statement.
   */
  searchTogetherFrom: number;
  /** Complaints (issue 11): how long after delivery (or expected delivery) a customer may complain. */
  complaintWindowDays: number;
  /** How long a seller has to answer a complaint before it is escalated to the operator. */
  complaintSlaHours: number;
  /** How often the deadline scheduler looks for overdue complaints, ms. */
  complaintSweepMs: number;
  /** Whether this process runs the deadline scheduler (`zoco serve` does by default). */
  complaintScheduler: boolean;
  /** Test hook, honoured only when `env` is `test`: the process SIGKILLs itself at this point of a checkout. */
  testCrashAt?: CrashPoint;
  /**
   * Whether this process runs the background work (outbox dispatcher, offer engine, plugin deliveries,
   * timers) next to the API; off in API instances when `zoco worker` processes do it (issue 16).
   */
  background: boolean;
  offers: OfferSettings;
}

/** Marketplace settings of the offer engine (issue 16). */
export interface OfferSettings {
  /** At most this many offers per customer per day (UTC); 0 turns offers off. */
  dailyCap: number;
  /** An offer expires this long after it is made, hours. */
  ttlHours: number;
  /** A product viewed this many times within `viewWindowHours` without buying it triggers an offer. */
  viewThreshold: number;
  viewWindowHours: number;
  /** A cart untouched this long triggers an offer for what is in it, minutes. */
  cartIdleMinutes: number;
}

function corsOrigins(value: string | undefined, env: AppConfig['env']): AppConfig['corsOrigins'] {
  if (value === undefined) return env === 'production' ? [] : '*';
  if (value.trim() === '*') return '*';
  // Browsers send the scheme and host in lower case.
  return value.split(',').map((o) => o.trim().toLowerCase());
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Their values never appear in errors (which end up in logs); a database URL may hold a password.
const SECRET_VARIABLES = new Set(['ZOCO_ADMIN_KEY', 'ZOCO_JWT_SECRET', 'DATABASE_URL', 'ZOCO_REDIS_URL', 'ZOCO_METRICS_TOKEN']);

/** Reads the configuration from environment variables, reporting every bad or missing value at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        const got = SECRET_VARIABLES.has(name) ? 'value hidden' : `got ${JSON.stringify(env[name])}`;
        return `${i.path.join('.')}: ${i.message} (${got})`;
      });
  if (given['NODE_ENV'] === 'production') {
    if (!given['ZOCO_JWT_SECRET']) problems.push('ZOCO_JWT_SECRET: required in production');
    if (!given['ZOCO_ADMIN_KEY']) problems.push('ZOCO_ADMIN_KEY: required in production');
    if (!given['DATABASE_URL']) problems.push('DATABASE_URL: required in production (the embedded database is for development)');
  }
  if (given['ZOCO_PUBSUB'] === 'redis' && !given['ZOCO_REDIS_URL']) problems.push('ZOCO_REDIS_URL: required when ZOCO_PUBSUB is redis');
  if (given['ZOCO_THROTTLE_STORE'] === 'redis' && !given['ZOCO_REDIS_URL']) problems.push('ZOCO_REDIS_URL: required when ZOCO_THROTTLE_STORE is redis');
  const workers = parsed.success ? (parsed.data.ZOCO_WORKERS === 'auto' ? availableParallelism() : parsed.data.ZOCO_WORKERS) : 1;
  if (given['ZOCO_PUBSUB'] === 'memory' && workers > 1) {
    problems.push(
      `ZOCO_PUBSUB: memory reaches the subscribers of one process only, and --workers ${workers} runs ${workers}: use postgres (the default with several workers) or redis`,
    );
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseWaitMs: e.ZOCO_DATABASE_WAIT_SECONDS * 1000,
    dataDir: e.ZOCO_DATA_DIR,
    embeddedPgPort: e.ZOCO_EMBEDDED_PG_PORT,
    adminKey: e.ZOCO_ADMIN_KEY,
    jwtSecret: e.ZOCO_JWT_SECRET,
    migrateOnStart: e.ZOCO_MIGRATE_ON_START,
    accessTokenTtlSeconds: e.ZOCO_ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlDays: e.ZOCO_SESSION_TTL_DAYS,
    passwordHashing: { ...OWASP_SCRYPT, N: e.ZOCO_SCRYPT_N },
    currency: e.ZOCO_CURRENCY,
    limits: {
      maxDepth: e.ZOCO_MAX_DEPTH,
      maxCost: e.ZOCO_MAX_COST,
      maxAliases: e.ZOCO_MAX_ALIASES,
      maxDirectives: e.ZOCO_MAX_DIRECTIVES,
      maxTokens: e.ZOCO_MAX_TOKENS,
    },
    throttle: {
      enabled: e.ZOCO_THROTTLE,
      bucketSize: e.ZOCO_THROTTLE_BUCKET,
      restoreRate: e.ZOCO_THROTTLE_RESTORE_RATE,
      sellerBucketSize: e.ZOCO_THROTTLE_SELLER_BUCKET,
      sellerRestoreRate: e.ZOCO_THROTTLE_SELLER_RESTORE_RATE,
      store: e.ZOCO_THROTTLE_STORE,
      redisKeyPrefix: THROTTLE_DEFAULTS.redisKeyPrefix,
    },
    trustedProxies: e.ZOCO_TRUSTED_PROXIES ? e.ZOCO_TRUSTED_PROXIES.split(',').map((p) => p.trim()) : [],
    trustedDocuments: e.ZOCO_TRUSTED_DOCUMENTS,
    corsOrigins: corsOrigins(e.ZOCO_CORS_ORIGINS, e.NODE_ENV),
    introspection: e.ZOCO_INTROSPECTION ?? e.NODE_ENV !== 'production',
    queryEditor: e.ZOCO_QUERY_EDITOR ?? e.NODE_ENV !== 'production',
    pluginNames: e.ZOCO_PLUGINS === 'none' ? [] : e.ZOCO_PLUGINS.split(','),
    workers,
    // Several processes: an event dispatched in one must reach a subscriber connected to another.
    pubsub: e.ZOCO_PUBSUB ?? (workers > 1 ? 'postgres' : 'memory'),
    redisUrl: e.ZOCO_REDIS_URL,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.ZOCO_METRICS_TOKEN,
    paymentRecoveryMs: e.ZOCO_PAYMENT_RECOVERY_SECONDS * 1000,
    searchExactLimit: e.ZOCO_SEARCH_EXACT_LIMIT,
    searchTierMs: e.ZOCO_SEARCH_TIER_SECONDS * 1000,
    searchTogetherFrom: e.ZOCO_SEARCH_TOGETHER_FROM,
    complaintWindowDays: e.ZOCO_COMPLAINT_WINDOW_DAYS,
    complaintSlaHours: e.ZOCO_COMPLAINT_SLA_HOURS,
    complaintSweepMs: e.ZOCO_COMPLAINT_SWEEP_SECONDS * 1000,
    complaintScheduler: e.ZOCO_COMPLAINT_SCHEDULER,
    testCrashAt: e.NODE_ENV === 'test' ? e.ZOCO_TEST_CRASH_AT : undefined,
    background: e.ZOCO_BACKGROUND,
    offers: {
      dailyCap: e.ZOCO_OFFER_DAILY_CAP,
      ttlHours: e.ZOCO_OFFER_TTL_HOURS,
      viewThreshold: e.ZOCO_OFFER_VIEW_THRESHOLD,
      viewWindowHours: e.ZOCO_OFFER_VIEW_WINDOW_HOURS,
      cartIdleMinutes: e.ZOCO_OFFER_CART_IDLE_MINUTES,
    },
  };
}
