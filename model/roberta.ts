// The RoBERTa models, as in Hugging Face:
//   RobertaModel                       embeddings → encoder (N × layer) → pooler (optional)
//   RobertaForSequenceClassification   roberta (no pooler) → classifier on <s>
//   RobertaForMaskedLM                 roberta (no pooler) → lm_head on every token
// `forward` returns tensors at once (the backend may still be computing them); read them with
// `await t.data()`. Everything it creates but does not return is disposed.

import type { Backend } from '../engine/backend.js';
import * as ops from '../engine/ops/index.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { RobertaEmbeddings } from './embeddings.js';
import { RobertaEncoder } from './encoder.js';
import { RobertaClassificationHead, RobertaLMHead } from './heads.js';
import { prepareInputs, type ModelInputs } from './inputs.js';
import type { ParameterStore } from './parameters.js';
import { RobertaPooler } from './pooler.js';

/** Hugging Face adds torch.finfo(float32).min, not −∞, to masked scores: the sums stay finite. */
export const FLOAT32_MIN = -3.4028234663852886e38;

export interface ForwardOptions {
  /** Also return the embeddings output and every layer's output (HF's output_hidden_states). */
  readonly outputHiddenStates?: boolean;
  /** Also return every layer's attention probabilities (HF's output_attentions). */
  readonly outputAttentions?: boolean;
}

export interface RobertaOutput {
  readonly lastHiddenState: Tensor; // [batch, seq, hidden]
  readonly poolerOutput?: Tensor; // [batch, hidden]
  readonly logits?: Tensor; // [batch, labels] or [batch, seq, vocab]
  readonly hiddenStates?: Tensor[]; // layers + 1 × [batch, seq, hidden]
  readonly attentions?: Tensor[]; // layers × [batch, heads, seq, seq]
}

export type RobertaArchitecture = 'RobertaModel' | 'RobertaForSequenceClassification' | 'RobertaForMaskedLM';

/** [batch, seq] of 1/0 → [batch, 1, 1, seq] of 0/FLOAT32_MIN, broadcast over heads and queries. */
function additiveAttentionMask(mask: Tensor): Tensor {
  const [batch, seq] = mask.shape;
  const keep = ops.reshape(ops.cast(mask, 'float32'), [batch, 1, 1, seq]);
  return ops.scale(ops.sub(1, keep), FLOAT32_MIN);
}

export class RobertaModel {
  readonly architecture: RobertaArchitecture = 'RobertaModel';
  readonly embeddings: RobertaEmbeddings;
  readonly encoder: RobertaEncoder;
  readonly pooler?: RobertaPooler;

  constructor(
    readonly params: ParameterStore,
    readonly config: RobertaConfig,
    addPoolingLayer = true,
  ) {
    this.embeddings = new RobertaEmbeddings(params, config);
    this.encoder = new RobertaEncoder(params, config);
    if (addPoolingLayer) this.pooler = new RobertaPooler(params, config);
  }

  get backend(): Backend {
    return this.params.backend;
  }

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return tidy(() => this.encode(inputs, options));
  }

  /** The forward pass without its own scope, for the task models that wrap it. */
  encode(inputs: ModelInputs, options: ForwardOptions): RobertaOutput {
    const { inputIds, attentionMask, tokenTypeIds } = prepareInputs(inputs, this.config, this.backend);
    const embedded = this.embeddings.forward(inputIds, tokenTypeIds); // [batch, seq, hidden]
    const outputAttentions = options.outputAttentions ?? false;
    const { hiddenStates, attentions } = this.encoder.forward(embedded, additiveAttentionMask(attentionMask), outputAttentions);
    const lastHiddenState = hiddenStates[hiddenStates.length - 1];
    return {
      lastHiddenState,
      poolerOutput: this.pooler?.forward(lastHiddenState),
      hiddenStates: options.outputHiddenStates ? hiddenStates : undefined,
      attentions: outputAttentions ? attentions : undefined,
    };
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** A task model: the encoder without its pooler, and a head on its last hidden state. */
abstract class RobertaWithHead {
  abstract readonly architecture: RobertaArchitecture;
  readonly roberta: RobertaModel;

  constructor(
    readonly params: ParameterStore,
    readonly config: RobertaConfig,
  ) {
    this.roberta = new RobertaModel(params, config, false);
  }

  get backend(): Backend {
    return this.params.backend;
  }

  /** lastHiddenState [batch, seq, hidden] → logits */
  protected abstract head(lastHiddenState: Tensor): Tensor;

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return tidy(() => {
      const out = this.roberta.encode(inputs, options);
      return { ...out, logits: this.head(out.lastHiddenState) };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}

export class RobertaForSequenceClassification extends RobertaWithHead {
  readonly architecture = 'RobertaForSequenceClassification';
  readonly classifier = new RobertaClassificationHead(this.params, this.config);

  protected head(lastHiddenState: Tensor): Tensor {
    return this.classifier.forward(lastHiddenState); // [batch, labels]
  }
}

export class RobertaForMaskedLM extends RobertaWithHead {
  readonly architecture = 'RobertaForMaskedLM';
  readonly lmHead = new RobertaLMHead(this.params, this.config, this.roberta.embeddings.wordEmbeddings);

  protected head(lastHiddenState: Tensor): Tensor {
    return this.lmHead.forward(lastHiddenState); // [batch, seq, vocab]
  }
}

export type AnyRobertaModel = RobertaModel | RobertaForSequenceClassification | RobertaForMaskedLM;
