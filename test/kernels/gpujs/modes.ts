// Which gpu.js modes the tests run, and a backend per mode shared by a test file.

import { createGpujsBackend, type GpujsBackend } from '../../../kernels/gpujs/backend.js';
import type { GpujsMode } from '../../../kernels/gpujs/modes.js';
import { findAdapter } from '../../../kernels/wgsl/gpu.js';

/**
 * Whether WebGPU runs here (a GPU, or SwiftShader). Where it does not, the webgpu suites are
 * replaced by a test that the mode refuses with a clear reason, never skipped silently.
 */
export const webGpuAvailable: boolean = await findAdapter({ robustness: true, dawnFlags: [] }).then(
  () => true,
  () => false,
);

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
    for (const backend of this.backends.values()) await (await backend).dispose();
    this.backends.clear();
  }
}
