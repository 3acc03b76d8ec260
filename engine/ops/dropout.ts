// Dropout: during training each element is zeroed with probability p and the survivors scaled by
// 1/(1 − p), so the expected value is unchanged (nn.Dropout). The mask comes from a counter-based
// stream on the host (engine/random.ts): the same seed drops the same elements on every backend.
// It is a product with the mask, so its gradient is the mask times the incoming gradient.

import { OpError } from '../errors.js';
import type { RandomStream } from '../random.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectTensor } from './check.js';
import { tensor } from './creation.js';
import { mul } from './elementwise.js';

export function dropout(x: Tensor, p: number, random: RandomStream): Tensor {
  const op = 'dropout';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
  if (!(p >= 0 && p < 1)) throw new OpError(op, `p must be in [0, 1), got ${p}`);
  const keep = 1 / (1 - p);
  const mask = Float32Array.from(random.take(x.size), (u) => (u < p ? 0 : keep));
  const maskTensor = tensor(mask, x.shape, 'float32', x.backend);
  try {
    return mul(x, maskTensor);
  } finally {
    maskTensor.dispose();
  }
}
