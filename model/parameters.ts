// Where a module gets its weights: looked up and checked on the host (hostParameters.ts), then
// uploaded to the backend once and kept until the model is disposed.

import type { Backend } from '../engine/backend.js';
import { tensor } from '../engine/ops/creation.js';
import type { Shape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
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
    const { key, data } = this.host.get(name, shape);
    let t = this.uploaded.get(key);
    if (!t) {
      t = tensor(data, shape, 'float32', this.backend);
      this.uploaded.set(key, t);
    }
    return t;
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
