import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

export interface InstallationRow {
  sellerId: string;
  plugin: string;
  config: Record<string, unknown>;
}

/** `${plugin}:${sellerUuid}` → the installation, or null: one query per batch for every plugin field of a page. */
export function installationLoaders(db: DataSource) {
  return {
    pluginInstallation: new DataLoader<string, InstallationRow | null>(async (keys) => {
      const pairs = keys.map((k) => {
        const i = k.lastIndexOf(':');
        return [k.slice(0, i), k.slice(i + 1)] as const;
      });
      const rows: InstallationRow[] = await db.query(
        `SELECT i.seller_id AS "sellerId", i.plugin, i.config
           FROM plugin_installation i
           JOIN unnest($1::text[], $2::uuid[]) AS k(plugin, seller_id) ON k.plugin = i.plugin AND k.seller_id = i.seller_id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      const byKey = new Map(rows.map((r) => [`${r.plugin}:${r.sellerId}`, r]));
      return keys.map((k) => byKey.get(k) ?? null);
    }),
  };
}
