import { z } from 'zod';
import { definePlugin } from 'zoco/plugin';
import type { MigrationInterface } from 'typeorm';
import { startTestApp } from '../helpers/test-app';
import { GiftWrapRequest } from './gift-wrap/gift-wrap.entity';
import {
  GiftWrapAltersProduct1800000000001,
  GiftWrapTables1800000000000,
  GiftWrapTriggersOnCore1800000000003,
  GiftWrapWritesOrders1800000000002,
} from './gift-wrap/gift-wrap.migrations';

function withMigrations(...migrations: (new () => MigrationInterface)[]) {
  return definePlugin({
    name: 'gift-wrap',
    version: '1.0.0',
    compatibility: '^1.0.0',
    description: 'migrations under test',
    config: z.object({}),
    permissions: [],
    entities: [GiftWrapRequest],
    migrations,
  });
}

/** The app with `plugin` offered, migrating on start; what stopped it, or null when it started. */
async function bootError(plugin: ReturnType<typeof withMigrations>): Promise<string | null> {
  try {
    const t = await startTestApp({ plugins: [plugin], migrateOnStart: true });
    const [{ present }] = await t.app.dataSource.query(`SELECT to_regclass('gift_wrap_request') IS NOT NULL AS present`);
    await t.stop();
    return present ? null : 'the table is missing';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('plugin migrations may create and change only objects with the plugin prefix', () => {
  it('runs a migration that stays within the prefix', async () => {
    expect(await bootError(withMigrations(GiftWrapTables1800000000000))).toBeNull();
  });

  it.each([
    ['alters a core table', GiftWrapAltersProduct1800000000001, /changes relation product/],
    ['writes rows of a core table', GiftWrapWritesOrders1800000000002, /writes rows of "orders"/],
    ['puts a trigger on a core table', GiftWrapTriggersOnCore1800000000003, /creates trigger gift_wrap_touch on listing/],
  ])('refuses the plugin at boot when a migration %s', async (_what, bad, message) => {
    const error = await bootError(withMigrations(GiftWrapTables1800000000000, bad));
    expect(error).toMatch(/plugin "gift-wrap": migration GiftWrap\w+ may create and change only objects named gift_wrap_…/);
    expect(error).toMatch(message);
  });
});
