import type { Context } from '../core/context';
import { PluginInstallationStatus, type PluginInstallation } from './installation.type';

export interface InstallationDbRow {
  plugin: string;
  config: Record<string, unknown>;
  installedAt: Date;
  lastError: string | null;
  lastErrorAt: Date | null;
  pendingRetries: number;
  acceptedPermissions: string[] | null;
}

export const INSTALLATION_SELECT = `SELECT i.plugin, i.config, i.installed_at AS "installedAt", i.last_error AS "lastError",
    i.last_error_at AS "lastErrorAt", i.accepted_permissions AS "acceptedPermissions",
    (SELECT count(*)::int FROM plugin_retry r WHERE r.plugin = i.plugin AND r.seller_id = i.seller_id) AS "pendingRetries"
  FROM plugin_installation i`;

export function toInstallation(ctx: Context, row: InstallationDbRow): PluginInstallation {
  return {
    ...row,
    acceptedPermissions: row.acceptedPermissions ?? [...(ctx.plugins.get(row.plugin)?.permissions ?? [])],
    version: ctx.plugins.get(row.plugin)?.version ?? 'unavailable',
    status: row.pendingRetries > 0 ? PluginInstallationStatus.FAILING : PluginInstallationStatus.ACTIVE,
  };
}
