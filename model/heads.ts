// Task heads on top of the encoder. HF writes some heads as modules of their own (these classes)
// and others as a bare nn.Linear inside the task model (token classification's `classifier`,
// question answering's `qa_outputs`, multiple choice's `classifier`, see roberta.ts); what
// those need beyond the Linear is here too.
//
// Heads drop out as HF's do, in training only (nn.ts's Dropout is the identity otherwise).

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { InputError } from './inputs.js';
import { applyLinear, Dropout, LayerNorm, Linear, type LinearWeight, type TrainingMode } from './nn.js';
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
 * decoder to vocabulary logits. The decoder weight is tied to the word embeddings (unless
 * tie_word_embeddings is false): checkpoints usually omit `lm_head.decoder.weight`, and its bias
 * is `lm_head.bias` (`lm_head.decoder.bias` in some older files).
 *   lm_head.dense [hidden, hidden], lm_head.layer_norm [hidden], lm_head.bias [vocab]
 */
export class RobertaLMHead {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly decoderWeight: LinearWeight; // [vocab, hidden]: the word embeddings (int8 under --q8-embeddings), unless untied
  readonly bias: Tensor; // [vocab]

  constructor(params: ParameterStore, config: RobertaConfig, wordEmbeddings: LinearWeight) {
    const h = config.hiddenSize;
    this.dense = new Linear(params, 'lm_head.dense', h, h);
    this.layerNorm = new LayerNorm(params, 'lm_head.layer_norm', h, config.layerNormEps);
    const untied = params.has('lm_head.decoder.weight') || !config.tieWordEmbeddings;
    this.decoderWeight = untied ? params.get('lm_head.decoder.weight', [config.vocabSize, h]) : wordEmbeddings;
    const oldBias = params.has('lm_head.decoder.bias') && !params.has('lm_head.bias');
    this.bias = params.get(oldBias ? 'lm_head.decoder.bias' : 'lm_head.bias', [config.vocabSize]);
  }

  /** [..., hidden] → logits [..., vocab]: every token of [batch, seq, hidden], or the rows tokensAt picked. */
  forward(hidden: Tensor): Tensor {
    const x = this.layerNorm.forward(this.dense.forward(hidden, 'gelu'));
    return applyLinear(x, this.decoderWeight, this.bias, null);
  }
}

/**
 * The hidden states of chosen tokens: [batch, seq, hidden] read as [batch · seq, hidden] rows, and
 * the rows at `positions` (flat indices b · seq + s) gathered into [positions, hidden]. The
 * gather's gradient adds each row's back into its token, so training through it reaches the
 * encoder. Positions are checked here, on the host: a device's gather cannot report a bad one.
 */
export function tokensAt(hidden: Tensor, positions: ArrayLike<number>): Tensor {
  const [batch, seq, size] = hidden.shape;
  const tokens = batch * seq;
  if (positions.length === 0) throw new InputError('no masked positions given: name at least one token (flat index b · seq + s)');
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (!Number.isInteger(p) || p < 0 || p >= tokens) {
      throw new InputError(`masked position [${i}] = ${p} is not a token of the batch: flat indices b · ${seq} + s lie in [0, ${tokens - 1}] (${batch} sequences × ${seq} tokens)`);
    }
  }
  const ids = ops.tensor(Int32Array.from(positions), [positions.length], 'int32', hidden.backend);
  return ops.gather(ops.reshape(hidden, [tokens, size]), ids);
}

/**
 * The span logits of question answering: qa_outputs' [batch, seq, 2] split along its last axis
 * into start and end logits, each [batch, seq] (HF's `logits.split(1, dim=-1)` + `squeeze(-1)`).
 */
export function splitSpanLogits(logits: Tensor): { startLogits: Tensor; endLogits: Tensor } {
  return { startLogits: ops.select(logits, 2, 0), endLogits: ops.select(logits, 2, 1) };
}
