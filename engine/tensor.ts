// A tensor: a shape, a dtype, and storage owned by one backend. Tensors are immutable; ops make
// new ones. `reshape` makes a second tensor over the same storage, so storage is reference
// counted and freed when its last tensor is disposed.

import type { Backend, TensorInfo } from './backend.js';
import { dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { halfBitsToFloat } from './halfFloat.js';
import { setTensorCheck, track } from './scope.js';
import type { TapeEdge } from './tape.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/** Storage shared by a tensor and its reshaped views. */
class StorageRef {
  private refs = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: unknown,
  ) {}
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs === 0) {
      this.backend.free(this.storage);
      live.buffers--;
    }
  }
}

const live = { tensors: 0, buffers: 0 };

/** Live tensors and storage objects, over every backend (for leak tests and reports). */
export function liveCounts(): { tensors: number; buffers: number } {
  return { ...live };
}

let nextId = 0;

export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  private disposed = false;
  /**
   * Set on a leaf (a parameter) to have `backward` (backward.ts) accumulate its gradient in `grad`.
   * Ops on such a tensor are recorded on the tape; with none set, nothing is (tape.ts).
   */
  requiresGrad = false;
  /** A leaf's accumulated gradient (same shape), owned by the leaf's user: dispose or reuse it. */
  grad: Tensor | undefined = undefined;
  /** The tape entry that produced this tensor and which of its outputs it is, when it was recorded. */
  gradFn: TapeEdge | undefined = undefined;

  private constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    private ref: StorageRef,
  ) {
    this.size = sizeOf(shape);
    live.tensors++;
    track(this);
  }

  /** Wraps storage a kernel or upload just produced. */
  static fromStorage(backend: Backend, storage: unknown, shape: Shape, dtype: DType): Tensor {
    live.buffers++;
    return new Tensor(Object.freeze([...shape]), dtype, new StorageRef(backend, storage));
  }

  /** A tensor with another shape (same size) over the same storage: no copy. */
  viewAs(shape: Shape): Tensor {
    this.assertLive('reshape');
    this.ref.retain();
    return new Tensor(Object.freeze([...shape]), this.dtype, this.ref);
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.ref.backend;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** What a kernel receives. */
  info(): TensorInfo {
    return { storage: this.ref.storage, shape: this.shape, dtype: this.dtype, size: this.size };
  }

  /**
   * Replaces the elements with `values` (this tensor's size and dtype), in new storage: the one
   * change the engine allows a tensor, so that an optimizer step reaches every module holding the
   * parameter. Views made before (the tape's saved copies) keep the old values, as they should.
   */
  overwrite(values: TypedArray): void {
    this.assertLive('overwrite');
    if (values.length !== this.size || dtypeOfArray(values) !== this.dtype) {
      throw new Error(`overwrite: ${values.length} values of ${dtypeOfArray(values) ?? 'another type'} for tensor #${this.id} ${formatShape(this.shape)} ${this.dtype}`);
    }
    const next = new StorageRef(this.backend, this.backend.upload(values, this.dtype));
    live.buffers++;
    this.ref.release();
    this.ref = next;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    live.tensors--;
    this.ref.release();
  }

  assertLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: tensor #${this.id} ${formatShape(this.shape)} was disposed`);
  }

  /** The elements, row-major. Waits for the work that produces them. */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    return this.backend.read(this.ref.storage, this.dtype, this.size);
  }

  /** The elements as nested arrays following the shape (a number for rank 0). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** A readable description with values; waits for the data on any backend. */
  async format(): Promise<string> {
    return describe(this, await this.data());
  }

  /** A readable description; values are included where the backend can read synchronously. */
  toString(): string {
    if (this.disposed) return `Tensor #${this.id} ${formatShape(this.shape)} ${this.dtype} (disposed)`;
    const readSync = this.backend.readSync;
    if (!readSync) return `${header(this)} (on device: await t.format() to see values)`;
    return describe(this, readSync.call(this.backend, this.ref.storage, this.dtype, this.size));
  }
}

setTensorCheck((v: unknown): v is Tensor => v instanceof Tensor);

function header(t: Tensor): string {
  return `Tensor ${formatShape(t.shape)} ${t.dtype} on ${t.backend.name}`;
}

const MAX_SHOWN = 6;

function formatValue(v: number, dtype: DType): string {
  if (dtype === 'int32' || dtype === 'int8') return String(v);
  return Number((dtype === 'float16' ? halfBitsToFloat(v) : v).toPrecision(6)).toString();
}

/** Nested brackets like NumPy, eliding the middle of long axes. */
function describe(t: Tensor, data: TypedArray): string {
  const strides = t.shape.map((_, axis) => sizeOf(t.shape.slice(axis + 1)));
  const render = (axis: number, offset: number): string => {
    if (axis === t.rank) return formatValue(data[offset], t.dtype);
    const n = t.shape[axis];
    const picks = n <= MAX_SHOWN ? [...Array(n).keys()] : [0, 1, 2, -1, n - 3, n - 2, n - 1];
    const parts = picks.map((i) => (i < 0 ? '...' : render(axis + 1, offset + i * strides[axis])));
    return `[${parts.join(axis === t.rank - 1 ? ', ' : ',\n' + ' '.repeat(axis + 1))}]`;
  };
  return `${header(t)}\n${render(0, 0)}`;
}

function nest(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (axis: number, offset: number): NestedArray[] => {
    const n = shape[axis];
    const inner = sizeOf(shape.slice(axis + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner);
    }
    return out;
  };
  return build(0, 0);
}
