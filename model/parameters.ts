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
import type { ParameterInitializer } from './initialize.js';
import type { CheckpointTensor } from './weights/hostTensor.js';

export { MissingWeightError } from './hostParameters.js';

export class ParameterStore {
  private readonly host: HostParameters;
  private readonly uploaded = new Map<string, Tensor>();
  /** The names each uploaded tensor was first asked for by (several for a stacked one), by checkpoint key. */
  private readonly askedAs = new Map<string, readonly string[]>();

  constructor(
    tensors: ReadonlyMap<string, CheckpointTensor>,
    readonly backend: Backend,
    /** Where the weights came from, for error messages. */
    source: string,
    /** Makes what the checkpoint lacks (model/initialize.ts); without it, a missing weight is a MissingWeightError. */
    initialize?: ParameterInitializer,
  ) {
    this.host = new HostParameters(tensors, source, initialize);
  }

  /** The names `initialize` made because the checkpoint lacks them, in the order the modules asked. */
  initializedNames(): string[] {
    return this.host.initializedNames();
  }

  has(name: string): boolean {
    return this.host.has(name);
  }

  /** The parameter `name` of shape `shape`, uploaded to the backend once (tied weights share it). */
  get(name: string, shape: Shape): Tensor {
    const { key, tensor: stored } = this.host.lookup(name, shape);
    let t = this.uploaded.get(key);
    if (!t) {
      t = this.upload([stored], shape);
      this.uploaded.set(key, t);
      this.askedAs.set(key, [name]);
    }
    return t;
  }

  /**
   * The parameters `names`, each of shape `shape`, stacked along the first axis into one tensor of
   * [names.length · shape[0], ...] (e.g. query, key and value weights as one projection): uploaded
   * once, each checkpoint tensor copied into its place, streamed where the checkpoint allows.
   */
  stacked(names: readonly string[], shape: Shape): Tensor {
    const found = names.map((name) => this.host.lookup(name, shape));
    const key = found.map((f) => f.key).join('+');
    let t = this.uploaded.get(key);
    if (!t) {
      t = this.upload(found.map((f) => f.tensor), [names.length * shape[0], ...shape.slice(1)]);
      this.uploaded.set(key, t);
      this.askedAs.set(key, names);
    }
    return t;
  }

  /** One tensor of `shape` holding the checkpoint tensors `parts` one after another. */
  private upload(parts: readonly CheckpointTensor[], shape: Shape): Tensor {
    const { backend } = this;
    const size = sizeOf(shape);
    if (backend.uploadFrom !== undefined && parts.every((p) => p.readInto !== undefined)) {
      const partBytes = (4 * size) / parts.length;
      const storage = backend.uploadFrom('float32', size, (write) => {
        parts.forEach((part, i) => part.readInto!((bytes, byteOffset) => write(bytes, i * partBytes + byteOffset)));
      });
      return Tensor.fromStorage(backend, storage, shape, 'float32');
    }
    if (parts.length === 1) return tensor(parts[0].read(), shape, 'float32', backend);
    const data = new Float32Array(size);
    parts.forEach((part, i) => data.set(part.read(), (i * size) / parts.length));
    return tensor(data, shape, 'float32', backend);
  }

  /**
   * Every parameter tensor once (a tied weight once), in the order the modules first asked for
   * them, with the names they asked by: one name, or for a stacked tensor the names of its equal
   * parts along the first axis, in order. Training names gradients and checkpoints from these.
   */
  parameters(): { readonly names: readonly string[]; readonly tensor: Tensor }[] {
    return [...this.uploaded].map(([key, tensor]) => ({ names: this.askedAs.get(key)!, tensor }));
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
