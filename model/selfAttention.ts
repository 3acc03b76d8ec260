// RobertaSelfAttention: scaled dot-product attention, `heads` heads of size d = hidden / heads.
//   attention.self.{query,key,value}.{weight,bias}   [hidden, hidden], [hidden]

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Dropout, StackedLinear, type TrainingMode } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaSelfAttention {
  /**
   * HF's three nn.Linear layers `query`, `key` and `value`, which all read the same hidden states,
   * stacked at load into one [3·hidden, hidden] projection: one matrix product gives q, k and v
   * side by side, [batch, seq, 3·hidden].
   */
  readonly qkv: StackedLinear;
  /** On the attention probabilities, in training. */
  readonly dropout: Dropout;
  private readonly heads: number;
  private readonly headSize: number;

  constructor(params: ParameterStore, prefix: string, config: RobertaConfig, mode: TrainingMode) {
    const h = config.hiddenSize;
    this.qkv = new StackedLinear(params, [`${prefix}.query`, `${prefix}.key`, `${prefix}.value`], h, h);
    this.dropout = new Dropout(config.attentionProbsDropoutProb, mode);
    this.heads = config.numAttentionHeads;
    this.headSize = h / this.heads;
  }

  /** Part `part` (0 q, 1 k, 2 v) of qkv [batch, seq, 3·hidden] → [batch, heads, seq, d]: each head attends separately. */
  private splitHeads(qkv: Tensor, part: number): Tensor {
    const [batch, seq, width] = qkv.shape;
    const hidden = width / 3;
    const x = ops.slice(qkv, [0, 0, part * hidden], [batch, seq, hidden]);
    return ops.permute(ops.reshape(x, [batch, seq, this.heads, this.headSize]), [0, 2, 1, 3]);
  }

  /**
   * hidden [batch, seq, hidden], additiveMask [batch, 1, 1, seq] (0 keep, float32 min drop)
   * → context [batch, seq, hidden], and the attention probabilities [batch, heads, seq, seq] when
   * `outputAttentions` asks for them.
   */
  forward(hidden: Tensor, additiveMask: Tensor, outputAttentions = false): { context: Tensor; probs?: Tensor } {
    const [batch, seq, size] = hidden.shape;
    const qkv = this.qkv.forward(hidden);
    // softmax(q·kᵀ/√d + mask)·v. Without the scaling, dot products grow with d and saturate the softmax.
    const scale = 1 / Math.sqrt(this.headSize);
    if (!outputAttentions && !this.dropout.active) {
      // The same in one op, which a backend may fuse, reading each head where it lies in qkv and
      // writing the context in place, without ever storing the [seq, seq] scores.
      return { context: ops.qkvAttention(qkv, additiveMask, this.heads, scale) };
    }
    const [q, k, v] = [0, 1, 2].map((part) => this.splitHeads(qkv, part));
    const scores = ops.scale(ops.matmul(q, k, { transposeB: true }), scale); // [batch, heads, seq, seq]
    const probs = this.dropout.forward(ops.softmax(scores, additiveMask)); // HF returns them after dropout too
    const context = ops.matmul(probs, v); // [batch, heads, seq, d]
    return { context: ops.reshape(ops.permute(context, [0, 2, 1, 3]), [batch, seq, size]), probs };
  }
}
