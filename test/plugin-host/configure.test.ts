import { z } from 'zod';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { definePlugin } from '../../src/plugin';

/** Several settings with defaults, in a plain (not strict) zod object: the host refuses unknown settings itself. */
const settings = definePlugin({
  name: 'test-settings',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'A plugin with several settings (pluginConfigure tests).',
  config: z.object({
    label: z.string().min(1).max(20).default('Oferta'),
    limit: z.number().int().min(1).max(10).default(5),
    enabled: z.boolean().default(true),
  }),
  permissions: [],
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ plugins: [settings], migrateOnStart: true });
});
afterAll(() => t.stop());

const INSTALL = `mutation ($input: PluginInstallInput!) {
  pluginInstall(input: $input) { installation { config } userErrors { field message code } }
}`;
const CONFIGURE = `mutation ($input: PluginInstallInput!) {
  pluginConfigure(input: $input) { installation { config } userErrors { field message code } }
}`;
const CONFIG = '{ currentSeller { plugins { plugin config } } }';

async function stored(seller: TestSeller) {
  return (await t.data(CONFIG, {}, seller.key)).currentSeller.plugins[0].config;
}
const configure = async (seller: TestSeller, config: Record<string, unknown>) =>
  (await t.data(CONFIGURE, { input: { plugin: 'test-settings', config } }, seller.key)).pluginConfigure;

describe('pluginConfigure', () => {
  it('changes only the settings given; the others keep their values', async () => {
    const seller = await createSeller(t);
    const installed = await t.data(INSTALL, { input: { plugin: 'test-settings', config: { limit: 3 } } }, seller.key);
    expect(installed.pluginInstall).toEqual({ installation: { config: { label: 'Oferta', limit: 3, enabled: true } }, userErrors: [] });

    expect(await configure(seller, { label: 'Rebajas' })).toEqual({ installation: { config: { label: 'Rebajas', limit: 3, enabled: true } }, userErrors: [] });
    expect(await configure(seller, { enabled: false })).toEqual({ installation: { config: { label: 'Rebajas', limit: 3, enabled: false } }, userErrors: [] });
    expect(await configure(seller, {})).toEqual({ installation: { config: { label: 'Rebajas', limit: 3, enabled: false } }, userErrors: [] });
    expect(await stored(seller)).toEqual({ label: 'Rebajas', limit: 3, enabled: false });
  });

  it('refuses unknown settings and invalid values, naming them, and changes nothing', async () => {
    const seller = await createSeller(t);
    const install = await t.data(INSTALL, { input: { plugin: 'test-settings', config: { limt: 3 } } }, seller.key);
    expect(install.pluginInstall).toEqual({
      installation: null,
      userErrors: [{ field: ['input', 'config', 'limt'], message: 'test-settings has no setting "limt" (its settings: label, limit, enabled).', code: 'INVALID' }],
    });
    await t.data(INSTALL, { input: { plugin: 'test-settings', config: { limit: 7 } } }, seller.key);

    const unknown = await configure(seller, { label: 'Nuevo', colour: 'red', size: 2 });
    expect(unknown.installation).toBeNull();
    expect(unknown.userErrors.map((e: { field: string[] }) => e.field)).toEqual([
      ['input', 'config', 'colour'],
      ['input', 'config', 'size'],
    ]);
    expect(unknown.userErrors.every((e: { code: string }) => e.code === 'INVALID')).toBe(true);

    const invalid = await configure(seller, { limit: 99 });
    expect(invalid.userErrors).toEqual([{ field: ['input', 'config', 'limit'], message: expect.any(String), code: 'INVALID' }]);
    expect(await stored(seller)).toEqual({ label: 'Oferta', limit: 7, enabled: true });
  });

  it('keeps both of two concurrent changes of different settings', async () => {
    const seller = await createSeller(t);
    await t.data(INSTALL, { input: { plugin: 'test-settings' } }, seller.key);
    const [one, two] = await Promise.all([configure(seller, { label: 'Uno' }), configure(seller, { limit: 2 })]);
    expect([one.userErrors, two.userErrors]).toEqual([[], []]);
    expect(await stored(seller)).toEqual({ label: 'Uno', limit: 2, enabled: true });
  });
});
