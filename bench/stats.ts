// Summaries of repeated timings. Percentiles interpolate linearly between the sorted samples
// (numpy's default), so the median of an even count is the mean of the middle two.

export interface TimingSummary {
  readonly runs: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) throw new Error('percentile: no values');
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`percentile: fraction must be in [0, 1], got ${fraction}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function summarize(runsMs: readonly number[]): TimingSummary {
  return {
    runs: runsMs.length,
    minMs: Math.min(...runsMs),
    medianMs: median(runsMs),
    p90Ms: percentile(runsMs, 0.9),
    maxMs: Math.max(...runsMs),
    meanMs: runsMs.reduce((sum, ms) => sum + ms, 0) / runsMs.length,
  };
}
