// The backends a kernel test file compares: the CPU reference and the file's own backends (wasm
// with so many threads, a WebGPU device), made once before its first test and disposed after its
// last, so their thread pools and devices do not outlive the file.

import '../../kernels/cpu/register.js';
import { getBackendByName, type Backend } from '../../engine/index.js';

export type FileBackends<T extends Record<string, () => Promise<Backend>>> = { readonly cpu: Backend } & { readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Registers the hooks that make `cpu` and each of `makers` before the file's tests and dispose the
 * made ones after; read the backends inside tests and hooks (reading one earlier is an error).
 */
export function fileBackends<T extends Record<string, () => Promise<Backend>>>(makers: T): FileBackends<T> {
  const made = new Map<string, Backend>();
  beforeAll(async () => {
    made.set('cpu', await getBackendByName('cpu'));
    for (const [name, make] of Object.entries(makers)) made.set(name, await make());
  });
  afterAll(async () => {
    for (const name of Object.keys(makers)) await made.get(name)?.dispose();
  });
  const backends = {};
  for (const name of ['cpu', ...Object.keys(makers)]) {
    Object.defineProperty(backends, name, {
      enumerable: true,
      get: () => {
        const backend = made.get(name);
        if (backend === undefined) throw new Error(`backend ${name} is made in beforeAll: read it inside a test or hook`);
        return backend;
      },
    });
  }
  // The getters above are exactly FileBackends<T>'s keys, each returning what its maker made.
  return backends as FileBackends<T>;
}
