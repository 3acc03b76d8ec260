// int32 ops run on the host, with the CPU reference kernels themselves. gpu.js has no integer
// type on the device: every value a kernel reads or writes is a float32, which holds integers
// exactly only up to 2^24 and cannot wrap around at 2^31 the way int32 arithmetic must. int32
// tensors in a transformer are bookkeeping (token ids, masks, positions) of a few hundred values,
// so computing them exactly on the host costs nothing that matters.

import type { OpName } from '../../engine/opTypes.js';
import type { CpuKernel } from '../cpu/kernel.js';
import type { GpujsKernel } from './kernel.js';

/** Runs a CPU reference kernel in the backend's queue; float32 inputs are read back, float32 outputs uploaded. */
export function onHost<Op extends OpName>(cpuKernel: CpuKernel<Op>): GpujsKernel<Op> {
  return (backend, inputs, attrs, outputs) =>
    backend.onHost(
      inputs.map((input) => input.storage),
      outputs,
      (values) => cpuKernel(backend.host, inputs.map((input, i) => ({ ...input, storage: values[i] })), attrs, outputs),
    );
}
