// Where a module gets its weights. Every parameter is asked for by its Hugging Face name and
// expected shape; a missing or misshaped tensor is an error naming both (never a silent random
// init). Names are tried with and without the `roberta.` prefix, since bare `RobertaModel`
// checkpoints have none and task models put the encoder under it. What was never asked for is
// reported as unused.

import type { Backend } from '../engine/backend.js';
import { tensor } from '../engine/ops/creation.js';
import { formatShape, sameShape, type Shape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import type { HostTensor } from './weights/hostTensor.js';

export class MissingWeightError extends Error {
  override readonly name = 'MissingWeightError';
}

export class ParameterStore {
  private readonly used = new Set<string>();
  private readonly uploaded: Tensor[] = [];
  private readonly cache = new Map<string, Tensor>();

  constructor(
    private readonly host: ReadonlyMap<string, HostTensor>,
    readonly backend: Backend,
    /** Where the weights came from, for error messages. */
    readonly source: string,
  ) {}

  /** The key under which `name` is stored, if any. */
  find(name: string): string | undefined {
    for (const key of [name, `roberta.${name}`]) if (this.host.has(key)) return key;
    return undefined;
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The parameter `name` of shape `shape`, uploaded to the backend once. */
  get(name: string, shape: Shape): Tensor {
    const key = this.find(name);
    if (key === undefined) {
      throw new MissingWeightError(`${this.source}: missing tensor "${name}" (expected shape ${formatShape(shape)}, float32)`);
    }
    const host = this.host.get(key) as HostTensor;
    if (!sameShape(host.shape, shape)) {
      throw new MissingWeightError(`${this.source}: tensor "${key}" has shape ${formatShape(host.shape)}, expected ${formatShape(shape)}`);
    }
    if (host.dtype !== 'float32') {
      throw new MissingWeightError(`${this.source}: tensor "${key}" is ${host.dtype}, expected a floating-point tensor`);
    }
    this.used.add(key);
    let t = this.cache.get(key);
    if (!t) {
      t = tensor(host.data, host.shape, 'float32', this.backend);
      this.cache.set(key, t);
      this.uploaded.push(t);
    }
    return t;
  }

  /** Keys in the checkpoint that no module asked for (e.g. a pooler a task model does not use). */
  unusedKeys(): string[] {
    return [...this.host.keys()].filter((k) => !this.used.has(k)).sort();
  }

  dispose(): void {
    for (const t of this.uploaded) t.dispose();
    this.uploaded.length = 0;
    this.cache.clear();
  }
}
