// LayerNorm over the last axis of x (+ residual), rows split between threads (simd/layerNorm.ts).

import type { WasmKernel } from './kernel.js';

export const layerNorm: WasmKernel<'layerNorm'> = (backend, [x, weight, bias, residual], { eps }, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const y = backend.allocate('float32', out.size);
  const args = [x.storage.byteOffset, residual ? residual.storage.byteOffset : 0, residual ? 1 : 0, weight.storage.byteOffset, bias.storage.byteOffset, y.byteOffset, n, eps];
  backend.run('layerNorm', args, rows, x.size * 8);
  return [y];
};
