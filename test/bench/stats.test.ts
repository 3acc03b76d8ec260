// Timing summaries: percentiles by linear interpolation between order statistics (numpy's default).

import { median, percentile, summarize } from '../../bench/stats.js';

describe('percentile', () => {
  it('interpolates as numpy.percentile does', () => {
    // numpy.percentile([1..10], 90) = 9.1; numpy.median([4, 1, 3, 2]) = 2.5
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.9)).toBeCloseTo(9.1, 12);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 1)).toBe(3);
  });

  it('rejects an empty list and fractions outside [0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrow(/no values/);
    expect(() => percentile([1], 1.5)).toThrow(/fraction must be in \[0, 1\], got 1.5/);
  });
});

describe('summarize', () => {
  it('gives min, median, p90, max and mean of the runs', () => {
    expect(summarize([4, 2, 8, 6])).toEqual({ runs: 4, minMs: 2, medianMs: 5, p90Ms: 7.4, maxMs: 8, meanMs: 5 });
  });
});
