// Dynamic masking, as Hugging Face's DataCollatorForLanguageModeling (transformers 4.36.2,
// torch_mask_tokens) draws it, from a counter-based stream instead of torch's generator:
//   - every token that is not special (`<s>`, `</s>`, `<pad>`, `<unk>`, `<mask>`: HF's
//     all_special_ids, so padding too) is selected with probability 0.15;
//   - a selected token becomes `<mask>` with probability 0.8; otherwise, with probability 0.5, a
//     random id drawn uniformly from the whole vocabulary, len(tokenizer) ids, special tokens
//     included (HF's torch.randint(len(tokenizer)); the model learns to ignore the rare `<s>`);
//     otherwise it stays as it is — 80/10/10;
//   - labels hold the original id at selected positions and −100 everywhere else.
// Token j of the sequence fed with key k takes counters (k·length + j)·4 + 0…3 of the masking
// stream (select, `<mask>`, random-or-keep, which random id), so a mask is a pure function of
// (seed, k): feeding the same sequence under another key (the next epoch) masks it afresh, and a
// resumed run draws exactly the masks the uninterrupted one would have.

import { counterUniform } from '../../engine/random.js';
import type { RobertaTokenizer } from '../../tokenizer/robertaTokenizer.js';
import { derivedSeed } from './seeds.js';

/** The label of a position the loss ignores (PyTorch's cross-entropy ignore_index). */
export const IGNORE_INDEX = -100;

export interface MaskingRule {
  /** Probability that an eligible token is selected (0.15, RoBERTa's and HF's default). */
  readonly probability: number;
  readonly maskId: number;
  /** Ids never selected. */
  readonly specialIds: ReadonlySet<number>;
  /** Random replacements are uniform over 0 … vocabSize − 1. */
  readonly vocabSize: number;
}

export interface MaskedSequence {
  readonly inputIds: number[];
  readonly labels: number[];
}

const DRAWS_PER_TOKEN = 4;

/** HF's masking for this tokenizer: its special tokens, its `<mask>`, its size. */
export function maskingRuleOf(tokenizer: RobertaTokenizer, probability = 0.15): MaskingRule {
  const { mask } = tokenizer.specialTokens;
  if (mask === undefined) throw new Error('masked-LM training needs a tokenizer with a <mask> token, and this one has none');
  const specialIds = new Set(Object.values(tokenizer.specialTokens).map((token) => token.id));
  return { probability, maskId: mask.id, specialIds, vocabSize: tokenizer.vocabSize };
}

/** `ids` masked under `rule` by the stream of `seed`, as fed with key `key`. */
export function maskSequence(ids: ArrayLike<number>, rule: MaskingRule, seed: number, key: number): MaskedSequence {
  const length = ids.length;
  const last = ((key + 1) * length) * DRAWS_PER_TOKEN;
  if (!Number.isSafeInteger(key) || key < 0 || !Number.isSafeInteger(last)) {
    throw new RangeError(`masking key must be an integer from 0 with (key + 1)·length·4 below 2^53, got ${key} for length ${length}`);
  }
  const stream = derivedSeed(seed, 'masking');
  const inputIds = new Array<number>(length);
  const labels = new Array<number>(length).fill(IGNORE_INDEX);
  for (let j = 0; j < length; j++) {
    const id = ids[j]!;
    inputIds[j] = id;
    const counter = (key * length + j) * DRAWS_PER_TOKEN;
    if (rule.specialIds.has(id) || counterUniform(stream, counter) >= rule.probability) continue;
    labels[j] = id;
    if (counterUniform(stream, counter + 1) < 0.8) inputIds[j] = rule.maskId;
    else if (counterUniform(stream, counter + 2) < 0.5) inputIds[j] = Math.floor(counterUniform(stream, counter + 3) * rule.vocabSize);
  }
  return { inputIds, labels };
}
