// Shared access to the reference fixtures (golden values from Hugging Face, see
// test/fixtures/README.md). Not a test file itself.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { loadTokenizer } from '../../tokenizer/index.js';
import type { RobertaTokenizer, TokenizerSource } from '../../tokenizer/index.js';

export const ROBERTA_DIR = fileURLToPath(new URL('../fixtures/roberta-base-tokenizer/', import.meta.url));

export interface SingleCase {
  id: string;
  category: string;
  text: string;
  ids: number[];
  tokens: string[];
  ids_with_special: number[];
  decoded: string;
  decoded_skip_special: string;
  decoded_raw: string;
  rust?: { tokens?: string[] };
}

export interface PairCase {
  id: string;
  text: string;
  text_pair: string;
  ids_with_special: number[];
  attention_mask: number[];
  decoded: string;
  decoded_skip_special: string;
}

/** Keyword arguments of transformers' `tok(...)` call. */
export interface BatchCall {
  padding?: boolean | 'max_length';
  truncation?: boolean | 'longest_first' | 'only_second';
  max_length?: number;
}

export interface BatchCase {
  id: string;
  call: BatchCall;
  texts: string[];
  input_ids: number[][];
  attention_mask: number[][];
}

export interface PairBatchCase {
  id: string;
  call: BatchCall;
  pairs: Array<[string, string]>;
  input_ids: number[][];
  attention_mask: number[][];
  rust?: { input_ids: number[][] };
}

export interface TokenizerCases {
  special_tokens: Record<string, number>;
  single: SingleCase[];
  pairs: PairCase[];
  batches: BatchCase[];
  pair_batches: PairBatchCase[];
}

export const CASES = JSON.parse(
  readFileSync(new URL('../fixtures/tokenizer-cases.json', import.meta.url), 'utf8'),
) as TokenizerCases;

const loaded = new Map<TokenizerSource, Promise<RobertaTokenizer>>();

/** roberta-base's tokenizer, loaded once per route and test file. */
export function robertaBase(source: TokenizerSource = 'auto'): Promise<RobertaTokenizer> {
  let tokenizer = loaded.get(source);
  if (tokenizer === undefined) {
    tokenizer = loadTokenizer(ROBERTA_DIR, { source });
    loaded.set(source, tokenizer);
  }
  return tokenizer;
}
