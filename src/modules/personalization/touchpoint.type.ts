import { registerEnumType } from 'type-graphql';

export enum TouchpointEventType {
  PRODUCT_VIEWED = 'PRODUCT_VIEWED',
  SEARCH_PERFORMED = 'SEARCH_PERFORMED',
  LISTING_ADDED_TO_CART = 'LISTING_ADDED_TO_CART',
  CART_VIEWED = 'CART_VIEWED',
  CHECKOUT_STARTED = 'CHECKOUT_STARTED',
  PRODUCT_LIKED = 'PRODUCT_LIKED',
  PRODUCT_SHARED = 'PRODUCT_SHARED',
}
registerEnumType(TouchpointEventType, {
  name: 'TouchpointEventType',
  description: 'What a shopper did. Orders, cart lines and cancellations are recorded by the server itself.',
  valuesConfig: {
    PRODUCT_VIEWED: { description: 'Needs productId (or listingId).' },
    SEARCH_PERFORMED: { description: 'Needs searchText.' },
    LISTING_ADDED_TO_CART: { description: 'Needs listingId.' },
    PRODUCT_LIKED: { description: 'Needs productId (or listingId).' },
    PRODUCT_SHARED: { description: 'Needs productId (or listingId).' },
  },
});

export enum TouchpointChannel {
  WEB = 'WEB',
  MOBILE = 'MOBILE',
  STORE = 'STORE',
}
registerEnumType(TouchpointChannel, { name: 'TouchpointChannel', description: 'Where the shopper was: web, mobile app or a physical store.' });
