import type { DataSource } from 'typeorm';
import { catalogLoaders } from '../modules/catalog/catalog.loaders';
import { sellerLoaders } from '../modules/sellers';
import { cartLoaders } from '../modules/carts/cart.loaders';
import { invoiceLoaders } from '../modules/invoices';
import { orderLoaders } from '../modules/orders';

/** Each module's loaders; a module's may use another's (the catalog primes sellerById). */
const groups = {
  sellers: (db: DataSource) => sellerLoaders(db),
  catalog: (db: DataSource, loaders: ReturnType<typeof sellerLoaders>) => catalogLoaders(db, loaders.sellerById),
  carts: cartLoaders,
  orders: orderLoaders,
  invoices: invoiceLoaders,
};

type Group = keyof typeof groups;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
export type Loaders = UnionToIntersection<ReturnType<(typeof groups)[Group]>>;

/**
 * Loaders made on first use, a module's at a time: a request touches one or two modules, and
 * making the twenty-odd DataLoaders of all of them was most of what a small operation allocated.
 */
class LazyLoaders {
  readonly made: Partial<Record<Group, Record<string, unknown>>> = {};
  constructor(readonly db: DataSource) {}
}

let prototypeReady = false;

/** One getter per loader name on LazyLoaders' prototype; the names come from making each group once without a database. */
function definePrototype(): void {
  const probe = new LazyLoaders({} as DataSource);
  const seen = new Set<string>();
  for (const group of Object.keys(groups) as Group[]) {
    const make = groups[group] as (db: DataSource, loaders: Loaders) => Record<string, unknown>;
    for (const name of Object.keys(make(probe.db, probe as unknown as Loaders))) {
      if (seen.has(name)) throw new Error(`two modules define the loader ${name}`);
      seen.add(name);
      Object.defineProperty(LazyLoaders.prototype, name, {
        get(this: LazyLoaders) {
          let loaders = this.made[group];
          if (!loaders) {
            loaders = make(this.db, this as unknown as Loaders);
            this.made[group] = loaders;
          }
          return loaders[name];
        },
      });
    }
  }
  prototypeReady = true;
}

/** Fresh loaders for one request (or one subscription event): caches never outlive it. */
export function createLoaders(db: DataSource): Loaders {
  if (!prototypeReady) definePrototype();
  return new LazyLoaders(db) as unknown as Loaders;
}
