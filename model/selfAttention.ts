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
   * → context [batch, seq, hidden], and the attention probabilities [batch, heads, seq, seq] when
   * `outputAttentions` asks for them.
   */
  forward(hidden: Tensor, additiveMask: Tensor, outputAttentions = false): { context: Tensor; probs?: Tensor } {
    const [batch, seq, size] = hidden.shape;
    const q = this.splitHeads(this.query.forward(hidden));
    const k = this.splitHeads(this.key.forward(hidden));
    const v = this.splitHeads(this.value.forward(hidden));
    // softmax(q·kᵀ/√d + mask)·v. Without the scaling, dot products grow with d and saturate the softmax.
    const scale = 1 / Math.sqrt(this.headSize);
    let context: Tensor; // [batch, heads, seq, d]
    let probs: Tensor | undefined;
    if (outputAttentions) {
      const scores = ops.scale(ops.matmul(q, k, { transposeB: true }), scale); // [batch, heads, seq, seq]
      probs = ops.softmax(scores, additiveMask);
      context = ops.matmul(probs, v);
    } else {
      // The same in one op, which a backend may fuse without ever storing the [seq, seq] scores.
      context = ops.attention(q, k, v, additiveMask, scale);
    }
    return { context: ops.reshape(ops.permute(context, [0, 2, 1, 3]), [batch, seq, size]), probs };
  }
}
