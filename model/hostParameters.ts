// A checkpoint's parameters by their Hugging Face names, on the host. Every parameter is asked
// for by name and expected shape; a missing or misshaped tensor is an error naming both (never a
// silent random init), unless the caller hands an initializer for what the checkpoint lacks (a new
// task head, or a whole model from a config: model/initialize.ts). Names are tried with and without the `roberta.` prefix, since bare
// `RobertaModel` checkpoints have none and task models put the encoder under it. What was never
// asked for is reported as unused. Names, shapes and types are checked from the checkpoint's
// header; a tensor's elements are read only when it is asked for. The model (parameters.ts)
// uploads what this finds; the ONNX exporter copies it into a file.

import { formatShape, sameShape, type Shape } from '../engine/shape.js';
import { quantizeWeight, type QuantizedWeight } from '../engine/quantize.js';
import type { ParameterInitializer } from './initialize.js';
import type { CheckpointTensor, HostDType } from './weights/hostTensor.js';

export class MissingWeightError extends Error {
  override readonly name = 'MissingWeightError';
}

export interface HostParameter {
  /** The checkpoint key it was found under (used as the initializer name). */
  readonly key: string;
  readonly data: Float32Array;
}

export class HostParameters {
  private readonly used = new Set<string>();
  /** What `initialize` made for names the checkpoint lacks, by the name first asked for. */
  private created = new Map<string, CheckpointTensor>();
  private readonly initialized: string[] = [];

  constructor(
    private tensors: ReadonlyMap<string, CheckpointTensor>,
    /** Where the weights came from, for error messages. */
    readonly source: string,
    /** Makes a parameter the checkpoint lacks; without it, a missing parameter is a MissingWeightError. */
    private readonly initialize?: ParameterInitializer,
  ) {}

  /** The names `initialize` made because the checkpoint lacks them, in the order first asked for. */
  initializedNames(): string[] {
    return [...this.initialized];
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** Checks and reads the parameter (for a file on disk, reads it again on every call). */
  get(name: string, shape: Shape): HostParameter {
    const { key, tensor } = this.lookup(name, shape);
    return { key, data: tensor.read() as Float32Array };
  }

  /**
   * The int8 weight [out, in] of the linear layer `prefix` and its scale per output channel: as a
   * `roberta quantize` folder stores them (`<prefix>.weight` I8 beside `<prefix>.weight_scale`),
   * else quantized from the float weight (engine/quantize.ts).
   */
  int8Weight(prefix: string, shape: Shape): { readonly key: string; readonly weight: QuantizedWeight } {
    const scaleName = `${prefix}.weight_scale`;
    if (this.has(scaleName)) {
      const { key, tensor: values } = this.lookup(`${prefix}.weight`, shape, 'int32');
      const scales = this.lookup(scaleName, [shape[0]]).tensor.read() as Float32Array;
      return { key, weight: { values: Int8Array.from(values.read()), scales } };
    }
    const { key, tensor: stored } = this.lookup(`${prefix}.weight`, shape);
    return { key, weight: quantizeWeight(stored.read(), shape[0], shape[1]) };
  }

  /**
   * Checks the parameter from the checkpoint's header and marks it used, reading none of its
   * elements: the caller reads them, or streams them (CheckpointTensor.readInto).
   */
  lookup(name: string, shape: Shape, dtype: HostDType = 'float32'): { readonly key: string; readonly tensor: CheckpointTensor } {
    const key = this.find(name);
    if (key === undefined && this.initialize) {
      const tensor = this.initialize(name, shape);
      this.created.set(name, tensor);
      this.initialized.push(name);
      return { key: name, tensor };
    }
    if (key === undefined) {
      throw new MissingWeightError(`${this.source}: missing tensor "${name}" (expected shape ${formatShape(shape)}, ${dtype})`);
    }
    const tensor = this.tensors.get(key) ?? (this.created.get(key) as CheckpointTensor);
    if (!sameShape(tensor.shape, shape)) {
      throw new MissingWeightError(`${this.source}: tensor "${key}" has shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)}`);
    }
    if (tensor.dtype !== dtype) {
      const expected = dtype === 'float32' ? 'a floating-point tensor' : 'an integer tensor (int8 weights)';
      throw new MissingWeightError(`${this.source}: tensor "${key}" is ${tensor.dtype}, expected ${expected}`);
    }
    this.used.add(key);
    return { key, tensor };
  }

  private unusedAtRelease: string[] | undefined;

  /** Keys in the checkpoint that no module asked for (e.g. a pooler a task model does not use). */
  unusedKeys(): string[] {
    return this.unusedAtRelease ?? [...this.tensors.keys()].filter((k) => !this.used.has(k)).sort();
  }

  /**
   * Forgets the checkpoint once every module has its tensors, so whatever it holds (the whole
   * file, for a PyTorch checkpoint) can be garbage collected where a backend copied the tensors
   * (device buffers, wasm memory) instead of aliasing them.
   */
  release(): void {
    this.unusedAtRelease = this.unusedKeys();
    this.tensors = new Map();
    this.created = new Map();
  }

  private find(name: string): string | undefined {
    for (const key of [name, `roberta.${name}`]) if (this.tensors.has(key)) return key;
    return this.created.has(name) ? name : undefined;
  }
}
