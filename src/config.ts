import { z } from 'zod';
import type { PubSubKind } from './pubsub/pubsub';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const flag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

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
  ZOCO_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').default('EUR'),
  ZOCO_MAX_DEPTH: z.coerce.number().int().min(2).default(12),
  ZOCO_MAX_COST: z.coerce.number().int().min(10).default(20_000),
  ZOCO_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  ZOCO_MAX_DIRECTIVES: z.coerce.number().int().min(1).default(50),
  ZOCO_MAX_TOKENS: z.coerce.number().int().min(100).default(2000),
  ZOCO_TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  ZOCO_PLUGINS: z
    .string()
    .regex(/^[a-z0-9@/._-]+(,[a-z0-9@/._-]+)*$/, 'must be a comma-separated list of plugin folders or npm packages, or "none"')
    .default('co-creation,loyalty-points,webhooks'),
  ZOCO_PUBSUB: z.enum(['memory', 'postgres', 'redis'], { message: 'must be memory, postgres or redis' }).default('memory'),
  ZOCO_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
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
  currency: string;
  limits: Limits;
  /**
   * A trusted-documents manifest (JSON: sha256 hex → document). When set, guests and customers may run
   * only its documents; seller keys and the operator keep free queries (server/trusted-documents.ts).
   */
  trustedDocuments?: string;
  /** Plugins offered to sellers: folders under plugins/ or npm package names. */
  pluginNames: string[];
  /** How subscriptions hear of events: `memory` for one instance, `postgres` or `redis` for several. */
  pubsub: PubSubKind;
  /** Needed when `pubsub` is `redis`. */
  redisUrl?: string;
  logLevel: (typeof logLevels)[number];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Their values never appear in errors (which end up in logs); a database URL may hold a password.
const SECRET_VARIABLES = new Set(['ZOCO_ADMIN_KEY', 'ZOCO_JWT_SECRET', 'DATABASE_URL', 'ZOCO_REDIS_URL']);

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
    currency: e.ZOCO_CURRENCY,
    limits: {
      maxDepth: e.ZOCO_MAX_DEPTH,
      maxCost: e.ZOCO_MAX_COST,
      maxAliases: e.ZOCO_MAX_ALIASES,
      maxDirectives: e.ZOCO_MAX_DIRECTIVES,
      maxTokens: e.ZOCO_MAX_TOKENS,
    },
    trustedDocuments: e.ZOCO_TRUSTED_DOCUMENTS,
    pluginNames: e.ZOCO_PLUGINS === 'none' ? [] : e.ZOCO_PLUGINS.split(','),
    pubsub: e.ZOCO_PUBSUB,
    redisUrl: e.ZOCO_REDIS_URL,
    logLevel: e.LOG_LEVEL,
  };
}
