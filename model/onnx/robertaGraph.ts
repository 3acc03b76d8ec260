// RoBERTa as an ONNX graph: the same computation as model/*.ts, written with standard ONNX
// operators (opset 17) instead of our engine's ops, one function per Hugging Face module.
//
//   inputs   input_ids, attention_mask [batch, sequence] int64 (as in HF's own exports),
//            token_type_ids [batch, sequence] int64 only if asked for (else zeros, HF's default);
//            [batch, choices, sequence] for multiple choice
//   outputs  last_hidden_state [batch, sequence, hidden]
//            pooler_output [batch, hidden]                 RobertaModel
//            logits [batch, labels] / [batch, sequence, vocab]   classification / masked LM
//            logits [batch, sequence, labels]               token classification
//            start_logits, end_logits [batch, sequence]     question answering
//            logits [batch, choices]                        multiple choice (whose other outputs
//                                                           are over its batch · choices rows)
//            hidden_states.{0…N}, attentions.{0…N-1}       optional, named as in the test fixtures
//
// Choices:
// - Opset 17: the first with LayerNormalization (one node instead of seven), and old enough for
//   every runtime in use (ONNX Runtime has run it since 1.14). GELU is spelled out with Erf: the
//   Gelu operator only arrived in opset 20. ONNX Runtime fuses these patterns back into its own
//   kernels when it loads the model.
// - nn.Linear is MatMul + Add with the weight stored pre-transposed, [in, out]. Gemm would take
//   PyTorch's [out, in] layout directly (transB = 1), but it is 2-D only and the activations are
//   [batch, sequence, hidden]; MatMul broadcasts over the leading axes, and one spelling for every
//   linear layer keeps the graph uniform. It is also what PyTorch's own exporter emits, so
//   runtimes' graph optimisers recognise it. The one exception is the masked-LM decoder tied to
//   the word embeddings: it reads the embedding table through a Transpose node, so the file holds
//   that (large) table once, as the checkpoint does.
// - Positions and the additive attention mask are computed inside the graph from input_ids and
//   attention_mask, exactly as HF does, so callers feed the same two tensors as to HF.
// - With dtype q8, the linear layers our q8 models quantize (precision.ts) become int8
//   MatMulInteger with per-token activation quantization (quantizedLinear.ts); the rest is as above.

import type { HiddenAct, RobertaConfig } from '../config.js';
import { FLOAT32_MIN, type RobertaArchitecture } from '../roberta.js';
import { attr, GraphBuilder, onnxTensor, transposed } from './graphBuilder.js';
import type { HostParameters } from '../hostParameters.js';
import { quantizesLinear } from '../precision.js';
import { DataType, type OnnxModel } from './onnxProto.js';
import { QuantizedLinearGraph } from './quantizedLinear.js';

export const OPSET_VERSION = 17;
/** IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

/** Names of the dynamic axes. */
const BATCH = 'batch';
const SEQUENCE = 'sequence';
const CHOICES = 'choices';
/** Multiple choice's encoder rows: batch · choices. */
const ROWS = 'batch_x_choices';

export interface RobertaGraphOptions {
  readonly architecture: RobertaArchitecture;
  /** Add a `token_type_ids` input (default: no such input; the graph uses zeros, as HF does without one). */
  readonly tokenTypeIds?: boolean;
  /** Also output the embeddings and every layer's output: `hidden_states.0` … `hidden_states.N`. */
  readonly hiddenStates?: boolean;
  /** Also output every layer's attention probabilities: `attentions.0` … `attentions.{N-1}`. */
  readonly attentions?: boolean;
  /** q8: the linear layers q8 quantizes as int8 MatMulInteger (default fp32: every weight float32). */
  readonly dtype?: OnnxWeightPrecision;
}

/** The weight precisions the exporter writes. */
export type OnnxWeightPrecision = 'fp32' | 'q8';

/** What every module function needs: the graph under construction, the weights, the config. */
interface GraphContext {
  readonly b: GraphBuilder;
  readonly params: HostParameters;
  readonly config: RobertaConfig;
  /** Present for q8: writes the int8 linear layers. */
  readonly q8?: QuantizedLinearGraph;
}

/** A checkpoint parameter as an initializer named by its checkpoint key. */
function param(g: GraphContext, name: string, shape: readonly number[]): string {
  const { key, data } = g.params.get(name, shape);
  return g.b.initializer(key, shape, data);
}

/** nn.Linear: x · Wᵀ + b, with W [out, in] stored transposed as `<key>.T` [in, out]. */
function linear(g: GraphContext, x: string, prefix: string, inFeatures: number, outFeatures: number): string {
  if (g.q8 && quantizesLinear('q8', prefix)) {
    const { key, weight } = g.params.int8Weight(prefix, [outFeatures, inFeatures]);
    return g.q8.linear(x, prefix, key, weight, inFeatures, outFeatures, param(g, `${prefix}.bias`, [outFeatures]));
  }
  const weight = g.params.get(`${prefix}.weight`, [outFeatures, inFeatures]);
  const weightT = g.b.initializer(`${weight.key}.T`, [inFeatures, outFeatures], transposed(weight.data, outFeatures, inFeatures));
  const bias = param(g, `${prefix}.bias`, [outFeatures]);
  return g.b.node('Add', [g.b.node('MatMul', [x, weightT], {}, `${prefix}.matmul`), bias], {}, prefix);
}

/** nn.LayerNorm over the last axis. */
function layerNorm(g: GraphContext, x: string, prefix: string, size: number): string {
  const weight = param(g, `${prefix}.weight`, [size]);
  const bias = param(g, `${prefix}.bias`, [size]);
  return g.b.node('LayerNormalization', [x, weight, bias], { axis: attr.int(-1), epsilon: attr.float(g.config.layerNormEps) }, prefix);
}

/** HF's ACT2FN, with the same formulas as kernels/cpu/activations.ts. */
function activation(g: GraphContext, x: string, fn: HiddenAct, hint: string): string {
  const { b } = g;
  const scalar = (v: number) => b.floatConstant('const', [], [v]);
  const timesHalf = (y: string) => b.node('Mul', [y, scalar(0.5)], {}, hint);
  switch (fn) {
    case 'gelu': {
      // Exact GELU: x/2 · (1 + erf(x/√2)).
      const erf = b.node('Erf', [b.node('Div', [x, scalar(Math.SQRT2)], {}, `${hint}.scaled`)], {}, `${hint}.erf`);
      return timesHalf(b.node('Mul', [x, b.node('Add', [erf, scalar(1)], {}, `${hint}.one_plus_erf`)], {}, `${hint}.x_one_plus_erf`));
    }
    case 'gelu_new': {
      // Tanh approximation: x/2 · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
      const cube = b.node('Mul', [b.node('Mul', [x, x], {}, `${hint}.x2`), x], {}, `${hint}.x3`);
      const inner = b.node('Add', [x, b.node('Mul', [cube, scalar(0.044715)], {}, `${hint}.cubic`)], {}, `${hint}.inner`);
      const tanh = b.node('Tanh', [b.node('Mul', [inner, scalar(Math.sqrt(2 / Math.PI))], {}, `${hint}.scaled`)], {}, `${hint}.tanh`);
      return timesHalf(b.node('Mul', [x, b.node('Add', [tanh, scalar(1)], {}, `${hint}.one_plus_tanh`)], {}, `${hint}.x_one_plus_tanh`));
    }
    case 'relu':
      return b.node('Relu', [x], {}, hint);
    case 'silu':
      return b.node('Mul', [x, b.node('Sigmoid', [x], {}, `${hint}.sigmoid`)], {}, hint);
    case 'tanh':
      return b.node('Tanh', [x], {}, hint);
  }
}

/** The hidden state of the first token (<s>): [batch, sequence, hidden] → [batch, hidden]. */
function firstToken(g: GraphContext, hidden: string, hint: string): string {
  return g.b.node('Gather', [hidden, g.b.int64Constant('const', [], [0])], { axis: attr.int(1) }, hint);
}

/** RobertaEmbeddings (embeddings.ts). Returns the output and the word table (for a tied LM decoder). */
function embeddings(g: GraphContext, inputIds: string, tokenTypeIds: string): { output: string; wordEmbeddings: string } {
  const { b, config } = g;
  const h = config.hiddenSize;
  const wordEmbeddings = param(g, 'embeddings.word_embeddings.weight', [config.vocabSize, h]);
  const positionTable = param(g, 'embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, h]);
  const typeTable = param(g, 'embeddings.token_type_embeddings.weight', [config.typeVocabSize, h]);

  // RoBERTa's position ids: cumsum(ids ≠ pad) · (ids ≠ pad) + pad, so real tokens count up from
  // pad + 1 and padding gets pad itself.
  const pad = b.int64Constant('pad_token_id', [], [config.padTokenId]);
  const notPad = b.node('Not', [b.node('Equal', [inputIds, pad], {}, 'embeddings.is_pad')], {}, 'embeddings.not_pad');
  const isToken = b.node('Cast', [notPad], { to: attr.int(DataType.INT64) }, 'embeddings.is_token');
  const count = b.node('CumSum', [isToken, b.int64Constant('const', [], [1])], {}, 'embeddings.token_count');
  const positionIds = b.node('Add', [b.node('Mul', [count, isToken], {}, 'embeddings.token_count_masked'), pad], {}, 'embeddings.position_ids');

  const words = b.node('Gather', [wordEmbeddings, inputIds], {}, 'embeddings.words');
  const positions = b.node('Gather', [positionTable, positionIds], {}, 'embeddings.positions');
  const types = b.node('Gather', [typeTable, tokenTypeIds], {}, 'embeddings.types');
  // HF's order: (words + types) + positions, then LayerNorm.
  const sum = b.node('Add', [b.node('Add', [words, types], {}, 'embeddings.words_types'), positions], {}, 'embeddings.sum');
  return { output: layerNorm(g, sum, 'embeddings.LayerNorm', h), wordEmbeddings };
}

/** [batch, sequence] of 1/0 → [batch, 1, 1, sequence] of 0/float32-min (roberta.ts). */
function additiveAttentionMask(g: GraphContext, mask: string): string {
  const { b } = g;
  const keep = b.node('Unsqueeze', [b.node('Cast', [mask], { to: attr.int(DataType.FLOAT) }, 'mask.float'), b.int64Constant('const', [2], [1, 2])], {}, 'mask.keep');
  const drop = b.node('Sub', [b.floatConstant('const', [], [1]), keep], {}, 'mask.drop');
  return b.node('Mul', [drop, b.floatConstant('float32_min', [], [FLOAT32_MIN])], {}, 'mask.additive');
}

/** RobertaSelfAttention (selfAttention.ts): context [batch, sequence, hidden] and probabilities [batch, heads, sequence, sequence]. */
function selfAttention(g: GraphContext, hidden: string, mask: string, prefix: string): { context: string; probs: string } {
  const { b, config } = g;
  const h = config.hiddenSize;
  const heads = config.numAttentionHeads;
  const headSize = h / heads;
  // [batch, sequence, hidden] → [batch, heads, sequence, headSize]. Reshape's 0 keeps that axis's size.
  const splitHeads = (x: string, name: string) =>
    b.node('Transpose', [b.node('Reshape', [x, b.int64Constant('const', [4], [0, 0, heads, headSize])], {}, `${name}.split`)], { perm: attr.ints([0, 2, 1, 3]) }, `${name}.heads`);
  const q = splitHeads(linear(g, hidden, `${prefix}.query`, h, h), `${prefix}.query`);
  const k = splitHeads(linear(g, hidden, `${prefix}.key`, h, h), `${prefix}.key`);
  const v = splitHeads(linear(g, hidden, `${prefix}.value`, h, h), `${prefix}.value`);
  // Scores q·kᵀ/√d: without the scaling, dot products grow with d and saturate the softmax.
  const kT = b.node('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) }, `${prefix}.key.T`);
  const scores = b.node('Mul', [b.node('MatMul', [q, kT], {}, `${prefix}.qk`), b.floatConstant('const', [], [1 / Math.sqrt(headSize)])], {}, `${prefix}.scores`);
  const probs = b.node('Softmax', [b.node('Add', [scores, mask], {}, `${prefix}.masked_scores`)], { axis: attr.int(-1) }, `${prefix}.probs`);
  const context = b.node('Transpose', [b.node('MatMul', [probs, v], {}, `${prefix}.context.heads`)], { perm: attr.ints([0, 2, 1, 3]) }, `${prefix}.context.tokens`);
  return { context: b.node('Reshape', [context, b.int64Constant('const', [3], [0, 0, h])], {}, `${prefix}.context`), probs };
}

/** RobertaLayer (layer.ts): attention, add & norm, feed-forward, add & norm. */
function layer(g: GraphContext, hidden: string, mask: string, prefix: string): { hidden: string; probs: string } {
  const { b, config } = g;
  const h = config.hiddenSize;
  const ffn = config.intermediateSize;
  const { context, probs } = selfAttention(g, hidden, mask, `${prefix}.attention.self`);
  const attnOut = linear(g, context, `${prefix}.attention.output.dense`, h, h);
  const attended = layerNorm(g, b.node('Add', [attnOut, hidden], {}, `${prefix}.attention.output.residual`), `${prefix}.attention.output.LayerNorm`, h);
  const expanded = activation(g, linear(g, attended, `${prefix}.intermediate.dense`, h, ffn), config.hiddenAct, `${prefix}.intermediate.act`);
  const out = linear(g, expanded, `${prefix}.output.dense`, ffn, h);
  return { hidden: layerNorm(g, b.node('Add', [out, attended], {}, `${prefix}.output.residual`), `${prefix}.output.LayerNorm`, h), probs };
}

/** RobertaEncoder (encoder.ts): hidden states 0…N (the input, then each layer's output) and each layer's attention probabilities. */
function encoder(g: GraphContext, embedded: string, mask: string): { hiddenStates: string[]; attentions: string[] } {
  const hiddenStates = [embedded];
  const attentions: string[] = [];
  for (let i = 0; i < g.config.numHiddenLayers; i++) {
    const { hidden, probs } = layer(g, hiddenStates[i], mask, `encoder.layer.${i}`);
    hiddenStates.push(hidden);
    attentions.push(probs);
  }
  return { hiddenStates, attentions };
}

/** RobertaPooler (pooler.ts): tanh(dense(first token)). */
function pooler(g: GraphContext, hidden: string): string {
  const h = g.config.hiddenSize;
  return g.b.node('Tanh', [linear(g, firstToken(g, hidden, 'pooler.first_token'), 'pooler.dense', h, h)], {}, 'pooler.tanh');
}

/** RobertaClassificationHead (heads.ts): out_proj(tanh(dense(first token))). */
function classificationHead(g: GraphContext, hidden: string): string {
  const h = g.config.hiddenSize;
  const dense = g.b.node('Tanh', [linear(g, firstToken(g, hidden, 'classifier.first_token'), 'classifier.dense', h, h)], {}, 'classifier.tanh');
  return linear(g, dense, 'classifier.out_proj', h, g.config.numLabels);
}

/** RobertaLMHead (heads.ts): decoder(LayerNorm(gelu(dense(x)))) + bias; GELU is always the exact form. */
function lmHead(g: GraphContext, hidden: string, wordEmbeddings: string): string {
  const { b, params, config } = g;
  const h = config.hiddenSize;
  const x = layerNorm(g, activation(g, linear(g, hidden, 'lm_head.dense', h, h), 'gelu', 'lm_head.gelu'), 'lm_head.layer_norm', h);
  let decoderT: string;
  if (params.has('lm_head.decoder.weight')) {
    const weight = params.get('lm_head.decoder.weight', [config.vocabSize, h]);
    decoderT = b.initializer(`${weight.key}.T`, [h, config.vocabSize], transposed(weight.data, config.vocabSize, h));
  } else {
    decoderT = b.node('Transpose', [wordEmbeddings], { perm: attr.ints([1, 0]) }, 'lm_head.decoder.weight.T');
  }
  const bias = param(g, params.has('lm_head.bias') ? 'lm_head.bias' : 'lm_head.decoder.bias', [config.vocabSize]);
  return b.node('Add', [b.node('MatMul', [x, decoderT], {}, 'lm_head.decoder.matmul'), bias], {}, 'lm_head.decoder');
}

/** token classification's `classifier` on every token: [batch, sequence, labels]. */
function tokenClassifier(g: GraphContext, hidden: string): string {
  return linear(g, hidden, 'classifier', g.config.hiddenSize, g.config.numLabels);
}

/** question answering's `qa_outputs` on every token, split into start and end logits, each [batch, sequence]. */
function spanLogits(g: GraphContext, hidden: string): { start: string; end: string } {
  const { b } = g;
  const span = linear(g, hidden, 'qa_outputs', g.config.hiddenSize, 2);
  const pick = (index: number, hint: string) => b.node('Gather', [span, b.int64Constant('const', [], [index])], { axis: attr.int(2) }, hint);
  return { start: pick(0, 'qa_outputs.start'), end: pick(1, 'qa_outputs.end') };
}

/** multiple choice's `classifier` on each pooled row, [rows, 1] → [batch, choices] (HF's view(-1, num_choices)). */
function choiceScores(g: GraphContext, pooled: string, inputIds: string): string {
  const { b } = g;
  const scores = linear(g, pooled, 'classifier', g.config.hiddenSize, 1);
  const choices = b.node('Shape', [inputIds], { start: attr.int(1), end: attr.int(2) }, 'input_ids.choices');
  const shape = b.node('Concat', [b.int64Constant('const', [1], [-1]), choices], { axis: attr.int(0) }, 'logits.shape');
  return b.node('Reshape', [scores, shape], {}, 'classifier.choices');
}

/** The whole model, ready for encodeModel. */
export function buildRobertaModel(params: HostParameters, config: RobertaConfig, options: RobertaGraphOptions): OnnxModel {
  const b = new GraphBuilder();
  const g: GraphContext = { b, params, config, q8: options.dtype === 'q8' ? new QuantizedLinearGraph(b) : undefined };
  const h = config.hiddenSize;
  // Multiple choice takes [batch, choices, sequence] and runs the encoder on its batch · choices
  // rows (Flatten from axis 2), as HF does; its hidden states and attentions are over those rows.
  const multipleChoice = options.architecture === 'RobertaForMultipleChoice';
  const tokens = multipleChoice ? [BATCH, CHOICES, SEQUENCE] : [BATCH, SEQUENCE];
  const rowsAxis = multipleChoice ? ROWS : BATCH;
  const asRows = (x: string) => (multipleChoice ? b.node('Flatten', [x], { axis: attr.int(2) }, `${x}.rows`) : x);

  const inputIds = b.input('input_ids', 'int64', tokens);
  const attentionMask = b.input('attention_mask', 'int64', tokens);
  const rowIds = asRows(inputIds);
  const tokenTypeIds = options.tokenTypeIds
    ? asRows(b.input('token_type_ids', 'int64', tokens))
    : b.node('ConstantOfShape', [b.node('Shape', [rowIds], {}, 'input_ids.shape')], { value: attr.tensor(onnxTensor('zero', [1], new BigInt64Array(1))) }, 'token_type_ids');

  const { output: embedded, wordEmbeddings } = embeddings(g, rowIds, tokenTypeIds);
  const { hiddenStates, attentions } = encoder(g, embedded, additiveAttentionMask(g, asRows(attentionMask)));
  const lastHiddenState = hiddenStates[hiddenStates.length - 1];

  b.output(lastHiddenState, 'last_hidden_state', 'float32', [rowsAxis, SEQUENCE, h]);
  switch (options.architecture) {
    case 'RobertaModel':
      b.output(pooler(g, lastHiddenState), 'pooler_output', 'float32', [BATCH, h]);
      break;
    case 'RobertaForSequenceClassification':
      b.output(classificationHead(g, lastHiddenState), 'logits', 'float32', [BATCH, config.numLabels]);
      break;
    case 'RobertaForMaskedLM':
      b.output(lmHead(g, lastHiddenState, wordEmbeddings), 'logits', 'float32', [BATCH, SEQUENCE, config.vocabSize]);
      break;
    case 'RobertaForTokenClassification':
      b.output(tokenClassifier(g, lastHiddenState), 'logits', 'float32', [BATCH, SEQUENCE, config.numLabels]);
      break;
    case 'RobertaForQuestionAnswering': {
      const { start, end } = spanLogits(g, lastHiddenState);
      b.output(start, 'start_logits', 'float32', [BATCH, SEQUENCE]);
      b.output(end, 'end_logits', 'float32', [BATCH, SEQUENCE]);
      break;
    }
    case 'RobertaForMultipleChoice':
      b.output(choiceScores(g, pooler(g, lastHiddenState), inputIds), 'logits', 'float32', [BATCH, CHOICES]);
      break;
  }
  if (options.hiddenStates) hiddenStates.forEach((t, i) => b.output(t, `hidden_states.${i}`, 'float32', [rowsAxis, SEQUENCE, h]));
  if (options.attentions) attentions.forEach((t, i) => b.output(t, `attentions.${i}`, 'float32', [rowsAxis, config.numAttentionHeads, SEQUENCE, SEQUENCE]));

  return {
    irVersion: IR_VERSION,
    opsetVersion: OPSET_VERSION,
    producerName: 'roberta-ts',
    docString: `Hugging Face ${options.architecture} (${config.numHiddenLayers} layers, hidden size ${h})${g.q8 ? ', q8: int8 linear layers, activations quantized per token' : ''}, exported by roberta-ts`,
    graph: b.build(options.architecture),
  };
}
