// The order argmax and top-k rank elements by: larger first, NaN above everything (as PyTorch),
// and on ties the lower index first, so results are deterministic.

export function ranksBefore(a: number, ai: number, b: number, bi: number): boolean {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN !== bNaN) return aNaN;
  if (!aNaN && a !== b) return a > b;
  return ai < bi;
}
