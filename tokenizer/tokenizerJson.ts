// tokenizer.json, the single-file format of HF's Rust `tokenizers` ("fast" tokenizers).
// Only what a RoBERTa-style tokenizer uses is accepted: a BPE model, no normalizer, the
// ByteLevel pre-tokenizer and decoder, RobertaProcessing. Anything else is refused by name
// rather than silently tokenized differently.

import type { MergeRule } from './bpe.js';
import { JsonFields, isJsonObject } from './jsonFields.js';
import type { AddedToken } from './specialTokens.js';
import { addedTokenFlagsFromJson } from './tokenizerConfig.js';
import { describeValue } from './describeValue.js';
import { TokenizerFileError, parseJsonObject } from './tokenizerFileError.js';
import { mergeRulesFromPairs, vocabFromObject } from './vocabFiles.js';

/** What tokenizer.json defines. `pad` appears only where the file names it. */
export interface TokenizerJson {
  readonly vocab: Map<string, number>;
  readonly merges: MergeRule[];
  readonly addedTokens: AddedToken[];
  readonly cls: string;
  readonly sep: string;
  readonly pad?: string;
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
}

function unsupported(fields: JsonFields, key: string, what: string): never {
  throw new TokenizerFileError(fields.file, `${fields.path === '' ? key : `${fields.path}.${key}`}: ${what} is not supported`);
}

function mergePairs(model: JsonFields): Array<[string, string]> {
  const merges = model.array('merges') ?? model.fail('merges', 'an array');
  return merges.map((merge, index): [string, string] => {
    // Two spellings exist: "Ġ t" (tokenizers < 0.20) and ["Ġ", "t"].
    const parts = typeof merge === 'string' ? merge.split(' ') : merge;
    if (!Array.isArray(parts) || parts.length !== 2 || parts.some((part) => typeof part !== 'string' || part === '')) {
      throw new TokenizerFileError(
        model.file,
        `model.merges[${index}] must be "left right" or ["left", "right"], got ${describeValue(merge)}`,
      );
    }
    return [parts[0] as string, parts[1] as string];
  });
}

/** `["</s>", 2]` in RobertaProcessing. */
function processorToken(processor: JsonFields, key: string): string {
  const value = processor.array(key);
  if (value === undefined || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'number') {
    return processor.fail(key, 'a [token, id] pair');
  }
  return value[0];
}

export function parseTokenizerJson(text: string, file: string): TokenizerJson {
  const root = new JsonFields(parseJsonObject(text, file), file, '');

  const model = root.nested('model') ?? root.fail('model', 'an object');
  const type = model.string('type');
  if (type !== undefined && type !== 'BPE') unsupported(model, 'type', `model type ${JSON.stringify(type)}`);
  if (model.value('dropout') !== undefined && model.value('dropout') !== 0) unsupported(model, 'dropout', 'BPE dropout');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    if ((model.string(key) ?? '') !== '') unsupported(model, key, `a ${key}`);
  }
  if (model.boolean('ignore_merges')) unsupported(model, 'ignore_merges', 'ignore_merges');
  const vocabFields = model.nested('vocab') ?? model.fail('vocab', 'an object');
  const vocab = vocabFromObject(vocabFields.object, file, 'model.vocab: ');
  const merges = mergeRulesFromPairs(mergePairs(model), vocab, file, (i) => `model.merges[${i}]`);

  if (root.value('normalizer') !== undefined) unsupported(root, 'normalizer', 'a normalizer');
  const preTokenizer = root.nested('pre_tokenizer') ?? root.fail('pre_tokenizer', 'a ByteLevel pre-tokenizer');
  if (preTokenizer.string('type') !== 'ByteLevel') unsupported(preTokenizer, 'type', `pre-tokenizer ${describeValue(preTokenizer.value('type'))}`);
  if (preTokenizer.boolean('use_regex') === false) unsupported(preTokenizer, 'use_regex', 'ByteLevel without its regex');
  const decoder = root.nested('decoder');
  if (decoder !== undefined && decoder.string('type') !== 'ByteLevel') {
    unsupported(decoder, 'type', `decoder ${describeValue(decoder.value('type'))}`);
  }

  // The post-processor frames the sequences and trims the offsets (the ByteLevel
  // pre-tokenizer's own `trim_offsets` has no effect there).
  const processor = root.nested('post_processor') ?? root.fail('post_processor', 'a RobertaProcessing post-processor');
  if (processor.string('type') !== 'RobertaProcessing') {
    unsupported(processor, 'type', `post-processor ${describeValue(processor.value('type'))}`);
  }

  const addedTokens = (root.array('added_tokens') ?? []).map((entry, index): AddedToken => {
    const path = `added_tokens[${index}]`;
    if (!isJsonObject(entry)) throw new TokenizerFileError(file, `${path} must be an object, got ${describeValue(entry)}`);
    const fields = new JsonFields(entry, file, path);
    const id = fields.number('id') ?? -1;
    if (!Number.isSafeInteger(id) || id < 0) fields.fail('id', 'a non-negative integer');
    return { id, ...addedTokenFlagsFromJson(fields, false) };
  });

  return {
    vocab,
    merges,
    addedTokens,
    cls: processorToken(processor, 'cls'),
    sep: processorToken(processor, 'sep'),
    pad: root.nested('padding')?.string('pad_token'),
    addPrefixSpace: preTokenizer.boolean('add_prefix_space') ?? false,
    trimOffsets: processor.boolean('trim_offsets') ?? true,
  };
}
