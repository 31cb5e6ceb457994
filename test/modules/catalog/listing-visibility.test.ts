import {
  isListingBuyable,
  isListingOffered,
  isListingVisible,
  listingBuyableSql,
  listingOfferedSql,
  listingVisibleSql,
} from '../../../src/modules/catalog';
import { ListingStatus } from '../../../src/modules/catalog/listing.type';
import { ProductStatus } from '../../../src/modules/catalog/product.type';
import { SellerStatus } from '../../../src/modules/sellers';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// The SQL fragments and their TypeScript twins must agree on every combination of statuses and stock:
// PostgreSQL evaluates the fragments over a VALUES list of all of them, aliased like the real tables.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const listingStatuses = Object.values(ListingStatus);
const sellerStatuses = Object.values(SellerStatus);
const productStatuses = Object.values(ProductStatus);
const stocks = [0, 1, 7];

it('agrees in SQL and TypeScript on offered, visible and buyable for every combination', async () => {
  const aliases = { listing: 'l', seller: 's', product: 'p' };
  const rows: { ls: string; stock: number; ss: string; ps: string; offered: boolean; visible: boolean; buyable: boolean }[] =
    await t.app.dataSource.query(
      `SELECT l.status AS ls, l.stock, s.status AS ss, p.status AS ps,
              ${listingOfferedSql(aliases)} AS offered, ${listingVisibleSql(aliases)} AS visible, ${listingBuyableSql(aliases)} AS buyable
         FROM (SELECT * FROM unnest($1::text[]) AS status, unnest($2::int[]) AS stock) l,
              unnest($3::text[]) AS s(status), unnest($4::text[]) AS p(status)`,
      [listingStatuses, stocks, sellerStatuses, productStatuses],
    );
  expect(rows).toHaveLength(listingStatuses.length * stocks.length * sellerStatuses.length * productStatuses.length);
  let visibleCount = 0;
  for (const row of rows) {
    const listing = { status: row.ls, stock: row.stock };
    const seller = { status: row.ss };
    const product = { status: row.ps };
    const ts = {
      offered: isListingOffered(listing, seller),
      visible: isListingVisible(listing, seller, product),
      buyable: isListingBuyable(listing, seller, product),
    };
    expect({ ...row, ...ts }).toEqual(row);
    if (ts.visible) visibleCount++;
  }
  // One status of each kind is visible, at any stock: the rule is not vacuously false.
  expect(visibleCount).toBe(stocks.length);
});
