// torch.nn.utils.clip_grad_norm_: the global L2 norm over every gradient; when it exceeds
// `maxNorm`, every gradient is scaled by maxNorm / (norm + 1e-6). Returns the norm before clipping.

export function clipGradNorm(grads: readonly Float32Array[], maxNorm: number): number {
  let sumOfSquares = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sumOfSquares += g[i] * g[i];
  const norm = Math.sqrt(sumOfSquares);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coefficient;
  return norm;
}
