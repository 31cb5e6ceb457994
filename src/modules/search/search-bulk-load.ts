import type { EntityManager } from 'typeorm';

/**
 * Bulk loads (the seed): runs `load` with the product insert trigger off; `load` then calls
 * `indexLoadedProducts` once its products' listings exist. The trigger indexes a product when it is
 * inserted, before it has listings, so every loaded product was indexed twice (again by the price update
 * that follows its listings): at 1M products that was most of the seed's time. The rows come from the
 * trigger's own functions, so they are the ones the trigger would have written. The switch is DDL inside
 * the caller's transaction: it holds product's lock until commit and is undone on rollback.
 */
export async function withSearchIndexDeferred<T>(tx: EntityManager, load: () => Promise<T>): Promise<T> {
  await tx.query('ALTER TABLE product DISABLE TRIGGER search_product_inserted');
  const result = await load();
  await tx.query('ALTER TABLE product ENABLE TRIGGER search_product_inserted');
  return result;
}

/** What search_product_inserted does for `ids`: their index rows and the words of their active titles. */
export async function indexLoadedProducts(tx: EntityManager, ids: readonly string[]): Promise<void> {
  await tx.query('SELECT search_product_sync($1::uuid[])', [ids]);
  await tx.query(`SELECT search_vocabulary_apply(ARRAY(SELECT title FROM product WHERE id = ANY($1::uuid[]) AND status = 'active'), '{}')`, [ids]);
}
