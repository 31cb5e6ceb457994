import { createContext } from '../../src/core/context';
import { HOOK_TRANSACTION, withTransaction } from '../../src/db/transaction';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Event handlers' transactions commit asynchronously (src/db/transaction.ts TransactionOptions.asyncCommit); a
// request's own transactions, and the connection afterwards, keep the server's synchronous commit.
describe('withTransaction asyncCommit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  const setting = async (options?: typeof HOOK_TRANSACTION) =>
    withTransaction(
      createContext(t.app.services, { kind: 'admin' }, 'test'),
      async (ctx) => {
        const [row] = await ctx.tx.query(`SELECT current_setting('synchronous_commit') AS value`);
        await ctx.tx.query('CREATE TEMP TABLE IF NOT EXISTS hook_probe (n int) ON COMMIT DELETE ROWS');
        await ctx.tx.query('INSERT INTO hook_probe VALUES (1)');
        const [{ inside }] = await ctx.tx.query('SELECT count(*)::int AS inside FROM hook_probe');
        return { value: row.value as string, inside: inside as number };
      },
      options,
    );

  it('turns synchronous commit off for a hook transaction only, and still runs it as one transaction', async () => {
    expect(await setting(HOOK_TRANSACTION)).toEqual({ value: 'off', inside: 1 });
    expect(await setting()).toEqual({ value: 'on', inside: 1 });
    // Many in a row: SET LOCAL ends with each transaction, whatever pooled connection ran it.
    const values = await Promise.all(Array.from({ length: 30 }, (_, i) => setting(i % 2 ? HOOK_TRANSACTION : undefined)));
    expect(values.map((v) => v.value)).toEqual(values.map((_, i) => (i % 2 ? 'off' : 'on')));
    const [{ value }] = await t.sql(`SELECT current_setting('synchronous_commit') AS value`);
    expect(value).toBe('on');
  });

  it('rolls a failed hook transaction back', async () => {
    await expect(
      withTransaction(
        createContext(t.app.services, { kind: 'admin' }, 'test'),
        async (ctx) => {
          await ctx.tx.query('CREATE TABLE hook_rollback_probe (n int)');
          throw new Error('handler failed');
        },
        HOOK_TRANSACTION,
      ),
    ).rejects.toThrow('handler failed');
    const [{ exists }] = await t.sql(`SELECT to_regclass('hook_rollback_probe') IS NOT NULL AS exists`);
    expect(exists).toBe(false);
  });
});
