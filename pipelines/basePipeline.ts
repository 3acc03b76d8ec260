// What every pipeline shares: a tokenizer and a model, batched forwards with padding, and the
// check of what a caller passed. In its own module so that each task's pipeline can live in
// its own file and pipeline.ts can still register them all without an import cycle.

import { disposeOutput, type AnyRobertaModel } from '../model/roberta.js';
import { ConfigError } from '../model/config.js';
import { InputError } from '../model/inputs.js';
import type { BatchInput, Encoding, RobertaTokenizer, TruncationOption } from '../tokenizer/index.js';

/** The tokenizer settings a pipeline call passes on, as HF's pipelines pass tokenizer kwargs. */
export interface TokenizeOptions {
  /**
   * Cut inputs longer than the model takes. Off by default, as in transformers 4.36.2, whose
   * text-classification, fill-mask and feature-extraction pipelines pass no truncation to the
   * tokenizer: a too-long input is then an error that names its length and the limit.
   */
  readonly truncation?: TruncationOption;
  /** Length to cut to, special tokens included (default: the tokenizer's model_max_length, at most what the model takes). */
  readonly maxLength?: number;
}

export interface ForwardBatch {
  /** Index in the run's inputs of this batch's first row. */
  readonly first: number;
  readonly ids: number[][];
  readonly mask: number[][];
  /** Each row's encoding (tokens, offsets), padded as `ids`. */
  readonly encodings: Encoding[];
  readonly out: ReturnType<AnyRobertaModel['forward']>;
}

export abstract class BasePipeline {
  constructor(
    readonly tokenizer: RobertaTokenizer,
    readonly model: AnyRobertaModel,
    protected readonly batchSize: number,
  ) {}

  /** The longest input the model takes, special tokens included. */
  protected get maxLength(): number {
    const c = this.model.config;
    return c.maxPositionEmbeddings - c.padTokenId - 1;
  }

  /**
   * Runs `each` on batches of `inputs` (texts or [text, pair]), padded to the longest. Nothing is
   * cut unless `truncation` says which sequence gives way. Every row is checked before the model
   * sees it, so an error names the input by its index in `inputs`, not in its batch.
   */
  protected async batched<R>(inputs: readonly BatchInput[], each: (batch: ForwardBatch) => Promise<R[]>, truncation: TruncationOption = false, maxLength?: number): Promise<R[]> {
    // transformers truncates to the tokenizer's model_max_length; where that is absent or more
    // than the position table holds, it would fail in the model, so cut to what the model takes.
    const cutTo = maxLength ?? Math.min(this.tokenizer.modelMaxLength ?? Infinity, this.maxLength);
    const results: R[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const chunk = inputs.slice(start, start + this.batchSize);
      const enc = this.tokenizer.encodeBatch(chunk, { padding: 'longest', truncation, maxLength: cutTo });
      enc.encodings.forEach((encoding, r) => this.checkFits(encoding, start + r, chunk[r]));
      const out = this.model.forward({ inputIds: enc.inputIds, attentionMask: enc.attentionMask });
      try {
        results.push(...(await each({ first: start, ids: enc.inputIds, mask: enc.attentionMask, encodings: enc.encodings, out })));
      } finally {
        disposeOutput(out);
      }
    }
    return results;
  }

  /**
   * The model's own input check would catch both problems too, but only by the row within the
   * batch; here the error names the input (its index and its opening words), and the token's text
   * where an id is too large (a tokenizer with more tokens than the model's vocab_size is
   * accepted, as transformers does, and fails only on a text that uses one of the extra tokens).
   */
  private checkFits(encoding: Encoding, index: number, input: BatchInput): void {
    const { vocabSize, maxPositionEmbeddings } = this.model.config;
    const named = `input ${index} (${describeInput(input)})`;
    const length = encoding.attentionMask.reduce((sum, m) => sum + m, 0);
    if (length > this.maxLength) {
      throw new InputError(
        `${named} has ${length} tokens, but this model takes at most ${this.maxLength} (max_position_embeddings ${maxPositionEmbeddings}); ` +
          'set truncation to cut it',
      );
    }
    const at = encoding.ids.findIndex((id, s) => id >= vocabSize && encoding.attentionMask[s] === 1);
    if (at >= 0) {
      throw new InputError(
        `${named}: input_ids[${index}][${at}] = ${encoding.ids[at]} (token ${JSON.stringify(encoding.tokens[at])}) is outside the embedding table ` +
          `(vocab_size ${vocabSize}; the tokenizer has ${this.tokenizer.vocabSize} tokens)`,
      );
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

export function checkTexts(task: string, input: unknown): string[] {
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
    throw new TypeError(`${task}: expected a string or an array of strings`);
  }
  return texts;
}

/** The name of class `index` (HF's `config.id2label[index]`), or an error naming the task. */
export function labelOf(id2label: ReadonlyMap<number, string>, index: number, task: string): string {
  const label = id2label.get(index);
  if (label === undefined) throw new ConfigError(`${task}: the model's id2label has no name for class ${index}`);
  return label;
}

/** An input's opening characters, quoted, for error messages. */
function describeInput(input: BatchInput): string {
  const opening = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return typeof input === 'string' ? opening(input) : input.map(opening).join(' + ');
}
