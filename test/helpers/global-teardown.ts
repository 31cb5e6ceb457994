import { dropDatabase } from '../../src/db/databases';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.zocoTestDb;
  if (!state) return;
  await dropDatabase(state.serverUrl, state.template).catch(() => undefined);
  await state.embedded?.stop();
}
