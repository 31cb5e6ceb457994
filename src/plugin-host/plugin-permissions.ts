/** What a plugin may read or change beyond its own tables, for the sellers that installed it. */
export const pluginPermissions = ['catalog:read', 'catalog:write', 'orders:read', 'customers:read', 'offers:propose'] as const;
export type PluginPermission = (typeof pluginPermissions)[number];

/** What each permission lets a plugin do, as availablePlugins shows it before a seller accepts it. */
export const pluginPermissionDescriptions: Record<PluginPermission, string> = {
  'catalog:read': 'Read the products you created or list.',
  'catalog:write': 'Create products with your listing of them.',
  'orders:read': 'Read your orders and their lines (amounts, products, listings, per-line options).',
  'customers:read': 'Read the name of customers who bought from you, and their email where they consented to share it.',
  'offers:propose': 'Propose offers of your products to customers; the offer engine decides, under the personalization consent and the daily cap.',
};
