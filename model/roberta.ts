// The RoBERTa models, as in Hugging Face:
//   RobertaModel                       embeddings → encoder (N × layer) → pooler (optional)
//   RobertaForSequenceClassification   roberta (no pooler) → classifier on <s>
//   RobertaForMaskedLM                 roberta (no pooler) → lm_head on every token (or on chosen ones)
//   RobertaForTokenClassification      roberta (no pooler) → classifier (Linear) on every token
//   RobertaForQuestionAnswering        roberta (no pooler) → qa_outputs (Linear to 2) on every token
//   RobertaForMultipleChoice           choices flattened to rows → roberta (with pooler) →
//                                      classifier (Linear to 1) on each pooled row
// `forward` returns tensors at once (the backend may still be computing them); read them with
// `await t.data()`. Everything it creates but does not return is disposed.

import type { Backend } from '../engine/backend.js';
import * as ops from '../engine/ops/index.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { RobertaEmbeddings } from './embeddings.js';
import { RobertaEncoder } from './encoder.js';
import { RobertaClassificationHead, RobertaLMHead, splitSpanLogits, tokensAt } from './heads.js';
import { flattenChoices, prepareInputs, type ModelInputs } from './inputs.js';
import { Dropout, Linear, TrainingMode } from './nn.js';
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

/** The outputs under HF's names in camelCase. For multiple choice, `batch` below is batch · choices. */
export interface RobertaOutput {
  readonly lastHiddenState: Tensor; // [batch, seq, hidden]
  readonly poolerOutput?: Tensor; // [batch, hidden]
  /**
   * [batch, labels] (sequence), [batch, seq, vocab] (masked LM; [positions, vocab] from forwardAt),
   * [batch, seq, labels] (token), [examples, choices] (multiple choice)
   */
  readonly logits?: Tensor;
  readonly startLogits?: Tensor; // [batch, seq] (question answering)
  readonly endLogits?: Tensor; // [batch, seq] (question answering)
  readonly hiddenStates?: Tensor[]; // layers + 1 × [batch, seq, hidden]
  readonly attentions?: Tensor[]; // layers × [batch, heads, seq, seq]
}

/**
 * `out` under Hugging Face's names — last_hidden_state, pooler_output, logits, start_logits,
 * end_logits, hidden_states.{i}, attentions.{i} — as `roberta forward` and the ONNX export write them.
 */
export function namedOutputs(out: RobertaOutput): Map<string, Tensor> {
  const named = new Map<string, Tensor>([['last_hidden_state', out.lastHiddenState]]);
  const heads: [string, Tensor | undefined][] = [
    ['pooler_output', out.poolerOutput],
    ['logits', out.logits],
    ['start_logits', out.startLogits],
    ['end_logits', out.endLogits],
  ];
  for (const [name, t] of heads) if (t) named.set(name, t);
  out.hiddenStates?.forEach((t, i) => named.set(`hidden_states.${i}`, t));
  out.attentions?.forEach((t, i) => named.set(`attentions.${i}`, t));
  return named;
}

/** Every tensor of `out`, each once (the last hidden state is also the last of the hidden states). */
export function outputTensors(out: RobertaOutput): Tensor[] {
  return [...new Set(namedOutputs(out).values())];
}

/** Disposes every tensor of a forward pass's output. */
export function disposeOutput(out: RobertaOutput): void {
  for (const t of outputTensors(out)) t.dispose();
}

export type RobertaArchitecture =
  | 'RobertaModel'
  | 'RobertaForSequenceClassification'
  | 'RobertaForMaskedLM'
  | 'RobertaForTokenClassification'
  | 'RobertaForQuestionAnswering'
  | 'RobertaForMultipleChoice';

/**
 * The name PyTorch's `named_parameters()` gives a module's parameter `name` in the Hugging Face
 * model: task models keep the encoder under `roberta.`, and the masked-LM decoder's bias (tied to
 * it) is listed as `lm_head.bias`.
 */
export function huggingFaceName(architecture: RobertaArchitecture, name: string): string {
  if (name === 'lm_head.decoder.bias') return 'lm_head.bias';
  return architecture !== 'RobertaModel' && /^(embeddings|encoder|pooler)\./.test(name) ? `roberta.${name}` : name;
}

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
    /** Training or not, shared with the task model around this one (if any). */
    readonly mode = new TrainingMode(),
  ) {
    this.embeddings = new RobertaEmbeddings(params, config, mode);
    this.encoder = new RobertaEncoder(params, config, mode);
    if (addPoolingLayer) this.pooler = new RobertaPooler(params, config);
  }

  /** PyTorch's `model.train(mode)`: dropout on (true) or off (false, the default state, as after `eval()`). */
  train(training = true): this {
    this.mode.training = training;
    return this;
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

/** A task model: the encoder (without its pooler unless the head reads it) and a head. */
abstract class RobertaWithHead {
  abstract readonly architecture: RobertaArchitecture;
  readonly roberta: RobertaModel;

  constructor(
    readonly params: ParameterStore,
    readonly config: RobertaConfig,
    addPoolingLayer = false,
  ) {
    this.roberta = new RobertaModel(params, config, addPoolingLayer);
  }

  /** Training or not: one flag for the encoder and the head. */
  get mode(): TrainingMode {
    return this.roberta.mode;
  }

  /** PyTorch's `model.train(mode)`: dropout on (true) or off (false, the default state, as after `eval()`). */
  train(training = true): this {
    this.mode.training = training;
    return this;
  }

  get backend(): Backend {
    return this.params.backend;
  }

  abstract forward(inputs: ModelInputs, options?: ForwardOptions): RobertaOutput;

  /** The encoder, then `head` on what it returned, in one scope. */
  protected withHead(inputs: ModelInputs, options: ForwardOptions, head: (encoded: RobertaOutput) => RobertaOutput): RobertaOutput {
    return tidy(() => head(this.roberta.encode(inputs, options)));
  }

  dispose(): void {
    this.params.dispose();
  }
}

export class RobertaForSequenceClassification extends RobertaWithHead {
  readonly architecture = 'RobertaForSequenceClassification';
  readonly classifier = new RobertaClassificationHead(this.params, this.config, this.mode);

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return this.withHead(inputs, options, (out) => ({ ...out, logits: this.classifier.forward(out.lastHiddenState) })); // [batch, labels]
  }
}

export class RobertaForMaskedLM extends RobertaWithHead {
  readonly architecture = 'RobertaForMaskedLM';
  readonly lmHead = new RobertaLMHead(this.params, this.config, this.roberta.embeddings.wordEmbeddings);

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return this.withHead(inputs, options, (out) => ({ ...out, logits: this.lmHead.forward(out.lastHiddenState) })); // [batch, seq, vocab]
  }

  /**
   * The forward with the LM head run only at `maskedPositions` (fairseq's `masked_tokens`), each a
   * token's flat index b · seq + s: logits [positions, vocab], in their order. With a 50k
   * vocabulary the decoder is most of a small model's FLOPs, and a masked-LM loss reads only the
   * masked tokens.
   */
  forwardAt(inputs: ModelInputs, maskedPositions: ArrayLike<number>, options: ForwardOptions = {}): RobertaOutput {
    return this.withHead(inputs, options, (out) => ({ ...out, logits: this.lmHead.forward(tokensAt(out.lastHiddenState, maskedPositions)) }));
  }
}

/** One label per token (named entities, parts of speech).  classifier [num_labels, hidden] */
export class RobertaForTokenClassification extends RobertaWithHead {
  readonly architecture = 'RobertaForTokenClassification';
  readonly classifier = new Linear(this.params, 'classifier', this.config.hiddenSize, this.config.numLabels);
  readonly dropout = new Dropout(this.config.classifierDropout ?? this.config.hiddenDropoutProb, this.mode);

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return this.withHead(inputs, options, (out) => ({ ...out, logits: this.classifier.forward(this.dropout.forward(out.lastHiddenState)) })); // [batch, seq, labels]
  }
}

/** Extractive QA: how likely each token is to start and to end the answer.  qa_outputs [2, hidden] */
export class RobertaForQuestionAnswering extends RobertaWithHead {
  readonly architecture = 'RobertaForQuestionAnswering';
  readonly qaOutputs = new Linear(this.params, 'qa_outputs', this.config.hiddenSize, 2);

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    return this.withHead(inputs, options, (out) => ({ ...out, ...splitSpanLogits(this.qaOutputs.forward(out.lastHiddenState)) }));
  }
}

/**
 * Scores each of an example's choices: input_ids [batch, choices, seq] run as batch · choices rows
 * through the encoder, whose pooler (kept here, unlike the other heads) feeds the classifier.
 *   classifier [1, hidden]
 */
export class RobertaForMultipleChoice extends RobertaWithHead {
  readonly architecture = 'RobertaForMultipleChoice';
  readonly classifier = new Linear(this.params, 'classifier', this.config.hiddenSize, 1);
  readonly dropout = new Dropout(this.config.hiddenDropoutProb, this.mode);

  constructor(params: ParameterStore, config: RobertaConfig) {
    super(params, config, true);
  }

  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    const { rows, batch, choices } = flattenChoices(inputs);
    // HF's MultipleChoiceModelOutput has no pooler output: the pooled rows only feed the classifier.
    return this.withHead(rows, options, ({ poolerOutput, ...out }) => ({ ...out, logits: ops.reshape(this.classifier.forward(this.dropout.forward(poolerOutput!)), [batch, choices]) }));
  }
}

export type AnyRobertaModel =
  | RobertaModel
  | RobertaForSequenceClassification
  | RobertaForMaskedLM
  | RobertaForTokenClassification
  | RobertaForQuestionAnswering
  | RobertaForMultipleChoice;
