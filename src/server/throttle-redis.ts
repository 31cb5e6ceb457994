import { Redis, ReplyError } from 'ioredis';
import type { Logger } from 'pino';
import type { BucketBackend, BucketState } from './throttle-store';

// The same bucket as PostgreSQL's (throttle-store.ts), as a hash { level, at } leaking from Redis's clock,
// which every instance shares. Numbers go back as strings: Redis truncates a script's numbers to integers.
// KEYS[1] the bucket; ARGV cost, refund, capacity, restore rate.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cost, refund, capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = 0
if b[1] then level = math.max(0, tonumber(b[1]) - refund - rate * math.max(0, now - tonumber(b[2]))) end
local accepted = level + cost <= capacity
if accepted then level = level + cost end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
-- Empty again after level / rate seconds: then the key says nothing and may go.
redis.call('EXPIRE', KEYS[1], math.ceil(level / rate) + 60)
return { tostring(level), accepted and 1 or 0 }`;

// KEYS[1] the bucket; ARGV points given back.
const REFUND = `
local level = redis.call('HGET', KEYS[1], 'level')
if level then redis.call('HSET', KEYS[1], 'level', tostring(math.max(0, tonumber(level) - tonumber(ARGV[1])))) end
return 0`;

type Scripted = Redis & {
  zocoThrottleTake(key: string, cost: number, refund: number, capacity: number, rate: number): Promise<[string, number]>;
  zocoThrottleRefund(key: string, points: number): Promise<number>;
};

/** Redis could not be reached (as opposed to an error of the script): the throttle lets the request through. */
export class BucketsUnavailable extends Error {
  override name = 'BucketsUnavailable';
}

/** Buckets in Redis (`ZOCO_THROTTLE_STORE=redis`): one script call per operation; keys expire once their bucket is empty. */
export function redisBuckets(redisUrl: string, keyPrefix: string, log: Logger): BucketBackend {
  // Never a slow server: while Redis is away a request is not queued behind its reconnection but let through
  // (BucketsUnavailable), and a Redis that hangs answers within a second.
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, commandTimeout: 1_000, maxRetriesPerRequest: 1 }) as Scripted;
  redis.on('error', (err) => log.warn({ err }, 'throttle redis connection error'));
  // ioredis sends EVALSHA, and the script itself only when Redis does not know it yet.
  redis.defineCommand('zocoThrottleTake', { numberOfKeys: 1, lua: TAKE });
  redis.defineCommand('zocoThrottleRefund', { numberOfKeys: 1, lua: REFUND });
  const key = (client: string) => `${keyPrefix}throttle:${client}`;
  return {
    async take(client, cost, refund, { capacity, restoreRate }): Promise<BucketState> {
      let reply: [string, number];
      try {
        reply = await redis.zocoThrottleTake(key(client), cost, refund, capacity, restoreRate);
      } catch (err) {
        if (err instanceof ReplyError) throw err;
        throw new BucketsUnavailable(err instanceof Error ? err.message : String(err), { cause: err });
      }
      const [level, accepted] = reply;
      return { level: Number(level), accepted: accepted === 1 };
    },
    async refund(clients, points) {
      const pipeline = redis.pipeline() as unknown as { zocoThrottleRefund(key: string, points: number): void; exec(): Promise<unknown> };
      for (const [i, client] of clients.entries()) pipeline.zocoThrottleRefund(key(client), points[i]!);
      await pipeline.exec();
    },
    ready: () =>
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            redis.once('ready', resolve);
            redis.once('error', reject);
          }),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
