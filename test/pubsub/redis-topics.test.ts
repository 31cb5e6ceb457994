import { randomUUID } from 'node:crypto';
import type { PublishedEvent } from '../../src/pubsub/pubsub';
import { offersTopic } from '../../src/pubsub/topic-router';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';

// Redis is optional on a developer machine; CI's second pass sets ZOCO_TEST_REDIS_URL to the machine's.
const redisUrl = process.env['ZOCO_TEST_REDIS_URL'];

(redisUrl ? describe : describe.skip)('per-recipient topics over Redis', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    one = await startTestApp({ migrateOnStart: true, pubsub: 'redis', redisUrl });
    two = await startTestApp({ pubsub: 'redis', redisUrl }, { sharing: one });
  }, 60_000);
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('hears, once `heard` resolved, what another instance publishes at once (the offers replay reads only then)', async () => {
    const topics = Array.from({ length: 50 }, () => offersTopic(randomUUID()));
    const got = new Set<string>();
    const stops: (() => void)[] = [];
    for (const topic of topics) {
      stops.push(one.app.services.topics.listen(topic, (event) => got.add((event.payload as unknown as { topic: string }).topic)));
      await one.app.services.topics.heard(topic);
      // Published right away by the other instance: before the fix, Redis could get it before the SUBSCRIBE.
      const event: PublishedEvent = { id: 1, type: 'offers.created', payload: { topic }, createdAt: new Date().toISOString() } as unknown as PublishedEvent;
      two.app.runtime.pubSub.pubSub.publish(topic, event);
    }
    await until(() => got.size === topics.length, 'every topic heard', 10_000).catch(() => undefined);
    expect([...got].sort()).toEqual([...topics].sort());
    for (const stop of stops) stop();
  });
});
