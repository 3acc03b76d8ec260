// Which gpu.js modes the tests run, and a backend per mode shared by a test file.

import { createGpujsBackend, type GpujsBackend } from '../../../kernels/gpujs/backend.js';
import type { GpujsMode } from '../../../kernels/gpujs/modes.js';

/**
 * Every mode that must work in Node: webgpu included. Without a GPU it runs on SwiftShader, which
 * the test machines have (README, "Backends"); where no adapter is found, creating the backend
 * fails with the adapter search's message — what was tried and how to install SwiftShader — and
 * so do the webgpu tests: a missing adapter fails the suite instead of shrinking it.
 */
export const TESTED_MODES: readonly GpujsMode[] = ['webasm', 'cpu', 'webgpu'];

/** One backend per mode for the whole file, created on first use; `disposeAll` in afterAll. */
export class BackendsByMode {
  private readonly backends = new Map<GpujsMode, Promise<GpujsBackend>>();

  get(mode: GpujsMode): Promise<GpujsBackend> {
    let backend = this.backends.get(mode);
    if (!backend) {
      backend = createGpujsBackend({ mode });
      this.backends.set(mode, backend);
    }
    return backend;
  }

  async disposeAll(): Promise<void> {
    // allSettled: a mode that failed to start is already reported by its tests.
    const settled = await Promise.allSettled(this.backends.values());
    for (const result of settled) if (result.status === 'fulfilled') await result.value.dispose();
    this.backends.clear();
  }
}
