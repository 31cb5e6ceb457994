import { randomUUID } from 'node:crypto';
import { parseGlobalId, toGlobalId, type NodeType } from '../../src/core/global-id';

/** What toGlobalId was before it reused one buffer: its output must not change (IDs are stored and bookmarked). */
const reference = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

describe('toGlobalId', () => {
  it('encodes exactly as base64url of a new Buffer, for uuids and for any text, short or long', () => {
    const types: NodeType[] = ['Product', 'ProductVariant', 'Listing', 'Seller', 'Category', 'Offer'];
    for (let i = 0; i < 2000; i++) {
      const type = types[i % types.length]!;
      const id = randomUUID();
      expect(toGlobalId(type, id)).toBe(reference(type, id));
      expect(parseGlobalId(toGlobalId(type, id))).toEqual({ type, id });
    }
    for (const id of ['', 'x', 'ñandú', '€'.repeat(33), '😀'.repeat(40), 'a'.repeat(92), 'a'.repeat(93), 'é'.repeat(150), 'b'.repeat(5000)]) {
      expect(toGlobalId('Order', id)).toBe(reference('Order', id));
    }
  });
});
