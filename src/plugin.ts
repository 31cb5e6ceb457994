/**
 * The plugin API (`zoco/plugin`): everything a plugin may import from Zoco. Plugins write their
 * resolvers with type-graphql and their tables with TypeORM, and reach core data only through the
 * scope this API hands them (see plugins/README.md).
 */
import { idOf as coreIdOf, requireIdOf as coreRequireIdOf, toGlobalId as coreToGlobalId, type NodeType } from './core/global-id';

export {
  definePlugin,
  tablePrefix,
  PLUGIN_API_VERSION,
  pluginPermissions,
  type Plugin,
  type PluginDefinition,
  type PluginPermission,
  type PluginEvent,
  type PluginEvents,
  type PluginEventHandler,
  type PluginEventHandlers,
  type PluginWideScope,
  type SellerlessEventType,
  type PluginAdjustmentResult,
} from './plugin-host/define-plugin';
export type { PluginContext, PluginHandle, PluginInstallationView } from './plugin-host/plugin-context';
export {
  PluginScopeError,
  type PluginScope,
  type ScopedTable,
  type ScopedOrder,
  type ScopedOrderLine,
  type ScopedListing,
  type ScopedProduct,
  type ScopedProductInput,
} from './plugin-host/plugin-scope';
export { perRequest } from './plugin-host/per-request';
export type { PluginPrivacy, PrivacyScope, PrivacyTable } from './plugin-host/plugin-privacy';
export type { DomainEvent, EventPayloads, EventType } from './events/event-types';
export type { PublishedEvent } from './pubsub/pubsub';
export { Payload, payload } from './core/payload';
export { UserError, UserErrors, fail, userError } from './core/user-error';
export { ErrorCode, badInput, forbidden, notFound, unauthenticated } from './core/errors';
export { Money, MoneyInput } from './core/money';
export { Node } from './core/node';
/** A core node type (checked by the compiler) or one a plugin declares in its `nodes`. */
export type NodeTypeName = NodeType | (string & {});
/** The opaque global ID of a core object or of a plugin's own node type (`toGlobalId('GiftWrapChoice', uuid)`). */
export const toGlobalId = coreToGlobalId as (type: NodeTypeName, id: string) => string;
/** The uuid inside a global ID of the expected type, or null. */
export const idOf = coreIdOf as (globalId: string, type: NodeTypeName) => string | null;
/** Like idOf for query arguments: a malformed ID is a BAD_USER_INPUT GraphQL error. */
export const requireIdOf = coreRequireIdOf as (globalId: string, type: NodeTypeName, field?: string) => string;
export { PageArgs, connectionType, encodeCursor, decodeKeyset, checkPageSize, toConnection } from './core/connection';
export { Validator } from './core/validate';
export { mayContactBuyer, requireCustomer, requireSeller, sellerMay } from './auth/guards';
export { sellerScopes, type SellerScope } from './auth/viewer';
export { Customer } from './modules/customers/customer.type';
export { Seller } from './modules/sellers/seller.type';
export { Product } from './modules/catalog/product.type';
export { Listing } from './modules/catalog/listing.type';
export { Order, OrderLine } from './modules/orders/order.type';
export { Cart, CartLine } from './modules/carts/cart.type';
export type { AdjustableGroup, AdjustableLine, Adjustment, AdjustmentResult, AdjustmentWarning } from './core/adjustments';
