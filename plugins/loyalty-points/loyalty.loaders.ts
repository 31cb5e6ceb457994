import DataLoader from 'dataloader';
import { perRequest } from 'zoco/plugin';
import { loyaltyPlugin, type Context, type LoyaltyConfig } from './loyalty.config';

/**
 * Seller uuid → its loyalty config, or null when it did not install the plugin. One loader per request,
 * batched over every listing of a page; installedBy is itself one batched query per tick.
 */
export function configBySeller(ctx: Context): DataLoader<string, LoyaltyConfig | null> {
  return perRequest(ctx, 'loyalty-points:configBySeller', () => {
    const plugin = loyaltyPlugin(ctx);
    return new DataLoader<string, LoyaltyConfig | null>(async (sellerIds) => {
      const installed = await plugin.installedBy(ctx, sellerIds);
      return sellerIds.map((id) => installed.get(id) ?? null);
    });
  });
}
