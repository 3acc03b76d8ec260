// RobertaSelfAttention: scaled dot-product attention, `heads` heads of size d = hidden / heads.
//   attention.self.{query,key,value}.{weight,bias}   [hidden, hidden], [hidden]

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Linear } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaSelfAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  private readonly heads: number;
  private readonly headSize: number;

  constructor(params: ParameterStore, prefix: string, config: RobertaConfig) {
    const h = config.hiddenSize;
    this.query = new Linear(params, `${prefix}.query`, h, h);
    this.key = new Linear(params, `${prefix}.key`, h, h);
    this.value = new Linear(params, `${prefix}.value`, h, h);
    this.heads = config.numAttentionHeads;
    this.headSize = h / this.heads;
  }

  /** [batch, seq, hidden] → [batch, heads, seq, d]: each head attends separately. */
  private splitHeads(x: Tensor): Tensor {
    const [batch, seq] = x.shape;
    return ops.permute(ops.reshape(x, [batch, seq, this.heads, this.headSize]), [0, 2, 1, 3]);
  }

  /**
   * hidden [batch, seq, hidden], additiveMask [batch, 1, 1, seq] (0 keep, float32 min drop)
   * → context [batch, seq, hidden] and the attention probabilities [batch, heads, seq, seq].
   */
  forward(hidden: Tensor, additiveMask: Tensor): { context: Tensor; probs: Tensor } {
    const [batch, seq, size] = hidden.shape;
    const q = this.splitHeads(this.query.forward(hidden));
    const k = this.splitHeads(this.key.forward(hidden));
    const v = this.splitHeads(this.value.forward(hidden));
    // Scores q·kᵀ/√d: without the scaling, dot products grow with d and saturate the softmax.
    const scores = ops.scale(ops.matmul(q, k, { transposeB: true }), 1 / Math.sqrt(this.headSize)); // [batch, heads, seq, seq]
    const probs = ops.softmax(scores, additiveMask);
    const context = ops.matmul(probs, v); // [batch, heads, seq, d]
    return { context: ops.reshape(ops.permute(context, [0, 2, 1, 3]), [batch, seq, size]), probs };
  }
}
