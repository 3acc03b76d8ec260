// Where a module gets its weights: looked up and checked on the host (hostParameters.ts), then
// uploaded to the backend once and kept until the model is disposed. A backend that copies weights
// into memory of its own is handed each weight a chunk at a time where the checkpoint can stream
// it (a safetensors file on disk), so no weight is ever whole in host memory next to its copy:
// freed read buffers that linger until a garbage collection would otherwise add tens of MiB to
// the peak of loading.

import type { Backend } from '../engine/backend.js';
import { tensor } from '../engine/ops/creation.js';
import { sizeOf, type Shape } from '../engine/shape.js';
import { Tensor } from '../engine/tensor.js';
import { HostParameters } from './hostParameters.js';
import type { CheckpointTensor } from './weights/hostTensor.js';

export { MissingWeightError } from './hostParameters.js';

export class ParameterStore {
  private readonly host: HostParameters;
  private readonly uploaded = new Map<string, Tensor>();

  constructor(
    tensors: ReadonlyMap<string, CheckpointTensor>,
    readonly backend: Backend,
    /** Where the weights came from, for error messages. */
    source: string,
  ) {
    this.host = new HostParameters(tensors, source);
  }

  has(name: string): boolean {
    return this.host.has(name);
  }

  /** The parameter `name` of shape `shape`, uploaded to the backend once (tied weights share it). */
  get(name: string, shape: Shape): Tensor {
    const { key, tensor: stored } = this.host.lookup(name, shape);
    let t = this.uploaded.get(key);
    if (!t) {
      t = this.upload(stored, shape);
      this.uploaded.set(key, t);
    }
    return t;
  }

  private upload(stored: CheckpointTensor, shape: Shape): Tensor {
    const { backend } = this;
    if (backend.uploadFrom !== undefined && stored.readInto !== undefined) {
      return Tensor.fromStorage(backend, backend.uploadFrom('float32', sizeOf(shape), stored.readInto.bind(stored)), shape, 'float32');
    }
    return tensor(stored.read(), shape, 'float32', backend);
  }

  unusedKeys(): string[] {
    return this.host.unusedKeys();
  }

  /** Called once the model is built: no more parameters will be asked for. */
  releaseHost(): void {
    this.host.release();
  }

  dispose(): void {
    for (const t of this.uploaded.values()) t.dispose();
    this.uploaded.clear();
  }
}
