import { toGlobalId } from '../../core/global-id';
import type { SellerApiKeyEntity } from './seller-api-key.entity';
import type { SellerApiKey } from './seller-api-key.type';

export function toSellerApiKey(e: SellerApiKeyEntity): SellerApiKey {
  return {
    __typename: 'SellerApiKey',
    id: toGlobalId('SellerApiKey', e.id),
    name: e.name,
    prefix: e.prefix,
    scopes: e.scopes,
    createdAt: e.createdAt,
    lastUsedAt: e.lastUsedAt,
    revokedAt: e.revokedAt,
  };
}
