/** Who is asking. Every service method receives it through the context and decides with it. */
export type Viewer =
  | { kind: 'guest' }
  | {
      kind: 'customer';
      customerId: string;
      /** The session (refresh-token family) of the access token. */
      sessionId?: string;
      /** The access token's customer token version and expiry: an open WebSocket is closed when either lapses. */
      token?: { version: number; expiresAt: Date };
    }
  | { kind: 'seller'; sellerId: string; keyId: string; scopes: ReadonlySet<SellerScope> }
  | { kind: 'admin' };

/**
 * What a seller API key may do beyond what a guest can (issue 9). A key with no scopes reads public
 * data and its own seller profile, nothing more. Each scope's description is the public contract
 * (SellerApiKeyCreateInput.scopes lists them).
 */
export const sellerScopeDescriptions = {
  'catalog:write': 'Create and change products, variants and listings (price, condition, archive), see your own drafts, decide co-creation proposals.',
  'stock:write': 'Set and adjust the stock of your listings.',
  'orders:read': 'Read your orders, invoices, credit notes and their PDFs (the buyer’s name and address; contact details need customers:read).',
  'orders:fulfil': 'Mark your orders fulfilled (shipped, with tracking) and delivered.',
  'orders:refund': 'Cancel your orders before fulfilment, which refunds them, and issue refunds.',
  'customers:read': 'See buyers’ contact details (email, phone) — only of buyers who consented to share their profile with sellers.',
  'promotions:write': 'Create and change promotions and coupons (reserved for the promotions module).',
  'complaints:write': 'Answer and resolve complaints (reserved for the complaints module).',
  'reviews:write': 'Reply to the reviews of your sales (once per review).',
  'plugins:write': 'Install, configure and uninstall plugins, and see your installations and their settings.',
  'webhooks:write': 'Manage webhook endpoints and read their delivery log (webhooks plugin).',
  'settings:write': 'Change your seller profile: name, address, shipping, invoice prefix.',
  'keys:write': 'List, create and revoke API keys (never with more scopes than the key in use).',
} as const;

export type SellerScope = keyof typeof sellerScopeDescriptions;
export const sellerScopes = Object.keys(sellerScopeDescriptions) as readonly SellerScope[];

export function isSellerScope(name: string): name is SellerScope {
  return Object.hasOwn(sellerScopeDescriptions, name);
}

export type Role = 'CUSTOMER' | 'SELLER' | 'ADMIN';

export const guest: Viewer = { kind: 'guest' };
export const admin: Viewer = { kind: 'admin' };

export function roleOf(viewer: Viewer): Role | null {
  switch (viewer.kind) {
    case 'customer':
      return 'CUSTOMER';
    case 'seller':
      return 'SELLER';
    case 'admin':
      return 'ADMIN';
    default:
      return null;
  }
}
