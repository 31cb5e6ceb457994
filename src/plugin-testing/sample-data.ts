import { parseGlobalId } from '../core/global-id';

/** Where the kit's (and the project's tests') sellers are registered: checkout refuses sellers without a legal address. */
export const SELLER_ADDRESS = { name: 'Tienda S.L.', line1: 'Gran Vía 1', city: 'Madrid', postalCode: '28013', country: 'ES' };

/** Where the kit's customers ship to. */
export const MADRID = { name: 'Ana García', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' };

/** The uuid inside a global ID (the database's key), for tests that look at rows. Throws on a malformed ID. */
export function uuidOf(globalId: string): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed) throw new Error(`not a global ID: ${globalId}`);
  return parsed.id;
}
