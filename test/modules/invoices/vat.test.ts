import { orderTax, shippingVatRate, splitGross, taxOrder, vatRate, isEuVatCountry } from '../../../src/modules/invoices';

describe('VAT rates', () => {
  it('has the Spanish standard, reduced and super-reduced rates (Ley 37/1992, arts. 90–91)', () => {
    expect(vatRate('ES', 'standard')).toBe(2100);
    expect(vatRate('ES', 'reduced')).toBe(1000);
    expect(vatRate('ES', 'super_reduced')).toBe(400);
  });

  it("applies the destination's rates inside the EU, case-insensitively", () => {
    expect(vatRate('DE', 'standard')).toBe(1900);
    expect(vatRate('de', 'super_reduced')).toBe(700);
    expect(vatRate('FR', 'super_reduced')).toBe(210);
  });

  it('charges no VAT outside the EU (exports)', () => {
    for (const country of ['US', 'GB', 'CH', 'NO', 'MA']) {
      expect(vatRate(country, 'standard')).toBe(0);
      expect(isEuVatCountry(country)).toBe(false);
    }
    expect(isEuVatCountry('es')).toBe(true);
  });
});

describe('splitGross', () => {
  it('extracts the VAT from a VAT-inclusive price', () => {
    expect(splitGross(12100, 2100)).toEqual({ net: 10000, tax: 2100 });
    expect(splitGross(1040, 400)).toEqual({ net: 1000, tax: 40 });
    expect(splitGross(999, 0)).toEqual({ net: 999, tax: 0 });
    expect(splitGross(0, 2100)).toEqual({ net: 0, tax: 0 });
  });

  it('rounds the net half up to the cent: 1 cent at 21% is all net', () => {
    expect(splitGross(1, 2100)).toEqual({ net: 1, tax: 0 });
    expect(splitGross(1999, 2100)).toEqual({ net: 1652, tax: 347 });
  });

  it('keeps net + tax === gross and the tax within half a cent of the exact VAT, for every amount up to 100 €', () => {
    for (const rate of [0, 210, 400, 550, 700, 1000, 1900, 2100, 2550, 2700]) {
      for (let gross = 0; gross <= 10_000; gross++) {
        const { net, tax } = splitGross(gross, rate);
        if (!Number.isInteger(net) || net + tax !== gross) throw new Error(`${gross} at ${rate}: ${net} + ${tax}`);
        const exact = (gross * rate) / (10_000 + rate);
        if (Math.abs(tax - exact) > 0.5 + 1e-9) throw new Error(`${gross} at ${rate}: tax ${tax}, exact ${exact}`);
      }
    }
  });

  it('is exact for large amounts', () => {
    const { net, tax } = splitGross(123_456_789_012, 2100);
    expect(net + tax).toBe(123_456_789_012);
    expect(net).toBe(Math.round((123_456_789_012 * 10_000) / 12_100));
  });
});

describe('order tax', () => {
  const books = { total: 2080, taxClass: 'super_reduced' as const };
  const shirts = { total: 4840, taxClass: 'standard' as const };

  it('taxes each line at its class in Spain, and the shipping at the highest rate of the goods', () => {
    const taxes = taxOrder([books, shirts], 605, 'ES');
    expect(taxes.lines).toEqual([
      { rate: 400, gross: 2080, net: 2000, tax: 80 },
      { rate: 2100, gross: 4840, net: 4000, tax: 840 },
    ]);
    expect(taxes.shipping).toEqual({ rate: 2100, gross: 605, net: 500, tax: 105 });
    expect(taxes).toMatchObject({ net: 6500, tax: 1025, gross: 7525 });
    expect(orderTax([books, shirts], 605, 'ES')).toBe(1025);
  });

  it("uses Germany's rates for an order shipped to Germany", () => {
    const taxes = taxOrder([books, shirts], 605, 'DE');
    expect(taxes.lines.map((l) => l.rate)).toEqual([700, 1900]);
    expect(taxes.lines[0]).toEqual({ rate: 700, gross: 2080, net: 1944, tax: 136 });
    expect(taxes.shipping).toEqual({ rate: 1900, gross: 605, net: 508, tax: 97 });
    expect(orderTax([books, shirts], 605, 'DE')).toBe(136 + 773 + 97);
  });

  it('charges no VAT on an export', () => {
    expect(orderTax([books, shirts], 605, 'US')).toBe(0);
    expect(taxOrder([books, shirts], 605, 'US')).toMatchObject({ net: 7525, tax: 0, gross: 7525 });
  });

  it('has no shipping line when shipping is free, and ships books-only orders at the books rate', () => {
    expect(taxOrder([books], 0, 'ES').shipping).toBeNull();
    expect(shippingVatRate([books], 'ES')).toBe(400);
    expect(shippingVatRate([], 'ES')).toBe(2100);
  });

  it('always adds up: net + tax === gross === goods + shipping, for many random orders', () => {
    const classes = ['standard', 'reduced', 'super_reduced'] as const;
    const countries = ['ES', 'DE', 'FR', 'IE', 'HU', 'US'];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const lines = Array.from({ length: 1 + random(5) }, () => ({ total: random(200_000), taxClass: classes[random(3)]! }));
      const shipping = random(3) === 0 ? 0 : random(2000);
      const taxes = taxOrder(lines, shipping, countries[random(countries.length)]!);
      const goods = lines.reduce((sum, l) => sum + l.total, 0);
      expect(taxes.gross).toBe(goods + shipping);
      expect(taxes.net + taxes.tax).toBe(taxes.gross);
      for (const l of [...taxes.lines, ...(taxes.shipping ? [taxes.shipping] : [])]) expect(l.net + l.tax).toBe(l.gross);
    }
  });

  it('refuses amounts that are not whole cents', () => {
    expect(() => orderTax([{ total: 10.5, taxClass: 'standard' }], 0, 'ES')).toThrow(RangeError);
    expect(() => orderTax([{ total: -1, taxClass: 'standard' }], 0, 'ES')).toThrow(RangeError);
  });
});
