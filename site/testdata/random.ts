/**
 * Seeded randomness for the site's fixture: the same numbers on every run.
 *
 * @module
 */

/** Mulberry32: a tiny seeded PRNG so the fixture is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Four decimals, as the fixture stores prices. */
export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
