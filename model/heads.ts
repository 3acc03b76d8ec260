// Task heads on top of the encoder. HF writes some heads as modules of their own (these classes)
// and others as a bare nn.Linear inside the task model (token classification's `classifier`,
// question answering's `qa_outputs`, multiple choice's `classifier`, see roberta.ts); what
// those need beyond the Linear is here too.
//
// Heads drop out as HF's do, in training only (nn.ts's Dropout is the identity otherwise).

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Dropout, LayerNorm, Linear, type TrainingMode } from './nn.js';
import type { ParameterStore } from './parameters.js';

/**
 * RobertaClassificationHead: dense → tanh → out_proj on the <s> token (not the pooler).
 *   classifier.dense [hidden, hidden], classifier.out_proj [num_labels, hidden]
 */
export class RobertaClassificationHead {
  readonly dense: Linear;
  readonly outProj: Linear;
  readonly dropout: Dropout;

  constructor(params: ParameterStore, config: RobertaConfig, mode: TrainingMode) {
    this.dense = new Linear(params, 'classifier.dense', config.hiddenSize, config.hiddenSize);
    this.outProj = new Linear(params, 'classifier.out_proj', config.hiddenSize, config.numLabels);
    this.dropout = new Dropout(config.classifierDropout ?? config.hiddenDropoutProb, mode);
  }

  /** [batch, seq, hidden] → logits [batch, num_labels] */
  forward(hidden: Tensor): Tensor {
    const x = this.dense.forward(this.dropout.forward(ops.select(hidden, 1, 0)), 'tanh');
    return this.outProj.forward(this.dropout.forward(x));
  }
}

/**
 * RobertaLMHead: dense → GELU (always the exact form, whatever hidden_act says) → LayerNorm →
 * decoder to vocabulary logits. The decoder weight is tied to the word embeddings: checkpoints
 * usually omit `lm_head.decoder.weight`, and its bias is `lm_head.bias`.
 *   lm_head.dense [hidden, hidden], lm_head.layer_norm [hidden], lm_head.bias [vocab]
 */
export class RobertaLMHead {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly decoderWeight: Tensor; // [vocab, hidden]
  readonly bias: Tensor; // [vocab]

  constructor(params: ParameterStore, config: RobertaConfig, wordEmbeddings: Tensor) {
    const h = config.hiddenSize;
    this.dense = new Linear(params, 'lm_head.dense', h, h);
    this.layerNorm = new LayerNorm(params, 'lm_head.layer_norm', h, config.layerNormEps);
    this.decoderWeight = params.has('lm_head.decoder.weight') ? params.get('lm_head.decoder.weight', [config.vocabSize, h]) : wordEmbeddings;
    this.bias = params.has('lm_head.bias') ? params.get('lm_head.bias', [config.vocabSize]) : params.get('lm_head.decoder.bias', [config.vocabSize]);
  }

  /** [batch, seq, hidden] → logits [batch, seq, vocab] */
  forward(hidden: Tensor): Tensor {
    const x = this.layerNorm.forward(this.dense.forward(hidden, 'gelu'));
    return ops.linear(x, this.decoderWeight, this.bias);
  }
}

/**
 * The span logits of question answering: qa_outputs' [batch, seq, 2] split along its last axis
 * into start and end logits, each [batch, seq] (HF's `logits.split(1, dim=-1)` + `squeeze(-1)`).
 */
export function splitSpanLogits(logits: Tensor): { startLogits: Tensor; endLogits: Tensor } {
  return { startLogits: ops.select(logits, 2, 0), endLogits: ops.select(logits, 2, 1) };
}
