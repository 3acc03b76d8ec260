// The ops training needs beyond inference's: the reductions and backward kernels the gradient
// rules call. A backend without a kernel for every one of them cannot train; it is refused up
// front with one line, instead of failing at the first backward op.

import type { Backend } from '../engine/backend.js';
import type { OpName } from '../engine/opTypes.js';
import { hasKernel } from '../engine/registry.js';

export const TRAINING_OPS: readonly OpName[] = ['sumTo', 'logSoftmax', 'unaryBackward', 'softmaxBackward', 'layerNormBackward', 'scatterAdd'];

export class TrainingUnsupportedError extends Error {
  override readonly name = 'TrainingUnsupportedError';
}

/** Throws unless `backend` has a kernel for every op of training. */
export function assertCanTrain(backend: Backend): void {
  const missing = TRAINING_OPS.filter((op) => !hasKernel(backend.name, op));
  if (missing.length > 0) {
    throw new TrainingUnsupportedError(`the ${backend.name} backend cannot train: it has no kernels for ${missing.join(', ')} (train on cpu, wasm or webgpu)`);
  }
}
