// The two building blocks with weights that every RoBERTa module is made of, named as in
// PyTorch (`nn.Linear`, `nn.LayerNorm`) so `...attention.output.dense.weight` maps to a field.

import type { UnaryFn } from '../engine/opTypes.js';
import * as ops from '../engine/ops/index.js';
import { RandomStream } from '../engine/random.js';
import { Tensor } from '../engine/tensor.js';
import type { ParameterStore } from './parameters.js';

/** An int8 weight [out, in] with a float32 scale per output row (engine/quantize.ts). */
export interface QuantizedWeight {
  readonly values: Tensor;
  readonly scale: Tensor;
}

/** A linear layer's weight as the model's precision keeps it (precision.ts): float32 or float16, or int8. */
export type LinearWeight = Tensor | QuantizedWeight;

/** x · Wᵀ + b through the op that reads this kind of weight. */
export function applyLinear(x: Tensor, weight: LinearWeight, bias: Tensor, activation: UnaryFn | null): Tensor {
  return weight instanceof Tensor ? ops.linear(x, weight, bias, activation) : ops.quantizedLinear(x, weight.values, weight.scale, bias, activation);
}

/** The rows of an embedding table that `ids` name, through the op that reads this kind of table. */
export function embeddingLookup(table: LinearWeight, ids: Tensor, options: ops.GatherOptions = {}): Tensor {
  return table instanceof Tensor ? ops.gather(table, ids, options) : ops.quantizedGather(table.values, table.scale, ids);
}

export class Linear {
  readonly weight: LinearWeight; // [out, in], PyTorch's layout
  readonly bias: Tensor; // [out]

  constructor(params: ParameterStore, prefix: string, inFeatures: number, outFeatures: number) {
    this.weight = params.linearWeight([prefix], [outFeatures, inFeatures]);
    this.bias = params.get(`${prefix}.bias`, [outFeatures]);
  }

  /** x · Wᵀ + b, with an optional activation fused into the same kernel. */
  forward(x: Tensor, activation: UnaryFn | null = null): Tensor {
    return applyLinear(x, this.weight, this.bias, activation);
  }
}

/**
 * Several nn.Linear layers over the same input, run as one: their weights (and biases) are stacked
 * along the output axis at load, so one matrix product computes every layer's output, side by side
 * on the last axis. The checkpoint keeps each layer under its own name and shape.
 */
export class StackedLinear {
  readonly weight: LinearWeight; // [layers · out, in]
  readonly bias: Tensor; // [layers · out]

  constructor(params: ParameterStore, prefixes: readonly string[], inFeatures: number, outFeatures: number) {
    this.weight = params.linearWeight(prefixes, [outFeatures, inFeatures]);
    this.bias = params.stacked(prefixes.map((p) => `${p}.bias`), [outFeatures]);
  }

  /** [..., in] → [..., layers · out]: layer i's output in columns i·out … (i + 1)·out − 1. */
  forward(x: Tensor): Tensor {
    return applyLinear(x, this.weight, this.bias, null);
  }
}

export class LayerNorm {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    params: ParameterStore,
    prefix: string,
    size: number,
    readonly eps: number,
  ) {
    this.weight = params.get(`${prefix}.weight`, [size]);
    this.bias = params.get(`${prefix}.bias`, [size]);
  }

  /** LayerNorm(x + residual): the "add & norm" of the transformer, fused. */
  forward(x: Tensor, residual?: Tensor): Tensor {
    return ops.layerNorm(x, this.weight, this.bias, this.eps, residual);
  }
}

/**
 * Whether a model is training (PyTorch's `module.training`, one flag for the whole model here) and
 * the random stream its dropout masks come from. Every module of a model shares one.
 */
export class TrainingMode {
  training = false;
  random = new RandomStream(0);
}

/** nn.Dropout: the identity unless the model is training. */
export class Dropout {
  constructor(
    readonly p: number,
    private readonly mode: TrainingMode,
  ) {}

  /** Whether it drops anything now (training, with p > 0). */
  get active(): boolean {
    return this.mode.training && this.p > 0;
  }

  forward(x: Tensor): Tensor {
    return this.active ? ops.dropout(x, this.p, this.mode.random) : x;
  }
}
