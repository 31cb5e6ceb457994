/** mulberry32: a tiny deterministic PRNG, so every seed of a scale produces the same marketplace. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number): boolean => next() < p,
    /** A version-4-shaped UUID drawn from this generator. */
    uuid(): string {
      // Byte by byte from a table: the seed draws ~8M of these at the `xl` scale.
      let s = '';
      for (let i = 0; i < 16; i++) {
        const b = Math.floor(next() * 256);
        s += HEX[i === 6 ? (b & 0x0f) | 0x40 : i === 8 ? (b & 0x3f) | 0x80 : b];
        if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
      }
      return s;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;
