// transformers' side files next to the vocabulary: tokenizer_config.json,
// special_tokens_map.json and added_tokens.json. All are optional (roberta-base ships none).

import type { SpecialTokenNames } from './definition.js';
import { JsonFields, isJsonObject } from './jsonFields.js';
import type { AddedToken } from './specialTokens.js';
import { describeValue } from './describeValue.js';
import { TokenizerFileError, parseJsonObject } from './tokenizerFileError.js';

/** An added token's flags without its id (how configs describe special tokens). */
export type AddedTokenFlags = Omit<AddedToken, 'id'>;

type RoleTokens = Partial<Record<keyof SpecialTokenNames, AddedTokenFlags>>;

/** What the side files say; every field is optional. */
export interface TokenizerConfig {
  /** Special tokens by role, with flags when the file gives an AddedToken object. */
  readonly specialTokens: Readonly<RoleTokens>;
  readonly addedTokens: readonly AddedToken[];
  readonly addPrefixSpace?: boolean;
  readonly trimOffsets?: boolean;
  readonly cleanUpTokenizationSpaces?: boolean;
  readonly modelMaxLength?: number;
}

const ROLE_KEYS: ReadonlyArray<readonly [keyof SpecialTokenNames, string]> = [
  ['cls', 'cls_token'],
  ['sep', 'sep_token'],
  ['pad', 'pad_token'],
  ['unk', 'unk_token'],
  ['mask', 'mask_token'],
  ['bos', 'bos_token'],
  ['eos', 'eos_token'],
];

/** An added token from `{content, lstrip, rstrip, special, single_word, …}` (both HF formats). */
export function addedTokenFlagsFromJson(fields: JsonFields, defaultSpecial: boolean): AddedTokenFlags {
  if (fields.boolean('single_word')) {
    throw new TokenizerFileError(fields.file, `${fields.path}: single_word added tokens are not supported`);
  }
  return {
    content: fields.requiredString('content'),
    special: fields.boolean('special') ?? defaultSpecial,
    lstrip: fields.boolean('lstrip') ?? false,
    rstrip: fields.boolean('rstrip') ?? false,
  };
}

function roleTokens(fields: JsonFields): RoleTokens {
  const roles: RoleTokens = {};
  for (const [role, key] of ROLE_KEYS) {
    const value = fields.value(key);
    if (value === undefined) continue;
    if (typeof value === 'string') roles[role] = { content: value, special: true, lstrip: false, rstrip: false };
    else if (isJsonObject(value)) roles[role] = addedTokenFlagsFromJson(new JsonFields(value, fields.file, key), true);
    else fields.fail(key, 'a string or an AddedToken object');
  }
  return roles;
}

/** tokenizer_config.json (transformers ≥ 4.34 also lists added tokens in `added_tokens_decoder`). */
export function parseTokenizerConfig(text: string, file: string): TokenizerConfig {
  const fields = new JsonFields(parseJsonObject(text, file), file, '');
  const addedTokens: AddedToken[] = [];
  const decoder = fields.nested('added_tokens_decoder');
  for (const [key, value] of Object.entries(decoder?.object ?? {})) {
    const id = Number(key);
    if (!Number.isSafeInteger(id) || id < 0 || !isJsonObject(value)) {
      throw new TokenizerFileError(file, `added_tokens_decoder.${key} must map a token id to an AddedToken object`);
    }
    addedTokens.push({ id, ...addedTokenFlagsFromJson(new JsonFields(value, file, `added_tokens_decoder.${key}`), false) });
  }
  const maxLength = fields.number('model_max_length');
  return {
    specialTokens: roleTokens(fields),
    addedTokens,
    addPrefixSpace: fields.boolean('add_prefix_space'),
    trimOffsets: fields.boolean('trim_offsets'),
    cleanUpTokenizationSpaces: fields.boolean('clean_up_tokenization_spaces'),
    // transformers writes int(1e30) for "no limit".
    modelMaxLength: maxLength !== undefined && Number.isSafeInteger(maxLength) && maxLength > 0 ? maxLength : undefined,
  };
}

/** special_tokens_map.json: role → token. */
export function parseSpecialTokensMap(text: string, file: string): TokenizerConfig {
  return { specialTokens: roleTokens(new JsonFields(parseJsonObject(text, file), file, '')), addedTokens: [] };
}

/** added_tokens.json: token → id, tokens added after training (not special). */
export function parseAddedTokensJson(text: string, file: string): TokenizerConfig {
  const addedTokens = Object.entries(parseJsonObject(text, file)).map(([content, id]): AddedToken => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new TokenizerFileError(file, `token ${JSON.stringify(content)} has id ${describeValue(id)}, expected a non-negative integer`);
    }
    return { content, id, special: false, lstrip: false, rstrip: false };
  });
  return { specialTokens: {}, addedTokens };
}
