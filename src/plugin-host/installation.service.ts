import { z } from 'zod';
import type { Context } from '../core/context';
import { withTransaction } from '../db/transaction';
import { actingSeller, sellerMay } from '../auth/guards';
import { ErrorCode, forbidden } from '../core/errors';
import { requireIdOf } from '../core/global-id';
import { UserErrors, fail, userError } from '../core/user-error';
import type { AnyPlugin } from './define-plugin';
import { pluginPermissionDescriptions } from './plugin-permissions';
import { INSTALLATION_SELECT, toInstallation, type InstallationDbRow } from './installation.rows';
import type { AvailablePlugin, PluginInstallation } from './installation.type';
import type { PluginInstallInput, PluginUninstallInput } from './installation.inputs';

export function availablePlugins(ctx: Context): AvailablePlugin[] {
  return [...ctx.plugins.values()].map((p) => ({
    name: p.name,
    version: p.version,
    description: p.description,
    permissions: [...p.permissions],
    permissionDescriptions: p.permissions.map((name) => ({ name, description: pluginPermissionDescriptions[name] })),
    configSchema: z.toJSONSchema(p.config, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>,
  }));
}

function pluginNamed(ctx: Context, name: string): AnyPlugin {
  const plugin = ctx.plugins.get(name);
  if (!plugin) fail('plugin', `No plugin "${name}" is offered here; see availablePlugins.`, ErrorCode.NOT_FOUND);
  return plugin;
}

/**
 * The settings a plugin's schema names, when it is a zod object (read by shape rather than instanceof:
 * a plugin from npm may bring its own copy of zod); null for any other schema, which then decides alone.
 */
function settingNames(plugin: AnyPlugin): Set<string> | null {
  const shape = (plugin.config as { shape?: unknown }).shape;
  return shape && typeof shape === 'object' ? new Set(Object.keys(shape)) : null;
}

/**
 * The config as the plugin's schema parses it; each problem a userError naming the field. A setting the
 * plugin does not have is an error, never silently dropped: a strict schema reports it in its own words,
 * and the host refuses what a plain one would strip.
 */
function parseConfig(plugin: AnyPlugin, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const parsed = plugin.config.safeParse(config ?? {});
  if (!parsed.success) {
    throw new UserErrors(
      parsed.error.issues.map((i) => userError(['input', 'config', ...i.path.map(String)], i.message, ErrorCode.INVALID)),
    );
  }
  const names = settingNames(plugin);
  const unknown = names ? Object.keys(config ?? {}).filter((key) => !names.has(key)) : [];
  if (unknown.length) {
    const known = [...(names ?? [])].join(', ') || 'none';
    throw new UserErrors(
      unknown.slice(0, 10).map((key) => userError(['input', 'config', key.slice(0, 100)], `${plugin.name} has no setting "${key.slice(0, 100)}" (its settings: ${known}).`, ErrorCode.INVALID)),
    );
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * The permissions the seller accepts: each one the plugin asks for (availablePlugins shows them) must be
 * among them, and nothing else; omitted, the seller accepts what the plugin asks for.
 */
function acceptedPermissions(plugin: AnyPlugin, given: string[] | undefined): string[] {
  if (given === undefined) return [...plugin.permissions];
  if (given.length > 20) fail('acceptPermissions', 'acceptPermissions can list at most 20 permissions.', ErrorCode.TOO_LONG);
  const unknown = given.filter((p) => !(plugin.permissions as readonly string[]).includes(p));
  if (unknown.length) {
    fail('acceptPermissions', `${plugin.name} does not ask for ${unknown.slice(0, 5).map((p) => JSON.stringify(p.slice(0, 50))).join(', ')} (it asks for: ${plugin.permissions.join(', ') || 'nothing'}).`, ErrorCode.INVALID);
  }
  const missing = plugin.permissions.filter((p) => !given.includes(p));
  if (missing.length) fail('acceptPermissions', `${plugin.name} needs ${missing.join(', ')}: accept every permission it asks for to install it.`, ErrorCode.INVALID);
  return [...new Set(given)];
}

function sellerOf(ctx: Context, sellerId: string | undefined): string {
  return actingSeller(ctx.viewer, sellerId ? requireIdOf(sellerId, 'Seller', 'sellerId') : undefined, 'plugins:write');
}

/** A seller's installations, with their settings: for the seller itself (a key with plugins:write) and the operator. */
export async function listInstallations(ctx: Context, sellerUuid: string): Promise<PluginInstallation[]> {
  if (!sellerMay(ctx.viewer, sellerUuid, 'plugins:write')) {
    throw forbidden(ctx.viewer.kind === 'seller' && ctx.viewer.sellerId === sellerUuid ? 'This API key lacks the plugins:write scope.' : 'Only the seller itself sees its plugins.');
  }
  const rows: InstallationDbRow[] = await ctx.db.query(`${INSTALLATION_SELECT} WHERE i.seller_id = $1 ORDER BY i.plugin`, [sellerUuid]);
  return rows.map((r) => toInstallation(ctx, r));
}

async function loadInstallation(ctx: Context, sellerId: string, plugin: string): Promise<PluginInstallation> {
  const [row]: InstallationDbRow[] = await ctx.db.query(`${INSTALLATION_SELECT} WHERE i.seller_id = $1 AND i.plugin = $2`, [sellerId, plugin]);
  return toInstallation(ctx, row!);
}

export async function installPlugin(ctx: Context, input: PluginInstallInput) {
  const sellerId = sellerOf(ctx, input.sellerId);
  const plugin = pluginNamed(ctx, input.plugin);
  const config = parseConfig(plugin, input.config);
  const accepted = acceptedPermissions(plugin, input.acceptPermissions);
  const rows = await ctx.db.query(
    `INSERT INTO plugin_installation (seller_id, plugin, config, accepted_permissions) VALUES ($1, $2, $3, $4)
     ON CONFLICT (seller_id, plugin) DO NOTHING RETURNING plugin`,
    [sellerId, plugin.name, JSON.stringify(config), accepted],
  );
  if (!rows.length) fail('plugin', `${plugin.name} is already installed; use pluginConfigure to change its settings.`, ErrorCode.TAKEN);
  ctx.installations.invalidate(plugin.name, sellerId);
  ctx.log.info({ plugin: plugin.name, sellerId }, 'plugin installed');
  return { installation: await loadInstallation(ctx, sellerId, plugin.name) };
}

/**
 * Changes only the settings given: they are merged over the stored ones (the others keep their values)
 * and the whole is validated again. Locked, so two concurrent changes of different settings both stay.
 */
export async function configurePlugin(ctx: Context, input: PluginInstallInput) {
  const sellerId = sellerOf(ctx, input.sellerId);
  const plugin = pluginNamed(ctx, input.plugin);
  await withTransaction(ctx, async ({ tx }) => {
    const [row]: { config: Record<string, unknown> | null }[] = await tx.query(
      'SELECT config FROM plugin_installation WHERE seller_id = $1 AND plugin = $2 FOR UPDATE',
      [sellerId, plugin.name],
    );
    if (!row) fail('plugin', `${plugin.name} is not installed.`, ErrorCode.NOT_FOUND);
    // Stored settings the plugin no longer has (after an upgrade) are dropped rather than refused.
    const names = settingNames(plugin);
    const stored = Object.fromEntries(Object.entries(row.config ?? {}).filter(([key]) => !names || names.has(key)));
    const config = parseConfig(plugin, { ...stored, ...input.config });
    await tx.query('UPDATE plugin_installation SET config = $3, updated_at = now() WHERE seller_id = $1 AND plugin = $2', [
      sellerId,
      plugin.name,
      JSON.stringify(config),
    ]);
  });
  ctx.installations.invalidate(plugin.name, sellerId);
  return { installation: await loadInstallation(ctx, sellerId, plugin.name) };
}

/**
 * Removes the installation. With `purge`, the plugin's rows for this seller go too (every table of the
 * plugin with a seller_id column); without, they stay for a later reinstall.
 */
export async function uninstallPlugin(ctx: Context, input: PluginUninstallInput) {
  const sellerId = sellerOf(ctx, input.sellerId);
  const plugin = pluginNamed(ctx, input.plugin);
  await withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const [, affected] = await tx.query('DELETE FROM plugin_installation WHERE seller_id = $1 AND plugin = $2', [sellerId, plugin.name]);
    if (!affected) fail('plugin', `${plugin.name} is not installed.`, ErrorCode.NOT_FOUND);
    await tx.query('DELETE FROM plugin_retry WHERE seller_id = $1 AND plugin = $2', [sellerId, plugin.name]);
    await tx.query('DELETE FROM plugin_delivery WHERE seller_id = $1 AND plugin = $2', [sellerId, plugin.name]);
    if (!input.purge) return;
    // Children first: entities are listed parents first by convention, so delete in reverse.
    for (const entity of [...(plugin.entities ?? [])].reverse()) {
      const meta = tx.connection.getMetadata(entity);
      const column = meta.findColumnWithPropertyName('sellerId');
      if (column) await tx.query(`DELETE FROM "${meta.tableName}" WHERE "${column.databaseName}" = $1`, [sellerId]);
    }
  });
  ctx.installations.invalidate(plugin.name, sellerId);
  ctx.log.info({ plugin: plugin.name, sellerId, purge: input.purge }, 'plugin uninstalled');
  return { plugin: plugin.name, purged: input.purge };
}
