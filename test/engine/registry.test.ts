// The kernel registry: one kernel per (backend, op), and loud failures when one is missing.

import { getKernel, hasKernel, ops, registerBackend, registerKernel, registeredOps } from '../kernels/engine.js';
import { CpuBackend } from '../../kernels/cpu/backend.js';
import { DeviceDouble } from './deviceDouble.js';

describe('kernel registry', () => {
  it('has a CPU kernel for every op of the kernel contract', () => {
    expect(registeredOps('cpu').sort()).toEqual(
      ['argmax', 'attention', 'binary', 'cast', 'concat', 'cumsum', 'gather', 'layerNorm', 'linear', 'matmul', 'permute', 'qkvAttention', 'quantizedGather', 'quantizedLinear', 'scale', 'slice', 'softmax', 'topk', 'unary', 'sumTo', 'logSoftmax', 'unaryBackward', 'softmaxBackward', 'layerNormBackward', 'scatterAdd'].sort(),
    );
  });

  it('refuses a second kernel for the same backend and op', () => {
    expect(() => registerKernel('cpu', 'matmul', getKernel('cpu', 'matmul'))).toThrow('registerKernel: a kernel for cpu/matmul is already registered');
  });

  it('refuses registering a backend name twice', () => {
    expect(() => registerBackend({ name: 'cpu', priority: 0, create: () => new CpuBackend() })).toThrow('registerBackend: cpu is already registered');
  });

  it('names the op and backend when a kernel is missing', () => {
    expect(() => getKernel('wasm', 'softmax')).toThrow('softmax: the wasm backend has no kernel for this op');
    expect(registeredOps('wasm')).toEqual([]);
    const x = ops.tensor([[1, 2]], undefined, undefined, new DeviceDouble());
    expect(() => ops.softmax(x)).toThrow('softmax: the wasm backend has no kernel for this op');
  });

  it('says whether a backend has a kernel for an op (composite ops ask before choosing their path)', () => {
    expect(hasKernel('cpu', 'attention')).toBe(true);
    expect(hasKernel('wasm', 'attention')).toBe(false);
  });
});
