import type { MigrationInterface, QueryRunner } from 'typeorm';

/** search_product's GIN indexes (migrations 1764140000000, 1764230000000, 1764286000000). */
export const SEARCH_GIN_INDEXES = ['search_product_document_idx', 'search_product_title_idx', 'search_product_tier1_idx', 'search_product_tier2_idx'];

/** The most a GIN index of search_product keeps unsorted (kB): 64 kB is PostgreSQL's least, 4 MB its default. */
export const SEARCH_GIN_PENDING_KB = 128;

/**
 * A bounded pending list for search_product's GIN indexes (src/modules/search README "Bounded work").
 *
 * With `fastupdate` (PostgreSQL's default) a GIN index takes new entries into an unsorted pending list, moved into
 * the index proper only by a vacuum or when the list passes `gin_pending_list_limit` (4 MB by default). Every scan
 * of the index reads the whole pending list and tests each of its entries: a search's cost grew with the writes
 * since the last vacuum, up to 4 MB per index. The tier job's moves are updates of the rows (new index entries):
 * after the first ranking, the 1M bench database's tier-1 index (the 10,000 most popular products) was 1.8 MB,
 * all of it pending (223 pages read per scan; a tier-1 bitmap of `running shoes` took 3–7 ms for 148 matches,
 * tier 2's, of a 10× bigger index, 2.7 ms), and every search at 100k and 1M reads tier 1 first. With the server's
 * autovacuum off (the bench machine's) nothing else ever moved it.
 *
 * Now each of these indexes keeps at most SEARCH_GIN_PENDING_KB kB pending: the write that passes it moves the list
 * into the index (a cost the writers share, ~16 pages at a time) and a scan reads at most that much of it. The lists
 * already pending are moved now (gin_clean_pending_list: bounded by their 4 MB each). Indexes and data unchanged
 * otherwise: a build of the code before it runs as before on a migrated database.
 */
export class SearchGinPending1764288500000 implements MigrationInterface {
  name = 'SearchGinPending1764288500000';

  async up(q: QueryRunner): Promise<void> {
    for (const index of SEARCH_GIN_INDEXES) {
      await q.query(`ALTER INDEX ${index} SET (gin_pending_list_limit = ${SEARCH_GIN_PENDING_KB})`);
      await q.query(`SELECT gin_clean_pending_list($1::regclass)`, [index]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of SEARCH_GIN_INDEXES) await q.query(`ALTER INDEX ${index} RESET (gin_pending_list_limit)`);
  }
}
