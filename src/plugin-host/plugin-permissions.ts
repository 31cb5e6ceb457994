/** What a plugin may read or change beyond its own tables, for the sellers that installed it. */
export const pluginPermissions = ['catalog:read', 'catalog:write', 'orders:read', 'customers:read', 'offers:propose'] as const;
export type PluginPermission = (typeof pluginPermissions)[number];
