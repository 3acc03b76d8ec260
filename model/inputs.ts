// Model inputs are checked on the host, where the numbers are plainly visible, before anything
// is uploaded: a bad id must be a clear error, never an out-of-bounds read in a GPU kernel.

import type { Backend } from '../engine/backend.js';
import { tensor } from '../engine/ops/creation.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';

/** A batch of sequences: one array of token ids per row, all rows the same length. */
export type IdMatrix = readonly (readonly number[])[];

export interface ModelInputs {
  readonly inputIds: IdMatrix;
  /** 1 for real tokens, 0 for padding; all ones when absent. */
  readonly attentionMask?: IdMatrix;
  /** Segment ids; all zeros when absent (RoBERTa has a single segment type). */
  readonly tokenTypeIds?: IdMatrix;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

function checkMatrix(name: string, rows: unknown, batch?: number, seq?: number): { batch: number; seq: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError(`${name} must be a non-empty array of rows (one per sequence)`);
  const width = seq ?? (Array.isArray(rows[0]) ? rows[0].length : -1);
  rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row)) throw new InputError(`${name}[${r}] must be an array of integers`);
    if (row.length !== width) {
      throw new InputError(`${name} is ragged: row ${r} has ${row.length} entries, expected ${width}${seq === undefined ? ' (like row 0)' : ' (like input_ids)'}; pad the rows to one length`);
    }
    row.forEach((v: unknown, c) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new InputError(`${name}[${r}][${c}] must be an integer, got ${JSON.stringify(v)}`);
    });
  });
  if (batch !== undefined && rows.length !== batch) throw new InputError(`${name} has ${rows.length} rows, input_ids has ${batch}`);
  if (width === 0) throw new InputError(`${name} rows are empty: a sequence needs at least one token`);
  return { batch: rows.length, seq: width };
}

function checkRange(name: string, rows: IdMatrix, lo: number, hi: number, what: string): void {
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v < lo || v > hi) throw new InputError(`${name}[${r}][${c}] = ${v} is out of range: ${what} must be in [${lo}, ${hi}]`);
    }),
  );
}

export interface CheckedInputs {
  readonly batch: number;
  readonly seq: number;
  readonly inputIds: Tensor; // int32 [batch, seq]
  readonly attentionMask: Tensor; // int32 [batch, seq]
  readonly tokenTypeIds: Tensor; // int32 [batch, seq]
}

/** Validates the inputs against the config and uploads them as int32 tensors. */
export function prepareInputs(inputs: ModelInputs, config: RobertaConfig, backend: Backend): CheckedInputs {
  const { batch, seq } = checkMatrix('input_ids', inputs.inputIds);
  checkRange('input_ids', inputs.inputIds, 0, config.vocabSize - 1, `token ids (vocab_size ${config.vocabSize})`);
  // Positions run from padding_idx + 1 up to padding_idx + seq, and must stay inside the table.
  const maxSeq = config.maxPositionEmbeddings - config.padTokenId - 1;
  if (seq > maxSeq) {
    throw new InputError(`sequence too long: ${seq} tokens, this model takes at most ${maxSeq} (max_position_embeddings ${config.maxPositionEmbeddings} − padding_idx ${config.padTokenId} − 1)`);
  }
  const mask = inputs.attentionMask ?? inputs.inputIds.map((row) => row.map(() => 1));
  checkMatrix('attention_mask', mask, batch, seq);
  checkRange('attention_mask', mask, 0, 1, 'mask values');
  const types = inputs.tokenTypeIds ?? inputs.inputIds.map((row) => row.map(() => 0));
  checkMatrix('token_type_ids', types, batch, seq);
  checkRange('token_type_ids', types, 0, config.typeVocabSize - 1, `token type ids (type_vocab_size ${config.typeVocabSize})`);
  const upload = (rows: IdMatrix) => tensor(Int32Array.from(rows.flat()), [batch, seq], 'int32', backend);
  return { batch, seq, inputIds: upload(inputs.inputIds), attentionMask: upload(mask), tokenTypeIds: upload(types) };
}
