/**
 * Walk-forward folds defined by dates: expanding training windows, test
 * blocks that follow one another, and an embargo between them.
 *
 * @module
 */

/** One fold: training origins end before `trainEnd`, tests in [testStart, testEnd). */
export interface Fold {
  fold: number;
  testStart: number;
  testEnd: number;
}

/**
 * Splits the last `testFraction` of the time span into `k` equal test blocks.
 *
 * @example
 * ```ts
 * const folds = makeFolds(firstTs, lastTs, { k: 4, testFraction: 0.4 });
 * ```
 */
export function makeFolds(
  first: number,
  last: number,
  options: { k?: number; testFraction?: number; step: number },
): Fold[] {
  const k = options.k ?? 4;
  const frac = options.testFraction ?? 0.4;
  const span = last - first + options.step;
  const testFirst = first + Math.floor((span * (1 - frac)) / options.step) * options.step;
  const block = Math.floor((last + options.step - testFirst) / k / options.step) * options.step;
  if (block <= 0) throw new RangeError("Too little data for walk-forward folds");
  return Array.from({ length: k }, (_, i) => ({
    fold: i,
    testStart: testFirst + i * block,
    testEnd: i === k - 1 ? last + options.step : testFirst + (i + 1) * block,
  }));
}

/**
 * Indices of origins usable for training before `testStart` with an embargo:
 * an origin's target (h candles ahead) must fall before the test block.
 */
export function trainIndices(
  ts: readonly number[],
  testStart: number,
  h: number,
  step: number,
  usable: (i: number) => boolean,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] + h * step < testStart && usable(i)) out.push(i);
  }
  return out;
}
