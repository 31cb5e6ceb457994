import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

export interface InstallationRow {
  sellerId: string;
  plugin: string;
  config: Record<string, unknown>;
  /** The permissions the seller accepted at install; null for installations older than that record (all declared ones). */
  acceptedPermissions: string[] | null;
}

/** What an installation lets the plugin do: its declared permissions the seller accepted. */
export function grantedPermissions<P extends string>(declared: readonly P[], row: InstallationRow): P[] {
  return row.acceptedPermissions ? declared.filter((p) => row.acceptedPermissions!.includes(p)) : [...declared];
}

/** The channel a trigger on plugin_installation notifies with `plugin:sellerUuid` (migration 1763940000000). */
export const INSTALLATION_CHANNEL = 'zoco_plugin_installation';

/** Beyond this many entries the cache starts over: it stays bounded whatever the number of sellers. */
const MAX_ENTRIES = 200_000;

const keyOf = (plugin: string, sellerId: string) => `${plugin}:${sellerId}`;
const splitKey = (key: string) => {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), key.slice(i + 1)] as const;
};

/**
 * Which sellers installed which plugin, shared by every request of the process: a plugin field on a
 * page of products asks for each object's seller, and installations change rarely. Answers (including
 * "not installed") are kept while the process listens to the trigger's notifications: this process's
 * own writes invalidate at once, other instances' within a notification's delay. While not listening
 * (no connection yet, or it was lost) nothing is kept and every answer comes from the database.
 * Lookups that miss are batched across all requests of a tick into one query.
 */
export class InstallationCache {
  private readonly known = new Map<string, InstallationRow | null>();
  /** Bumped by every invalidation: a query that overlapped one does not store its (maybe older) answer. */
  private generation = 0;
  private live = false;
  private readonly loader: DataLoader<string, InstallationRow | null>;
  private readonly memos = new WeakMap<InstallationRow, Map<unknown, unknown>>();

  constructor(db: DataSource) {
    this.loader = new DataLoader((keys) => this.fetch(db, keys), { cache: false });
  }

  /** The installation, null when not installed, undefined when unknown here (then use `load`). */
  peek(plugin: string, sellerId: string): InstallationRow | null | undefined {
    return this.known.get(keyOf(plugin, sellerId));
  }

  load(plugin: string, sellerId: string): Promise<InstallationRow | null> {
    const known = this.peek(plugin, sellerId);
    return known === undefined ? this.loader.load(keyOf(plugin, sellerId)) : Promise.resolve(known);
  }

  /**
   * A map that lives as long as this process knows the installation as it is: a reinstall, a new config,
   * an uninstall (with its purge) or a lost notification connection starts a new one. Null while the
   * installation isn't known here, or isn't installed.
   */
  memo(plugin: string, sellerId: string): Map<unknown, unknown> | null {
    const row = this.known.get(keyOf(plugin, sellerId));
    if (!row) return null;
    let memo = this.memos.get(row);
    if (!memo) {
      memo = new Map();
      this.memos.set(row, memo);
    }
    return memo;
  }

  /** After a write to one installation. */
  invalidate(plugin: string, sellerId: string): void {
    this.invalidateKey(keyOf(plugin, sellerId));
  }

  /** After the trigger's notification, whose payload is `plugin:sellerUuid`. */
  invalidateKey(key: string): void {
    this.generation++;
    this.known.delete(key);
  }

  /** Listening started (true) or stopped (false): either way, what was kept may be stale. */
  setLive(live: boolean): void {
    this.generation++;
    this.known.clear();
    this.live = live;
  }

  private async fetch(db: DataSource, keys: readonly string[]): Promise<(InstallationRow | null)[]> {
    const generation = this.generation;
    const unique = [...new Set(keys)];
    const pairs = unique.map(splitKey);
    const rows: InstallationRow[] = await db.query(
      `SELECT i.seller_id AS "sellerId", i.plugin, i.config, i.accepted_permissions AS "acceptedPermissions"
         FROM plugin_installation i
         JOIN unnest($1::text[], $2::uuid[]) AS k(plugin, seller_id) ON k.plugin = i.plugin AND k.seller_id = i.seller_id`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    const found = new Map<string, InstallationRow | null>(unique.map((k) => [k, null]));
    for (const row of rows) found.set(keyOf(row.plugin, row.sellerId), row);
    if (this.live && generation === this.generation) {
      if (this.known.size + found.size > MAX_ENTRIES) this.known.clear();
      for (const [key, row] of found) this.known.set(key, row);
    }
    return keys.map((k) => found.get(k)!);
  }
}
