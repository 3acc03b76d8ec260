// What every pipeline shares: a tokenizer and a model, batched forwards with padding, and the
// check of what a caller passed. In its own module so that each task's pipeline can live in
// its own file and pipeline.ts can still register them all without an import cycle.

import type { AnyRobertaModel } from '../model/roberta.js';
import type { BatchInput, Encoding, RobertaTokenizer, TruncationOption } from '../tokenizer/index.js';

export interface ForwardBatch {
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
   * Runs `each` on batches of `inputs` (texts or [text, pair]), padded to the longest and
   * truncated to what the model takes (`truncation`: which sequence gives way, default longest first).
   */
  protected async batched<R>(inputs: readonly BatchInput[], each: (batch: ForwardBatch) => Promise<R[]>, truncation: TruncationOption = true): Promise<R[]> {
    const results: R[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const chunk = inputs.slice(start, start + this.batchSize);
      const enc = this.tokenizer.encodeBatch(chunk, { padding: 'longest', truncation, maxLength: this.maxLength });
      const out = this.model.forward({ inputIds: enc.inputIds, attentionMask: enc.attentionMask });
      try {
        results.push(...(await each({ ids: enc.inputIds, mask: enc.attentionMask, encodings: enc.encodings, out })));
      } finally {
        for (const t of [out.lastHiddenState, out.poolerOutput, out.logits]) t?.dispose();
      }
    }
    return results;
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
