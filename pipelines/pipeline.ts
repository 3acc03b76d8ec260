// pipeline(task, model): tokenizer + model + the task's post-processing, returning the shapes
// Hugging Face's pipelines return. Inputs are batched with padding; every tensor a call creates
// is disposed before it returns.

import type { Tensor } from '../engine/tensor.js';
import * as ops from '../engine/ops/index.js';
import { resolveModelDir, type HubOptions } from '../platform/modelSource.js';
import { ConfigError } from '../model/config.js';
import { fromPretrained, type FromPretrainedOptions } from '../model/fromPretrained.js';
import { InputError } from '../model/inputs.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { BasePipeline, checkTexts, labelOf, type TokenizeOptions } from './basePipeline.js';
import { QuestionAnsweringPipeline } from './questionAnswering.js';
import { applyScoreFunction, defaultScoreFunction, topIndices, type ScoreFunction } from './scores.js';
import { TokenClassificationPipeline } from './tokenClassification.js';
import { ZeroShotClassificationPipeline } from './zeroShot.js';

export type PipelineTask =
  | 'text-classification'
  | 'fill-mask'
  | 'feature-extraction'
  | 'token-classification'
  | 'ner'
  | 'question-answering'
  | 'zero-shot-classification';
export type PipelineOptions = HubOptions & FromPretrainedOptions & {
  /** Texts per forward pass (default 8). */
  readonly batchSize?: number;
};

export interface ClassificationResult {
  readonly label: string;
  readonly score: number;
}
export interface ClassifyOptions extends TokenizeOptions {
  /** How many labels per text, best first (default 1); null for all. */
  readonly topK?: number | null;
  /** Default: sigmoid for multi-label and single-logit models, softmax otherwise (config.problem_type, num_labels). */
  readonly functionToApply?: ScoreFunction;
}

export interface FillMaskResult {
  readonly score: number;
  readonly token: number;
  readonly token_str: string;
  readonly sequence: string;
}
export interface FillMaskOptions extends TokenizeOptions {
  /** Candidates per mask, best first (default 5). */
  readonly topK?: number;
}

export interface EmbedOptions extends TokenizeOptions {
  /** 'none': one vector per token (HF's feature-extraction); 'cls': the <s> vector; 'mean': the mean over real tokens. */
  readonly pooling?: 'none' | 'cls' | 'mean';
  /** Scale each pooled vector to unit L2 norm. */
  readonly normalize?: boolean;
}

export class TextClassificationPipeline extends BasePipeline {
  async run(input: string, options?: ClassifyOptions): Promise<ClassificationResult[]>;
  async run(input: readonly string[], options?: ClassifyOptions): Promise<ClassificationResult[][]>;
  async run(input: string | readonly string[], options: ClassifyOptions = {}): Promise<ClassificationResult[] | ClassificationResult[][]> {
    const texts = checkTexts('text-classification', input);
    const config = this.model.config;
    const fn = options.functionToApply ?? defaultScoreFunction(config.problemType, config.numLabels);
    const k = options.topK === null ? config.numLabels : Math.min(options.topK ?? 1, config.numLabels);
    const results = await this.batched(texts, async ({ out }) => {
      const logits = await (out.logits as Tensor).data(); // [batch, labels]
      const rows: ClassificationResult[][] = [];
      for (let r = 0; r < logits.length / config.numLabels; r++) {
        const scores = applyScoreFunction(fn, logits.subarray(r * config.numLabels, (r + 1) * config.numLabels));
        rows.push(topIndices(scores, k).map((i) => ({ label: labelOf(config.id2label, i, 'text-classification'), score: scores[i] })));
      }
      return rows;
    }, options.truncation, options.maxLength);
    return typeof input === 'string' ? results[0] : results;
  }
}

export class FillMaskPipeline extends BasePipeline {
  /** One list of candidates per `<mask>` in each text (a text with one mask gives one list). */
  async run(input: string | readonly string[], options: FillMaskOptions = {}): Promise<FillMaskResult[][][]> {
    const texts = checkTexts('fill-mask', input);
    const maskId = this.tokenizer.specialTokens.mask?.id;
    if (maskId === undefined) throw new ConfigError('fill-mask: this tokenizer has no mask token');
    const vocab = this.model.config.vocabSize;
    const k = Math.min(options.topK ?? 5, vocab);
    return this.batched(texts, async ({ ids, first, out }) => {
      const seq = ids[0].length;
      const where = ids.flatMap((row, r) => row.flatMap((id, s) => (id === maskId ? [[r, s] as const] : [])));
      const missing = ids.findIndex((row) => !row.includes(maskId));
      if (missing >= 0) throw new InputError(`fill-mask: no <mask> token in input ${JSON.stringify(texts[first + missing])}`);
      // Read back only the masked rows of the [batch, seq, vocab] logits, not the whole tensor.
      const flat = ops.reshape(out.logits as Tensor, [ids.length * seq, vocab]);
      const rowIds = ops.tensor(Int32Array.from(where.map(([r, s]) => r * seq + s)), [where.length], 'int32', flat.backend);
      const picked = ops.gather(flat, rowIds);
      const logits = await picked.data();
      for (const t of [flat, rowIds, picked]) t.dispose();
      const perText: FillMaskResult[][][] = ids.map(() => []);
      where.forEach(([r, s], m) => {
        const scores = applyScoreFunction('softmax', logits.subarray(m * vocab, (m + 1) * vocab));
        perText[r].push(
          topIndices(scores, k).map((token) => {
            const filled = ids[r].map((id, j) => (j === s ? token : id)).filter((_, j) => ids[r][j] !== this.model.config.padTokenId || j === s);
            // A model's vocab_size may exceed the tokenizer's (tables padded to a round size): HF's
            // fast tokenizer decodes an id with no token to nothing, so such a candidate reads "".
            const decodable = (tokenIds: number[]) => tokenIds.filter((id) => this.tokenizer.idToToken(id) !== undefined);
            return {
              score: scores[token],
              token,
              token_str: this.tokenizer.decode(decodable([token])),
              sequence: this.tokenizer.decode(decodable(filled), { skipSpecialTokens: true }),
            };
          }),
        );
      });
      return perText;
    }, options.truncation, options.maxLength);
  }
}

export class FeatureExtractionPipeline extends BasePipeline {
  /** Per text: token vectors [tokens][hidden] (pooling 'none'), or one vector [hidden]. */
  async run(input: string | readonly string[], options: EmbedOptions = {}): Promise<number[][][] | number[][]> {
    const texts = checkTexts('feature-extraction', input);
    const pooling = options.pooling ?? 'none';
    const hidden = this.model.config.hiddenSize;
    const rows = await this.batched(texts, async ({ mask, out }) => {
      const h = await out.lastHiddenState.data(); // [batch, seq, hidden]
      const seq = mask[0].length;
      return mask.map((m, r) => {
        const vector = (s: number) => Array.from(h.subarray((r * seq + s) * hidden, (r * seq + s + 1) * hidden));
        const real = m.flatMap((v, s) => (v === 1 ? [s] : []));
        if (pooling === 'none') return real.map(vector);
        const pooled = pooling === 'cls' ? vector(0) : real.map(vector).reduce((acc, v) => acc.map((a, i) => a + v[i] / real.length), new Array<number>(hidden).fill(0));
        return [options.normalize ? unitLength(pooled) : pooled];
      });
    }, options.truncation, options.maxLength);
    return pooling === 'none' ? rows : rows.map((r) => r[0]);
  }
}

function unitLength(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? v : v.map((x) => x / norm);
}

const TASKS = {
  'text-classification': { Pipeline: TextClassificationPipeline, architecture: 'RobertaForSequenceClassification' },
  'fill-mask': { Pipeline: FillMaskPipeline, architecture: 'RobertaForMaskedLM' },
  'feature-extraction': { Pipeline: FeatureExtractionPipeline, architecture: undefined },
  'token-classification': { Pipeline: TokenClassificationPipeline, architecture: 'RobertaForTokenClassification' },
  ner: { Pipeline: TokenClassificationPipeline, architecture: 'RobertaForTokenClassification' },
  'question-answering': { Pipeline: QuestionAnsweringPipeline, architecture: 'RobertaForQuestionAnswering' },
  'zero-shot-classification': { Pipeline: ZeroShotClassificationPipeline, architecture: 'RobertaForSequenceClassification' },
} as const;

export type PipelineFor<T extends PipelineTask> = InstanceType<(typeof TASKS)[T]['Pipeline']>;

export async function pipeline<T extends PipelineTask>(task: T, modelIdOrDir: string, options: PipelineOptions = {}): Promise<PipelineFor<T>> {
  const spec = TASKS[task];
  if (!spec) throw new InputError(`pipeline: unknown task "${String(task)}" (supported: ${Object.keys(TASKS).join(', ')})`);
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`pipeline: batchSize must be a positive integer, got ${batchSize}`);
  const dir = await resolveModelDir(modelIdOrDir, options);
  const tokenizer = await loadTokenizer(dir);
  const model = await fromPretrained(dir, options);
  if (spec.architecture && model.architecture !== spec.architecture) {
    model.dispose();
    throw new ConfigError(`pipeline: ${task} needs a ${spec.architecture}, but ${modelIdOrDir} is a ${model.architecture}`);
  }
  // transformers loads such a pair and fails only on a text that uses an id past the table.
  if (tokenizer.vocabSize > model.config.vocabSize) {
    options.log?.(`warning: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${model.config.vocabSize}; a text using an id from ${model.config.vocabSize} on will be refused`);
  }
  return new spec.Pipeline(tokenizer, model, batchSize) as PipelineFor<T>;
}
