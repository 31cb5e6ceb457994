import { countryCodes, isCountryCode } from '../../src/core/country';
import { insertCustomers, madrid, type TestCustomer } from '../helpers/customers';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('ISO 3166-1 alpha-2 country codes', () => {
  it('are the 249 assigned codes, not the reserved, withdrawn or user-assigned ones ICU also knows', () => {
    expect(countryCodes().size).toBe(249);
    for (const code of ['ES', 'DE', 'GB', 'GR', 'US', 'CW', 'SS', 'AQ', 'BQ']) expect(isCountryCode(code)).toBe(true);
    for (const code of ['XX', 'XK', 'AA', 'QM', 'QZ', 'ZZ', 'EU', 'EZ', 'UN', 'UK', 'SU', 'YU', 'es', 'E', 'ESP']) {
      expect(isCountryCode(code)).toBe(false);
    }
  });
});

describe('addresses, names and other free text through the API', () => {
  let t: TestApp;
  let ana: TestCustomer;
  let seller: TestSeller;
  beforeAll(async () => {
    t = await startTestApp();
    ana = (await insertCustomers(t, 1))[0]!;
    seller = await createSeller(t);
  });
  afterAll(() => t.stop());

  const ADDRESS_CREATE = `mutation ($input: CustomerAddressCreateInput!) {
    customerAddressCreate(input: $input) { address { address { name country } } userErrors { field message code } }
  }`;
  const addressCreate = async (address: object) => (await t.data(ADDRESS_CREATE, { input: { address: { ...madrid, ...address } } }, ana.token)).customerAddressCreate;

  it('refuses XX and other codes that are no country, and keeps real ones upper case', async () => {
    for (const country of ['XX', 'EU', 'ZZ', 'E1', 'ESP', '']) {
      expect(await addressCreate({ country })).toEqual({
        address: null,
        userErrors: [{ field: ['input', 'address', 'country'], message: expect.stringMatching(/ISO 3166-1 alpha-2/), code: 'INVALID' }],
      });
    }
    expect(await addressCreate({ country: 'pt' })).toEqual({ address: { address: { name: madrid.name, country: 'PT' } }, userErrors: [] });
  });

  it('refuses control characters in names and address lines, naming the character', async () => {
    const cases: [object, string][] = [
      [{ line1: 'Calle Mayor 1\nPiso 2' }, 'line1'],
      [{ city: 'Madrid\u0085' }, 'city'],
      [{ line2: '\u001b[31mred' }, 'line2'],
      [{ phone: '+34\u007f600' }, 'phone'],
    ];
    for (const [address, field] of cases) {
      const { userErrors } = await addressCreate(address);
      expect(userErrors).toEqual([{ field: ['input', 'address', field], message: expect.stringMatching(/control character \(U\+[0-9A-F]{4} at position \d+\)/), code: 'INVALID' }]);
    }
    // NUL is refused before any resolver, for every input (server/input-checks.ts).
    await expect(addressCreate({ name: 'Ana\u0000García' })).rejects.toThrow(/BAD_USER_INPUT.*input\.address\.name/);
    const renamed = await t.data(`mutation { customerUpdate(input: { name: "Ana\\u0007" }) { userErrors { field code } } }`, {}, ana.token);
    expect(renamed.customerUpdate.userErrors).toEqual([{ field: ['input', 'name'], code: 'INVALID' }]);
  });

  it('keeps line breaks and tabs in multi-line text such as descriptions, but not in titles', async () => {
    const create = async (input: object) =>
      (await t.data(`mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { description } userErrors { field code } } }`, { input }, seller.key))
        .productCreate;
    expect(await create({ title: 'Lamp with text', description: 'Brass.\n\tHand made.\r\n' })).toEqual({
      product: { description: 'Brass.\n\tHand made.\r\n' },
      userErrors: [],
    });
    expect((await create({ title: 'Lamp\twith tab' })).userErrors).toEqual([{ field: ['input', 'title'], code: 'INVALID' }]);
    expect((await create({ title: 'Lamp with bell', description: 'Ding\u0007' })).userErrors).toEqual([{ field: ['input', 'description'], code: 'INVALID' }]);
  });
});
