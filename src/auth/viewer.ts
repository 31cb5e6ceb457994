/** Who is asking. Every service method receives it through the context and decides with it. */
export type Viewer =
  | { kind: 'guest' }
  | { kind: 'customer'; customerId: string; /** The session (refresh-token family) of the access token. */ sessionId?: string }
  | { kind: 'seller'; sellerId: string; keyId: string; scopes: ReadonlySet<SellerScope> }
  | { kind: 'admin' };

export const sellerScopes = ['catalog:write', 'settings:write', 'keys:write'] as const;
export type SellerScope = (typeof sellerScopes)[number];

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
