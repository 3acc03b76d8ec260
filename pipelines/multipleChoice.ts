// Multiple choice through the library: RobertaForMultipleChoice scores [batch, choices, seq]
// inputs, one row per choice. `encodeChoices` builds that input for one prompt, as HF's
// examples do with `tokenizer([prompt] * n, choices, padding=True)`: each row is the pair
// <s> prompt </s></s> choice </s>, padded to the longest.

import type { IdChoices } from '../model/inputs.js';
import type { RobertaTokenizer, TruncationOption } from '../tokenizer/index.js';

export interface ChoiceInputs {
  readonly inputIds: IdChoices; // [1, choices, seq]
  readonly attentionMask: IdChoices;
}

export interface EncodeChoicesOptions {
  /** Cut each pair to this many tokens, special tokens included (with `truncation`). */
  readonly maxLength?: number;
  /** Which side gives way when a pair is too long (default: none is cut). */
  readonly truncation?: TruncationOption;
}

export function encodeChoices(tokenizer: RobertaTokenizer, prompt: string, choices: readonly string[], options: EncodeChoicesOptions = {}): ChoiceInputs {
  if (typeof prompt !== 'string') throw new TypeError('encodeChoices: the prompt must be a string');
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === 'string')) {
    throw new TypeError('encodeChoices: choices must be a non-empty array of strings');
  }
  const enc = tokenizer.encodeBatch(
    choices.map((choice) => [prompt, choice] as const),
    { padding: 'longest', truncation: options.truncation ?? false, maxLength: options.maxLength },
  );
  return { inputIds: [enc.inputIds], attentionMask: [enc.attentionMask] };
}
