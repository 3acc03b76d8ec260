// Where a module gets its weights: looked up and checked on the host (hostParameters.ts), then
// uploaded to the backend once and kept until the model is disposed. A backend that copies weights
// into memory of its own is handed each weight a chunk at a time where the checkpoint can stream
// it (a safetensors file on disk), so no weight is ever whole in host memory next to its copy:
// freed read buffers that linger until a garbage collection would otherwise add tens of MiB to
// the peak of loading.
//
// The store also applies the model's weight precision (precision.ts): float16 matrices, or int8
// linear weights with their scales, quantized here from a float checkpoint or read as they are
// from a folder `roberta quantize` wrote (`<name>.weight` I8 beside `<name>.weight_scale` F32).

import type { Backend } from '../engine/backend.js';
import { narrowToHalves } from '../engine/halfFloat.js';
import { tensor } from '../engine/ops/creation.js';
import { sizeOf, type Shape } from '../engine/shape.js';
import { Tensor } from '../engine/tensor.js';
import { HostParameters } from './hostParameters.js';
import type { ParameterInitializer } from './initialize.js';
import type { LinearWeight, QuantizedWeight } from './nn.js';
import { quantizesLinear, storedDType, type WeightPrecision } from './precision.js';
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
    /** How the weights are kept (precision.ts). */
    readonly precision: WeightPrecision = 'fp32',
    /** Makes what the checkpoint lacks (model/initialize.ts); without it, a missing weight is a MissingWeightError. */
    initialize?: ParameterInitializer,
    /** Under q8, the word embeddings too as int8 rows with a scale each (precision.ts). */
    readonly int8Embeddings = false,
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

  /**
   * The parameter `name` of shape `shape`, uploaded to the backend once (tied weights share it):
   * float32, or float16 for a matrix of an fp16 model.
   */
  get(name: string, shape: Shape): Tensor {
    const { key, tensor: stored } = this.host.lookup(name, shape);
    return this.once(key, [name], () => this.upload([stored], shape));
  }

  /**
   * The weight of the linear layer(s) `prefixes` (`encoder.layer.0.attention.self.query`), each
   * [out, in], stacked along the output axis when there are several: a float tensor, or int8
   * values with a scale per output row where the precision quantizes the layer.
   */
  linearWeight(prefixes: readonly string[], shape: Shape): LinearWeight {
    const names = prefixes.map((p) => `${p}.weight`);
    if (!prefixes.every((p) => quantizesLinear(this.precision, p))) return names.length === 1 ? this.get(names[0], shape) : this.stacked(names, shape);
    return this.int8Weights(prefixes, shape);
  }

  /**
   * An embedding table [rows, width] (`embeddings.word_embeddings`): under q8 with int8 embeddings
   * asked for (or stored so), int8 rows with a scale each, which is also the tied decoder's int8
   * weight with a scale per output channel; else as `get` gives it.
   */
  embeddingTable(prefix: string, shape: Shape): LinearWeight {
    const int8 = this.precision === 'q8' && (this.int8Embeddings || this.host.has(`${prefix}.weight_scale`));
    return int8 ? this.int8Weights([prefix], shape) : this.get(`${prefix}.weight`, shape);
  }

  /** The int8 weights of `prefixes` and their scales, stacked along the first axis. */
  private int8Weights(prefixes: readonly string[], shape: Shape): QuantizedWeight {
    const names = prefixes.map((p) => `${p}.weight`);
    const parts = prefixes.map((p) => this.host.int8Weight(p, shape));
    const key = parts.map((p) => p.key).join('+');
    const stackedShape = [prefixes.length * shape[0], shape[1]];
    const values = this.once(key, names, () => tensor(concatenate(parts.map((p) => p.weight.values), Int8Array), stackedShape, 'int8', this.backend));
    const scale = this.once(`${key}#scale`, prefixes.map((p) => `${p}.weight_scale`), () => tensor(concatenate(parts.map((p) => p.weight.scales), Float32Array), [stackedShape[0]], 'float32', this.backend));
    return { values, scale };
  }

  /** The tensor uploaded under `key`, made by `make` the first time it is asked for. */
  private once(key: string, names: readonly string[], make: () => Tensor): Tensor {
    let t = this.uploaded.get(key);
    if (!t) {
      t = make();
      this.uploaded.set(key, t);
      this.askedAs.set(key, names);
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
    return this.once(key, names, () => this.upload(found.map((f) => f.tensor), [names.length * shape[0], ...shape.slice(1)]));
  }

  /** One tensor of `shape` holding the checkpoint tensors `parts` one after another, in the precision's dtype. */
  private upload(parts: readonly CheckpointTensor[], shape: Shape): Tensor {
    const { backend } = this;
    const size = sizeOf(shape);
    if (storedDType(this.precision, shape) === 'float16') {
      return tensor(concatenate(parts.map((p) => narrowToHalves(p.read())), Uint16Array), shape, 'float16', backend);
    }
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

/** The arrays one after another in one new array (the parts of a stacked weight). */
function concatenate<A extends Int8Array | Uint16Array | Float32Array>(parts: readonly A[], Type: { new (length: number): A }): A {
  if (parts.length === 1) return parts[0];
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
