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
      currency: 'EUR',
      limits: { maxDepth: 12, maxCost: 20_000, maxAliases: 30, maxDirectives: 50, maxTokens: 2000 },
      trustedDocuments: undefined,
      pluginNames: ['co-creation', 'loyalty-points', 'webhooks'],
      pubsub: 'memory',
      redisUrl: undefined,
      logLevel: 'info',
    });
    expect(loadConfig({ ZOCO_PLUGINS: 'none' }).pluginNames).toEqual([]);
    expect(loadConfig({ ZOCO_PLUGINS: 'webhooks,@acme/zoco-gift-wrap' }).pluginNames).toEqual(['webhooks', '@acme/zoco-gift-wrap']);
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
