// How a kernel is described to the backend: a gpu.js kernel function plus the constants baked into
// its compiled form. gpu.js runs the function once per output element (`this.thread` is the
// element's position, x fastest) and compiles it for one output size and one set of constants, so
// shapes and loop bounds are constants and the backend caches one compiled kernel per
// (program, output size, argument sizes, constants).

import { OpError } from '../../engine/errors.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { GpujsStorage } from './storage.js';

/**
 * gpu.js computes in float32, where integers are exact only below 2^24: thread positions, loop
 * counters and flat indices beyond it would silently round, so no kernel dimension may reach it.
 */
export const MAX_EXACT_INDEX = 2 ** 24;

/** Refuses a tensor whose flat indices float32 cannot count exactly. */
export function checkFlatIndexable(op: string, what: string, shape: Shape, size: number): void {
  if (size >= MAX_EXACT_INDEX) {
    throw new OpError(op, `${what} ${formatShape(shape)} has ${size} elements; the gpujs backend indexes it with float32 arithmetic, exact only below 2^24 = ${MAX_EXACT_INDEX}`);
  }
}

/** Refuses a length (a loop bound, a row count) float32 cannot count exactly. */
export function checkExactCount(op: string, what: string, count: number): void {
  if (count >= MAX_EXACT_INDEX) {
    throw new OpError(op, `${what} is ${count}; the gpujs backend counts it with float32 arithmetic, exact only below 2^24 = ${MAX_EXACT_INDEX}`);
  }
}

/** `this` inside a kernel function. */
export interface KernelThis<C> {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: C;
}

/** What a kernel function sees of an array argument of 1, 2 or 3 dimensions. */
export type Vec = readonly number[];
export type Mat = readonly Vec[];
export type Cube = readonly Mat[];

export type Constants = { readonly [name: string]: number | readonly number[] };

/** A function gpu.js compiles along with the kernel (see functions.ts). */
export type DeviceFunction = (...args: never[]) => unknown;

export interface Program<C extends Constants = Constants> {
  /** Names the kernel in the compile cache and in errors ('softmax.rowMax'). */
  readonly name: string;
  /** Must be a plain `function` (gpu.js parses its source); returns the element's value. */
  readonly source: (this: KernelThis<C>, ...args: never[]) => number;
  readonly constants: C;
  readonly functions?: readonly DeviceFunction[];
}

/**
 * An array argument: float32 storage, read by the kernel with `dims` ([x], [x, y] or [x, y, z],
 * x fastest; their product is the storage's size). Numbers are passed as float scalars.
 */
export interface ArrayArgument {
  readonly storage: GpujsStorage;
  readonly dims: readonly number[];
}

export type KernelArgument = ArrayArgument | number;

/** A flat view: one dimension. */
export const flat = (storage: GpujsStorage): ArrayArgument => ({ storage, dims: [Math.max(1, storage.size)] });

/** A [rows, n] view, indexed as `x[row][column]` (the dims gpu.js wants are [n, rows]). */
export const rows = (storage: GpujsStorage, n: number): ArrayArgument => ({ storage, dims: [n, n === 0 ? 0 : storage.size / n] });
