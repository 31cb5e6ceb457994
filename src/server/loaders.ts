import type { DataSource } from 'typeorm';
import { catalogLoaders } from '../modules/catalog/catalog.loaders';
import { sellerLoaders } from '../modules/sellers';
import { cartLoaders } from '../modules/carts/cart.loaders';
import { invoiceLoaders } from '../modules/invoices';
import { orderLoaders } from '../modules/orders';
import { installationLoaders } from '../plugin-host/installation.loaders';

/** Fresh loaders for one request (or one subscription event): caches never outlive it. */
export function createLoaders(db: DataSource) {
  const sellers = sellerLoaders(db);
  return { ...sellers, ...catalogLoaders(db, sellers.sellerById), ...cartLoaders(db), ...orderLoaders(db), ...invoiceLoaders(db), ...installationLoaders(db) };
}

export type Loaders = ReturnType<typeof createLoaders>;
