// Tokenizing labelled examples once, before training: `<s> text </s>` or `<s> A </s></s> B </s>`,
// cut to `maxLength` tokens (special tokens included) by transformers' longest-first truncation, as
// run_glue.py's `tokenizer(..., truncation=True, max_length=...)`. Padding waits for the batch
// (pad to its longest row, as DataCollatorWithPadding does): a short batch costs no pad tokens.

import { InputError } from '../../model/inputs.js';
import type { RobertaConfig } from '../../model/config.js';
import type { RobertaTokenizer } from '../../tokenizer/index.js';
import type { LabelledExample } from './examples.js';

export interface EncodedExample {
  readonly ids: readonly number[];
  /** The class id. */
  readonly label: number;
}

/**
 * The longest input the model takes: its position table holds max_position_embeddings rows, and
 * RoBERTa numbers the first token pad_token_id + 1 (514 − 2 = 512 for roberta-base); the
 * tokenizer's model_max_length, when it has one, may be lower.
 */
export function modelMaxLength(config: RobertaConfig, tokenizer: RobertaTokenizer): number {
  const positions = config.maxPositionEmbeddings - config.padTokenId - 1;
  return Math.min(positions, tokenizer.modelMaxLength ?? positions);
}

/** A --max-length for this model and tokenizer: the model's limit when none is given; an error when it is above it or too short for the special tokens. */
export function checkedMaxLength(requested: number | undefined, limit: number, isPair: boolean): number {
  const specials = isPair ? 4 : 2;
  if (requested === undefined) return limit;
  if (!Number.isInteger(requested) || requested > limit) throw new InputError(`--max-length ${requested} is above the model's limit of ${limit} tokens`);
  if (requested <= specials) throw new InputError(`--max-length ${requested} leaves no room for text beside the ${specials} special tokens`);
  return requested;
}

export function encodeExamples(tokenizer: RobertaTokenizer, examples: readonly LabelledExample[], classIds: readonly number[], maxLength: number): EncodedExample[] {
  return examples.map((example, i) => ({
    ids: tokenizer.encode(example.text, example.textPair, { truncation: 'longest_first', maxLength }).ids,
    label: classIds[i],
  }));
}
