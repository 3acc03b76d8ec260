// One encoder layer, as in HF (RobertaAttention + RobertaIntermediate + RobertaOutput):
//   x ─► self-attention ─► dense ─► add & norm ─► dense+act ─► dense ─► add & norm ─►
//   └────────────────────────────────┘       └─────────────────────────────┘
// Weights under encoder.layer.{i}.:
//   attention.self.*                      (selfAttention.ts)
//   attention.output.dense, attention.output.LayerNorm
//   intermediate.dense                    [intermediate, hidden]
//   output.dense, output.LayerNorm        [hidden, intermediate]

import type { UnaryFn } from '../engine/opTypes.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Dropout, LayerNorm, Linear, type TrainingMode } from './nn.js';
import type { ParameterStore } from './parameters.js';
import { RobertaSelfAttention } from './selfAttention.js';

export class RobertaLayer {
  readonly attention: { readonly self: RobertaSelfAttention; readonly output: { readonly dense: Linear; readonly LayerNorm: LayerNorm } };
  readonly intermediate: { readonly dense: Linear };
  readonly output: { readonly dense: Linear; readonly LayerNorm: LayerNorm };
  private readonly activation: UnaryFn;
  /** On each sub-layer's output before its add & norm (HF's RobertaSelfOutput and RobertaOutput), in training. */
  private readonly dropout: Dropout;

  constructor(params: ParameterStore, prefix: string, config: RobertaConfig, mode: TrainingMode) {
    const h = config.hiddenSize;
    const ffn = config.intermediateSize;
    const eps = config.layerNormEps;
    this.attention = {
      self: new RobertaSelfAttention(params, `${prefix}.attention.self`, config, mode),
      output: {
        dense: new Linear(params, `${prefix}.attention.output.dense`, h, h),
        LayerNorm: new LayerNorm(params, `${prefix}.attention.output.LayerNorm`, h, eps),
      },
    };
    this.intermediate = { dense: new Linear(params, `${prefix}.intermediate.dense`, h, ffn) };
    this.output = {
      dense: new Linear(params, `${prefix}.output.dense`, ffn, h),
      LayerNorm: new LayerNorm(params, `${prefix}.output.LayerNorm`, h, eps),
    };
    this.activation = config.hiddenAct; // config.ts maps HF's names (gelu_pytorch_tanh, swish, …) onto ours
    this.dropout = new Dropout(config.hiddenDropoutProb, mode);
  }

  /** hidden [batch, seq, hidden] → the layer's output [batch, seq, hidden] (and its attention probabilities, if asked for). */
  forward(hidden: Tensor, additiveMask: Tensor, outputAttentions = false): { hidden: Tensor; probs?: Tensor } {
    const { context, probs } = this.attention.self.forward(hidden, additiveMask, outputAttentions);
    const attended = this.attention.output.LayerNorm.forward(this.dropout.forward(this.attention.output.dense.forward(context)), hidden);
    const expanded = this.intermediate.dense.forward(attended, this.activation); // [batch, seq, intermediate]
    const out = this.output.LayerNorm.forward(this.dropout.forward(this.output.dense.forward(expanded)), attended);
    return { hidden: out, probs };
  }
}
