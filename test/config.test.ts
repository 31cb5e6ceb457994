import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../src/config';

/** The problems loadConfig reports for `env`; fails when it does not throw a ConfigError. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted the environment');
}

const PRODUCTION = {
  NODE_ENV: 'production',
  ZOCO_JWT_SECRET: 'a-production-jwt-secret-of-40-characters!',
  ZOCO_ADMIN_KEY: 'a-production-operator-key-0123',
  DATABASE_URL: 'postgres://zoco:pw@db.internal:5432/zoco',
};

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      port: 4000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      databaseWaitMs: 30_000,
      dataDir: '.zoco',
      embeddedPgPort: 54329,
      adminKey: undefined,
      jwtSecret: undefined,
      migrateOnStart: true,
      accessTokenTtlSeconds: 900,
      sessionTtlDays: 30,
      passwordHashing: { N: 2 ** 17, r: 8, p: 1 },
      currency: 'EUR',
      limits: { maxDepth: 12, maxCost: 20_000, maxAliases: 30, maxDirectives: 50, maxTokens: 2000 },
      throttle: {
        enabled: true,
        bucketSize: 20_000,
        restoreRate: 1_000,
        sellerBucketSize: 40_000,
        sellerRestoreRate: 2_000,
        store: 'postgres',
        redisKeyPrefix: 'zoco:',
      },
      trustedProxies: [],
      trustedDocuments: undefined,
      corsOrigins: '*',
      introspection: true,
      queryEditor: true,
      pluginNames: ['co-creation', 'loyalty-points', 'webhooks'],
      workers: 1,
      pubsub: 'memory',
      redisUrl: undefined,
      logLevel: 'info',
      paymentRecoveryMs: 30_000,
      searchExactLimit: 1_000,
      searchTierMs: 300_000,
      searchTogetherFrom: 2,
      complaintWindowDays: 30,
      complaintSlaHours: 48,
      complaintSweepMs: 60_000,
      complaintScheduler: true,
      testCrashAt: undefined,
      background: true,
      offers: { dailyCap: 3, ttlHours: 72, viewThreshold: 3, viewWindowHours: 24, cartIdleMinutes: 60 },
    });
    expect(loadConfig({ ZOCO_PLUGINS: 'none' }).pluginNames).toEqual([]);
    expect(loadConfig({ ZOCO_BACKGROUND: 'off', ZOCO_OFFER_DAILY_CAP: '0' })).toMatchObject({ background: false, offers: { dailyCap: 0 } });
    expect(() => loadConfig({ ZOCO_OFFER_DAILY_CAP: '1000' })).toThrow(/ZOCO_OFFER_DAILY_CAP/);
    expect(() => loadConfig({ ZOCO_SCRYPT_N: '100000' })).toThrow(/ZOCO_SCRYPT_N: must be a power of two/);
    expect(loadConfig({ ZOCO_SCRYPT_N: '65536' })).toMatchObject({ passwordHashing: { N: 65536 } });
    expect(loadConfig({ ZOCO_PLUGINS: 'webhooks,@acme/zoco-gift-wrap' }).pluginNames).toEqual(['webhooks', '@acme/zoco-gift-wrap']);
  });

  it('honours the crash test hook only with NODE_ENV=test', () => {
    expect(loadConfig({ ZOCO_TEST_CRASH_AT: 'after-commit' }).testCrashAt).toBeUndefined();
    expect(loadConfig({ ...PRODUCTION, ZOCO_TEST_CRASH_AT: 'after-commit' }).testCrashAt).toBeUndefined();
    expect(loadConfig({ ZOCO_TEST_CRASH_AT: 'after-commit', NODE_ENV: 'test' }).testCrashAt).toBe('after-commit');
  });

  it('reads and converts the variables, treating empty ones as unset', () => {
    const config = loadConfig({ PORT: '8080', ZOCO_MIGRATE_ON_START: 'false', ZOCO_MAX_DEPTH: '5', LOG_LEVEL: 'debug', HOST: '' });
    expect(config).toMatchObject({ port: 8080, migrateOnStart: false, limits: { maxDepth: 5 }, logLevel: 'debug', host: '0.0.0.0' });
  });

  it('reports every bad value at once, each with its variable name', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', ZOCO_JWT_SECRET: 'too-short' });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: must be a number \(got "abc"\)$/),
        expect.stringMatching(/^LOG_LEVEL: must be one of fatal, error.* \(got "loud"\)$/),
        expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/),
        expect.stringMatching(/^ZOCO_JWT_SECRET: must be at least 32 characters/),
      ]),
    );
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/Invalid configuration:\n {2}- PORT/);
  });

  it('takes a pubsub for several instances, and a Redis URL with the redis one', () => {
    expect(loadConfig({ ZOCO_PUBSUB: 'postgres' }).pubsub).toBe('postgres');
    expect(loadConfig({ ZOCO_PUBSUB: 'redis', ZOCO_REDIS_URL: 'redis://cache:6379' })).toMatchObject({ pubsub: 'redis', redisUrl: 'redis://cache:6379' });
    expect(problemsOf({ ZOCO_PUBSUB: 'redis' })).toEqual(['ZOCO_REDIS_URL: required when ZOCO_PUBSUB is redis']);
    expect(problemsOf({ ZOCO_PUBSUB: 'kafka', ZOCO_REDIS_URL: 'http://user:s3cret@cache' })).toEqual([
      'ZOCO_PUBSUB: must be memory, postgres or redis (got "kafka")',
      'ZOCO_REDIS_URL: must be a redis:// URL (value hidden)',
    ]);
  });

  it('runs several workers with a pubsub that crosses processes, and refuses the in-memory one for them', () => {
    expect(loadConfig({ ZOCO_WORKERS: '3' })).toMatchObject({ workers: 3, pubsub: 'postgres' });
    expect(loadConfig({ ZOCO_WORKERS: '2', ZOCO_PUBSUB: 'redis', ZOCO_REDIS_URL: 'redis://cache:6379' })).toMatchObject({ workers: 2, pubsub: 'redis' });
    expect(loadConfig({ ZOCO_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(loadConfig({ ZOCO_WORKERS: '1', ZOCO_PUBSUB: 'memory' })).toMatchObject({ workers: 1, pubsub: 'memory' });
    expect(problemsOf({ ZOCO_WORKERS: '2', ZOCO_PUBSUB: 'memory' })).toEqual([
      'ZOCO_PUBSUB: memory reaches the subscribers of one process only, and --workers 2 runs 2: use postgres (the default with several workers) or redis',
    ]);
    expect(problemsOf({ ZOCO_WORKERS: '0' })).toEqual(['ZOCO_WORKERS: must be a number from 1 to 64, or auto (got "0")']);
    expect(problemsOf({ ZOCO_WORKERS: 'many' })).toEqual(['ZOCO_WORKERS: must be a number from 1 to 64, or auto (got "many")']);
  });

  it('reads the throttle and the trusted proxies', () => {
    expect(loadConfig({ ZOCO_THROTTLE: 'false', ZOCO_THROTTLE_BUCKET: '500', ZOCO_THROTTLE_SELLER_RESTORE_RATE: '2.5' }).throttle).toEqual({
      enabled: false,
      bucketSize: 500,
      restoreRate: 1_000,
      sellerBucketSize: 40_000,
      sellerRestoreRate: 2.5,
      store: 'postgres',
      redisKeyPrefix: 'zoco:',
    });
    expect(loadConfig({ ZOCO_THROTTLE_STORE: 'redis', ZOCO_REDIS_URL: 'redis://cache:6379' }).throttle.store).toBe('redis');
    expect(problemsOf({ ZOCO_THROTTLE_STORE: 'redis' })).toEqual(['ZOCO_REDIS_URL: required when ZOCO_THROTTLE_STORE is redis']);
    expect(loadConfig({ ZOCO_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.2,::1,fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.2', '::1', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8', '10.0.0.0/', '::1/129']) {
      expect(problemsOf({ ZOCO_TRUSTED_PROXIES: bad })).toEqual([expect.stringMatching(/^ZOCO_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR subnets/)]);
    }
    expect(problemsOf({ ZOCO_THROTTLE_RESTORE_RATE: '0' })).toEqual([expect.stringMatching(/^ZOCO_THROTTLE_RESTORE_RATE:/)]);
  });

  it('does not echo secrets in its errors', () => {
    const problems = problemsOf({ ZOCO_JWT_SECRET: 'hunter2-secret', ZOCO_ADMIN_KEY: 'short-admin', DATABASE_URL: 'mysql://u:pa55word@h/db' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toMatch(/hunter2|short-admin|pa55word/);
  });

  it('requires the JWT secret, the operator key and a database URL in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^ZOCO_JWT_SECRET: required in production/),
      expect.stringMatching(/^ZOCO_ADMIN_KEY: required in production/),
      expect.stringMatching(/^DATABASE_URL: required in production/),
    ]);
    const { ZOCO_ADMIN_KEY: _omitted, ...withoutKey } = PRODUCTION;
    expect(problemsOf(withoutKey)).toEqual([expect.stringMatching(/^ZOCO_ADMIN_KEY: required/)]);
    expect(loadConfig(PRODUCTION)).toMatchObject({ env: 'production', databaseUrl: PRODUCTION.DATABASE_URL });
  });

  it('reports missing production settings together with bad values', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'abc' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'ZOCO_JWT_SECRET', 'ZOCO_ADMIN_KEY', 'DATABASE_URL']);
  });
});
