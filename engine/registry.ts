// Kernels are registered per (backend, op). A backend that lacks a kernel for an op fails loudly
// when the op runs; registering the same pair twice is a bug and refused at once.
//
// Composite ops are the exception. An op that is defined as a composition of other ops (attention:
// matmul → scale → softmax → matmul) may have a kernel that fuses the steps; a backend without one
// still runs the op, through the composition. Such an op asks `hasKernel` and falls back; the fused
// kernel must compute what the composition does (tests hold it to the same CPU reference), so
// which path runs changes speed and memory, never the meaning. While some input requires a gradient
// (tape.ts) a composite op takes its composition, whose ops the tape records one by one: a fused
// kernel has no gradient rule of its own.

import type { Backend, OutputSpec, TensorInfo } from './backend.js';
import type { OpAttrs, OpName } from './opTypes.js';

export type Kernel<Op extends OpName = OpName, S = unknown, B extends Backend<S> = Backend<S>> = (
  backend: B,
  inputs: readonly TensorInfo<S>[],
  attrs: OpAttrs[Op],
  outputs: readonly OutputSpec[],
) => S[];

const kernels = new Map<string, Kernel>();

const keyOf = (backend: string, op: OpName) => `${backend}/${op}`;

export function registerKernel<Op extends OpName, S, B extends Backend<S>>(
  backend: B['name'],
  op: Op,
  kernel: Kernel<Op, S, B>,
): void {
  const key = keyOf(backend, op);
  if (kernels.has(key)) throw new Error(`registerKernel: a kernel for ${key} is already registered`);
  kernels.set(key, kernel as unknown as Kernel);
}

export function getKernel(backend: string, op: OpName): Kernel {
  const kernel = kernels.get(keyOf(backend, op));
  if (!kernel) throw new Error(`${op}: the ${backend} backend has no kernel for this op`);
  return kernel;
}

/** Whether `backend` has its own kernel for `op` (composite ops ask, to choose their path). */
export function hasKernel(backend: string, op: OpName): boolean {
  return kernels.has(keyOf(backend, op));
}

export function registeredOps(backend: string): OpName[] {
  const prefix = `${backend}/`;
  return [...kernels.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length) as OpName);
}
