// The single path from an op to a kernel: look up the kernel for the inputs' backend, run it,
// wrap what it returns as tensors. Ops call this after validating; nothing else calls kernels.

import type { Backend, OutputSpec } from './backend.js';
import { isWeightDType, type DType } from './dtype.js';
import { OpError } from './errors.js';
import { WEIGHT_DTYPE_INPUTS, type OpAttrs, type OpName } from './opTypes.js';
import { getKernel } from './registry.js';
import { record, shouldRecord } from './tape.js';
import { formatShape, sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

export function outputSpec(shape: Shape, dtype: DType): OutputSpec {
  return { shape, dtype, size: sizeOf(shape) };
}

/** The backend all inputs live on (ops never move data between backends implicitly). */
export function commonBackend(op: string, inputs: readonly Tensor[]): Backend {
  const backend = inputs[0].backend;
  for (const t of inputs) {
    t.assertLive(op);
    if (t.backend !== backend) {
      throw new OpError(op, `inputs live on different backends (${backend.name} and ${t.backend.name}); move one first`);
    }
  }
  return backend;
}

/** Refuses an int8 or float16 tensor anywhere but an input that takes a weight of that dtype. */
function checkWeightDTypes(op: OpName, inputs: readonly Tensor[]): void {
  inputs.forEach((t, i) => {
    if (isWeightDType(t.dtype) && !WEIGHT_DTYPE_INPUTS[op]?.[i]?.includes(t.dtype)) {
      throw new OpError(op, `input ${i} is ${t.dtype} ${formatShape(t.shape)}: ${t.dtype} is a weight format, taken only as linear's weight (float16), gather's table (float16), and quantizedLinear's weight and quantizedGather's table (int8)`);
    }
  });
}

export function runOp<Op extends OpName>(op: Op, inputs: readonly Tensor[], attrs: OpAttrs[Op], outputs: readonly OutputSpec[]): Tensor[] {
  checkWeightDTypes(op, inputs);
  const backend = commonBackend(op, inputs);
  const kernel = getKernel(backend.name, op);
  const storages = kernel(backend, inputs.map((t) => t.info()), attrs, outputs);
  const results = storages.map((storage, i) => Tensor.fromStorage(backend, storage, outputs[i].shape, outputs[i].dtype));
  if (shouldRecord(inputs)) record(op, inputs, attrs, results);
  return results;
}
