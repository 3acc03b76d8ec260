// Benchmark inputs: every row is `<s> random ids </s>`, the ids drawn uniformly from [3, vocab)
// (above the special tokens <s>=0, <pad>=1, </s>=2), with a full attention mask — the shape of a
// batch of real texts each exactly `seq` tokens long. The same seed gives the same ids, so every
// engine in a run, and every run on every machine, sees identical inputs.

import type { RobertaConfig } from '../model/config.js';
import type { ModelInputs } from '../model/inputs.js';
import { Mulberry32 } from './prng.js';

export const DEFAULT_INPUT_SEED = 1234;
const FIRST_ORDINARY_ID = 3;

/** The longest sequence the model's position table allows (positions start at pad_token_id + 1). */
export function maxSequenceLength(config: Pick<RobertaConfig, 'maxPositionEmbeddings' | 'padTokenId'>): number {
  return config.maxPositionEmbeddings - config.padTokenId - 1;
}

export function benchInputs(
  config: Pick<RobertaConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'maxPositionEmbeddings' | 'padTokenId'>,
  batch: number,
  seq: number,
  seed: number = DEFAULT_INPUT_SEED,
): ModelInputs & { readonly inputIds: number[][]; readonly attentionMask: number[][] } {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive integer, got ${batch}`);
  if (!Number.isInteger(seq) || seq < 2) throw new Error(`seq must be an integer ≥ 2 (room for <s> and </s>), got ${seq}`);
  const longest = maxSequenceLength(config);
  if (seq > longest) throw new Error(`seq ${seq} exceeds the model's ${longest} positions (max_position_embeddings ${config.maxPositionEmbeddings})`);
  if (config.vocabSize <= FIRST_ORDINARY_ID) throw new Error(`vocab_size ${config.vocabSize} leaves no ordinary token ids above ${FIRST_ORDINARY_ID - 1}`);
  const random = new Mulberry32(seed);
  const inputIds = Array.from({ length: batch }, () => {
    const row = Array.from({ length: seq }, () => random.nextInt(FIRST_ORDINARY_ID, config.vocabSize));
    row[0] = config.bosTokenId ?? 0;
    row[seq - 1] = config.eosTokenId ?? 2;
    return row;
  });
  return { inputIds, attentionMask: inputIds.map((row) => row.map(() => 1)) };
}

export type BenchInputs = ReturnType<typeof benchInputs>;
