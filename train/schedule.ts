// transformers' get_linear_schedule_with_warmup: the learning rate rises linearly from 0 over the
// warmup steps, then falls linearly to 0 at the last step. The scheduler is stepped after each
// optimizer step, so optimizer step k (counting from 0) uses lr · λ(k).

/** λ(k) for `warmup` warmup steps out of `total`. */
export function linearWarmupDecay(step: number, warmup: number, total: number): number {
  if (step < warmup) return step / Math.max(1, warmup);
  return Math.max(0, (total - step) / Math.max(1, total - warmup));
}
