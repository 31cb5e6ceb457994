import type { DataSource } from 'typeorm';
import type { Loaders } from './context';

/**
 * One module's per-request DataLoaders; it may use another module's through `loaders` (the catalog primes sellerById).
 * `now`: the app's clock (AppServices.now), for loaders whose answer depends on the time (promotions' windows).
 */
export type LoaderFactory = (db: DataSource, loaders: Loaders, now: () => Date) => object;

/**
 * A factory of per-request loaders made on first use, a module's at a time: a request touches one or
 * two modules, and making the twenty-odd DataLoaders of all of them was most of what a small operation
 * allocated. The loader names come from making each group once, without a database, here.
 */
export function lazyLoaders(factories: readonly LoaderFactory[], now: () => Date): (db: DataSource) => Loaders {
  class LazyLoaders {
    readonly made: (Record<string, unknown> | undefined)[] = [];
    constructor(readonly db: DataSource) {}
  }
  const probe = new LazyLoaders({} as DataSource);
  const seen = new Set<string>();
  factories.forEach((make, group) => {
    for (const name of Object.keys(make(probe.db, probe as unknown as Loaders, now))) {
      if (seen.has(name)) throw new Error(`two modules define the loader ${name}`);
      seen.add(name);
      Object.defineProperty(LazyLoaders.prototype, name, {
        get(this: LazyLoaders) {
          let loaders = this.made[group];
          if (!loaders) {
            loaders = make(this.db, this as unknown as Loaders, now) as Record<string, unknown>;
            this.made[group] = loaders;
          }
          return loaders[name];
        },
      });
    }
  });
  return (db) => new LazyLoaders(db) as unknown as Loaders;
}
