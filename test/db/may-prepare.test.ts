import { mayPrepare } from '../../src/db/prepared-query';

// Texts of an open-ended family (a promotion's targeting rule compiled to SQL) are prepared while they are few:
// each connection keeps every statement it prepared, so the family is capped per process.
describe('mayPrepare', () => {
  it('lets the first 256 distinct texts be prepared, and no new one after', () => {
    const text = (i: number) => `SELECT EXISTS (SELECT 1 WHERE $1::int = ${i}) AS ok`;
    for (let i = 0; i < 256; i++) expect(mayPrepare(text(i))).toBe(true);
    // A text seen before stays prepared (its connections already hold it); a new one runs unnamed.
    expect(mayPrepare(text(0))).toBe(true);
    expect(mayPrepare(text(255))).toBe(true);
    expect(mayPrepare(text(256))).toBe(false);
    expect(mayPrepare(text(256))).toBe(false);
  });
});
