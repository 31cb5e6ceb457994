/**
 * The plugin API (`zoco/plugin`): everything a plugin may import from Zoco. Plugins write their
 * resolvers with type-graphql and their tables with TypeORM, and reach core data only through the
 * scope this API hands them (see plugins/README.md).
 */
export {
  definePlugin,
  tablePrefix,
  PLUGIN_API_VERSION,
  pluginPermissions,
  type Plugin,
  type PluginDefinition,
  type PluginPermission,
  type PluginEventHandler,
} from './plugin-host/define-plugin';
export {
  PluginScopeError,
  type PluginScope,
  type ScopedTable,
  type ScopedOrder,
  type ScopedProduct,
  type ScopedProductInput,
} from './plugin-host/plugin-scope';
export { perRequest } from './plugin-host/per-request';
export type { PluginPrivacy, PrivacyScope, PrivacyTable } from './plugin-host/plugin-privacy';
export type { Context } from './core/context';
export type { AdjustableGroup, AdjustableLine, Adjustment, AdjustmentResult, AdjustmentWarning } from './core/adjustments';
export type { DomainEvent, EventPayloads, EventType } from './events/event-types';
export type { PublishedEvent } from './pubsub/pubsub';
export { Payload, payload } from './core/payload';
export { UserError, UserErrors, fail, userError } from './core/user-error';
export { ErrorCode, badInput, forbidden, notFound, unauthenticated } from './core/errors';
export { Money, MoneyInput } from './core/money';
export { Node } from './core/node';
export { idOf, requireIdOf, toGlobalId } from './core/global-id';
export { PageArgs, connectionType, encodeCursor, decodeKeyset, checkPageSize, toConnection } from './core/connection';
export { Validator } from './core/validate';
export { mayContactBuyer, requireCustomer, requireSeller, sellerMay } from './auth/guards';
export { sellerScopes, type SellerScope } from './auth/viewer';
export { Customer } from './modules/customers/customer.type';
export { Seller } from './modules/sellers/seller.type';
export { Product } from './modules/catalog/product.type';
export { Listing } from './modules/catalog/listing.type';
export { Order } from './modules/orders/order.type';
