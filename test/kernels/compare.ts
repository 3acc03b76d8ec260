// The one comparison every numeric test uses: a backend's output against the reference, or an
// op's output against an independent definition. Pure (no jest), so it can itself be tested.

export interface Tolerance {
  /** Absolute slack, for results near zero. */
  readonly atol: number;
  /** Slack relative to the reference value, for large results. */
  readonly rtol: number;
}

/** The parity default: float32 kernels that sum in another order still agree to about 1e-5. */
export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/**
 * A float64 reference against a kernel that computes in float64 and stores float32 (the CPU
 * reference): one rounding, at most an ulp (2⁻²³ relative), plus a float64-sized slack for
 * results that cancel to near zero, where summation order alone moves the last bits.
 */
export const FLOAT32_ROUNDING: Tolerance = { atol: 1e-12, rtol: 2 ** -23 };

/** Integer outputs (indices, int32 arithmetic) have no rounding, so any difference is a bug. */
export const EXACT: Tolerance = { atol: 0, rtol: 0 };

/**
 * Null when every element agrees — |actual − reference| ≤ atol + rtol·|reference|, and non-finite
 * references (NaN, ±∞) matched exactly — else a message naming how many elements differ and the
 * worst one (largest difference relative to what was allowed), with its flat index.
 */
export function compareValues(reference: ArrayLike<number>, actual: ArrayLike<number>, tolerance: Tolerance = DEFAULT_TOLERANCE): string | null {
  if (reference.length !== actual.length) return `expected ${reference.length} elements, got ${actual.length}`;
  let mismatches = 0;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < reference.length; i++) {
    const want = reference[i];
    const got = actual[i];
    let excess: number;
    if (!Number.isFinite(want) || !Number.isFinite(got)) {
      excess = want === got || (Number.isNaN(want) && Number.isNaN(got)) ? 0 : Infinity;
    } else {
      const allowed = tolerance.atol + tolerance.rtol * Math.abs(want);
      const delta = Math.abs(got - want);
      excess = delta <= allowed ? 0 : allowed === 0 ? Infinity : delta / allowed;
    }
    if (excess > 0) {
      mismatches++;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (mismatches === 0) return null;
  const want = reference[worst];
  const got = actual[worst];
  const allowed = tolerance.atol + tolerance.rtol * Math.abs(want);
  return `${mismatches} of ${reference.length} elements differ; worst at flat index ${worst}: expected ${want}, got ${got} (|Δ| ${Math.abs(got - want)}, allowed ${allowed})`;
}
