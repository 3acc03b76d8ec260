// Reverse-mode automatic differentiation, part 1: the tape. While an op runs with an input that
// needs a gradient (a leaf with `requiresGrad`, or the output of an op recorded here), the op is
// appended to the tape with what its gradient rule will read: views of the inputs and outputs it
// names, which keep their storage alive after the forward's `tidy` has disposed the tensors
// themselves. When no input needs a gradient (inference), `record` is never called: the forward
// allocates nothing more than it did before autograd existed.
//
// Gradient rules are defined beside their forward op (`defineGradient` in engine/ops/*), as
// compositions of forward ops where that is exact, or with a backward op of their own. backward.ts
// walks the tape in reverse.

import { OpError } from './errors.js';
import type { OpAttrs, OpName } from './opTypes.js';
import { keep } from './scope.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Ops that differentiate: every kernel op, and reshape (a view, no kernel). */
export type GradOpName = OpName | 'reshape';
export type GradAttrs = OpAttrs & { reshape: Readonly<Record<string, never>> };

/** What a gradient rule sees of the op it differentiates. */
export interface GradContext<Op extends GradOpName = GradOpName> {
  readonly attrs: GradAttrs[Op];
  readonly inputShapes: readonly Shape[];
  /** The inputs the rule asked to save (`saves.inputs`), by input index; the rest are undefined. */
  readonly inputs: readonly (Tensor | undefined)[];
  /** The outputs the rule asked to save (`saves.outputs`). */
  readonly outputs: readonly (Tensor | undefined)[];
  /** Which inputs need a gradient: the rule may skip the others. */
  readonly needs: readonly boolean[];
}

export interface GradientRule<Op extends GradOpName = GradOpName> {
  /** Which inputs and outputs `backward` reads, so the tape keeps exactly those alive. */
  saves(attrs: GradAttrs[Op]): { readonly inputs?: readonly number[]; readonly outputs?: readonly number[] };
  /**
   * The gradients of the loss with respect to each input, from those with respect to each
   * output (undefined for an output nothing flowed back to); undefined where not needed.
   * Runs with recording off; every tensor it makes but does not return is disposed.
   */
  backward(ctx: GradContext<Op>, grads: readonly (Tensor | undefined)[]): (Tensor | undefined)[];
}

const rules = new Map<GradOpName, GradientRule>();

export function defineGradient<Op extends GradOpName>(op: Op, rule: GradientRule<Op>): void {
  if (rules.has(op)) throw new Error(`defineGradient: ${op} already has a gradient rule`);
  rules.set(op, rule as unknown as GradientRule);
}

export function gradientRule(op: GradOpName): GradientRule | undefined {
  return rules.get(op);
}

/** One recorded op. Its `grads` fill up during backward, one per output. */
export interface TapeEntry {
  readonly op: GradOpName;
  readonly context: GradContext;
  /** Where each input's gradient goes: the entry that made it, the leaf itself, or nowhere. */
  readonly edges: readonly (TapeEdge | Tensor | undefined)[];
  readonly grads: (Tensor | undefined)[];
  released: boolean;
}

export interface TapeEdge {
  readonly entry: TapeEntry;
  readonly output: number;
}

let recording = true;
let entries: TapeEntry[] = [];

/** Whether `t` takes part in differentiation: a leaf that requires it, or a recorded op's output. */
export function needsGrad(t: Tensor): boolean {
  return t.requiresGrad || (t.gradFn !== undefined && !t.gradFn.entry.released);
}

/** True when ops on `inputs` must be recorded (some input needs a gradient and recording is on). */
export function shouldRecord(inputs: readonly Tensor[]): boolean {
  return recording && inputs.some(needsGrad);
}

/** A view of `t` that outlives it, owned by the tape (not by any `tidy` scope). */
function save(t: Tensor): Tensor {
  return keep(t.viewAs(t.shape));
}

/** Appends `op` to the tape and marks its float outputs as produced by it. Call when `shouldRecord`. */
export function record(op: GradOpName, inputs: readonly Tensor[], attrs: GradAttrs[GradOpName], outputs: readonly Tensor[]): void {
  if (outputs.every((t) => t.dtype !== 'float32')) return; // int results (ids, argmax) carry no gradient
  const rule = rules.get(op);
  if (!rule) throw new OpError(op, 'has no gradient rule: run it on tensors that do not require gradients, or under noGrad()');
  const saves = rule.saves(attrs as never);
  const savedInputs: (Tensor | undefined)[] = inputs.map(() => undefined);
  const savedOutputs: (Tensor | undefined)[] = outputs.map(() => undefined);
  for (const i of saves.inputs ?? []) if (inputs[i] !== undefined) savedInputs[i] = save(inputs[i]);
  for (const i of saves.outputs ?? []) savedOutputs[i] = save(outputs[i]);
  const needs = inputs.map(needsGrad);
  const entry: TapeEntry = {
    op,
    context: { attrs, inputShapes: inputs.map((t) => t.shape), inputs: savedInputs, outputs: savedOutputs, needs },
    edges: inputs.map((t, i) => (!needs[i] ? undefined : t.gradFn ?? t)),
    grads: outputs.map(() => undefined),
    released: false,
  };
  entries.push(entry);
  outputs.forEach((t, output) => {
    if (t.dtype === 'float32') t.gradFn = { entry, output };
  });
}

/** Frees what `entry` saved and any gradients it still holds; its outputs no longer need gradients. */
export function release(entry: TapeEntry): void {
  if (entry.released) return;
  entry.released = true;
  for (const t of [...entry.context.inputs, ...entry.context.outputs, ...entry.grads]) t?.dispose();
  entry.grads.fill(undefined);
}

/** Takes the whole tape (for backward, which releases every entry). */
export function takeTape(): TapeEntry[] {
  const taken = entries;
  entries = [];
  return taken;
}

/** How many entries the tape holds (tests: inference records none). */
export function tapeLength(): number {
  return entries.length;
}

/** Drops everything recorded so far without differentiating (an abandoned forward pass). */
export function clearTape(): void {
  for (const entry of takeTape()) release(entry);
}

/** Runs `fn` with recording off: nothing it does is differentiated (evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const before = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = before;
  }
}
