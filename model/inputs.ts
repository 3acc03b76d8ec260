// Model inputs are checked on the host, where the numbers are plainly visible, before anything
// is uploaded: a bad id must be a clear error, never an out-of-bounds read in a GPU kernel.

import type { Backend } from '../engine/backend.js';
import { tensor } from '../engine/ops/creation.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';

/** A batch of sequences: one array of token ids per row, all rows the same length. */
export type IdMatrix = readonly (readonly number[])[];
/** Multiple choice: per example, one row of ids per choice — [batch, choices, seq]. */
export type IdChoices = readonly IdMatrix[];

/**
 * [batch, seq] for every model except RobertaForMultipleChoice, which takes [batch, choices, seq]
 * (as in Hugging Face, where the rank of the tensors is checked when the model runs).
 */
export interface ModelInputs {
  readonly inputIds: IdMatrix | IdChoices;
  /** 1 for real tokens, 0 for padding; all ones when absent. */
  readonly attentionMask?: IdMatrix | IdChoices;
  /** Segment ids; all zeros when absent (RoBERTa has a single segment type). */
  readonly tokenTypeIds?: IdMatrix | IdChoices;
}

/** Inputs of one sequence per row, the shape the encoder runs on. */
export interface RowInputs extends ModelInputs {
  readonly inputIds: IdMatrix;
  readonly attentionMask?: IdMatrix;
  readonly tokenTypeIds?: IdMatrix;
  /** How error messages index row `r` (default `[r]`; flattened choices say `[example][choice]`). */
  readonly rowIndex?: (row: number) => string;
}

type RowIndex = (row: number) => string;
const plainRowIndex: RowIndex = (r) => `[${r}]`;

export class InputError extends Error {
  override readonly name = 'InputError';
}

function checkMatrix(name: string, rows: unknown, batch?: number, seq?: number, at = plainRowIndex): { batch: number; seq: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError(`${name} must be a non-empty array of rows (one per sequence)`);
  const width = seq ?? (Array.isArray(rows[0]) ? rows[0].length : -1);
  rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row)) throw new InputError(`${name}[${r}] must be an array of integers`);
    if (row.length !== width) {
      throw new InputError(`${name} is ragged: row ${r} has ${row.length} entries, expected ${width}${seq === undefined ? ' (like row 0)' : ' (like input_ids)'}; pad the rows to one length`);
    }
    row.forEach((v: unknown, c) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new InputError(`${name}${at(r)}[${c}] must be an integer, got ${JSON.stringify(v)}`);
    });
  });
  if (batch !== undefined && rows.length !== batch) throw new InputError(`${name} has ${rows.length} rows, input_ids has ${batch}`);
  if (width === 0) throw new InputError(`${name} rows are empty: a sequence needs at least one token`);
  return { batch: rows.length, seq: width };
}

function checkRange(name: string, rows: IdMatrix, lo: number, hi: number, what: string, at: RowIndex): void {
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v < lo || v > hi) throw new InputError(`${name}${at(r)}[${c}] = ${v} is out of range: ${what} must be in [${lo}, ${hi}]`);
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

/** Whether `ids` has a third axis (choices): its first entry's first entry is itself an array. */
function hasChoices(ids: unknown): boolean {
  return Array.isArray(ids) && Array.isArray(ids[0]) && Array.isArray(ids[0][0]);
}

/** The inputs as checked on the host: int32 arrays of [batch, seq], rows one after another. */
export interface InputArrays {
  readonly batch: number;
  readonly seq: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  readonly tokenTypeIds: Int32Array;
}

/** Validates the inputs against the config; the mask defaults to ones, the token types to zeros. */
export function checkInputs(inputs: ModelInputs, config: RobertaConfig): InputArrays {
  if (hasChoices(inputs.inputIds)) {
    throw new InputError('input_ids has 3 axes [batch, choices, seq]: only RobertaForMultipleChoice takes choices; this model takes [batch, seq]');
  }
  const rows = inputs as RowInputs;
  const at = rows.rowIndex ?? plainRowIndex;
  const { batch, seq } = checkMatrix('input_ids', rows.inputIds, undefined, undefined, at);
  checkRange('input_ids', rows.inputIds, 0, config.vocabSize - 1, `token ids (vocab_size ${config.vocabSize})`, at);
  // Positions run from padding_idx + 1 up to padding_idx + seq, and must stay inside the table.
  const maxSeq = config.maxPositionEmbeddings - config.padTokenId - 1;
  if (seq > maxSeq) {
    throw new InputError(`sequence too long: ${seq} tokens, this model takes at most ${maxSeq} (max_position_embeddings ${config.maxPositionEmbeddings} − padding_idx ${config.padTokenId} − 1)`);
  }
  const mask = rows.attentionMask ?? rows.inputIds.map((row) => row.map(() => 1));
  checkMatrix('attention_mask', mask, batch, seq, at);
  checkRange('attention_mask', mask, 0, 1, 'mask values', at);
  const types = rows.tokenTypeIds ?? rows.inputIds.map((row) => row.map(() => 0));
  checkMatrix('token_type_ids', types, batch, seq, at);
  checkRange('token_type_ids', types, 0, config.typeVocabSize - 1, `token type ids (type_vocab_size ${config.typeVocabSize})`, at);
  const flat = (rows: IdMatrix) => Int32Array.from(rows.flat());
  return { batch, seq, inputIds: flat(rows.inputIds), attentionMask: flat(mask), tokenTypeIds: flat(types) };
}

/**
 * Validates the inputs against the config and uploads them as int32 tensors: input_ids, then
 * attention_mask, then token_type_ids, the first uploads of a forward (a recorded forward's
 * inputs, forwardReplay.ts).
 */
export function prepareInputs(inputs: ModelInputs, config: RobertaConfig, backend: Backend): CheckedInputs {
  const host = checkInputs(inputs, config);
  const upload = (data: Int32Array) => tensor(data, [host.batch, host.seq], 'int32', backend);
  return { batch: host.batch, seq: host.seq, inputIds: upload(host.inputIds), attentionMask: upload(host.attentionMask), tokenTypeIds: upload(host.tokenTypeIds) };
}

/** One [batch, choices, seq] input as its [batch · choices, seq] rows, example by example. */
function choiceRows(name: string, value: unknown, shape?: ChoicesShape): IdMatrix {
  if (!Array.isArray(value) || value.length === 0) throw new InputError(`${name} must be a non-empty array of examples, each an array of choices: [batch, choices, seq]`);
  const like = shape ? ' (like input_ids)' : ' (like example 0)';
  const first: unknown = value[0];
  const choices = shape?.choices ?? (Array.isArray(first) ? first.length : -1);
  const seq = shape?.seq ?? (Array.isArray(first) && Array.isArray(first[0]) ? first[0].length : -1);
  value.forEach((example: unknown, e) => {
    if (!Array.isArray(example) || !example.every((choice) => Array.isArray(choice))) {
      throw new InputError(`${name}[${e}] must be an array of choices, each an array of integers: [batch, choices, seq]`);
    }
    if (example.length !== choices) {
      throw new InputError(`${name} has ragged choices: example ${e} has ${example.length}, expected ${choices}${like}; every example needs the same number of choices`);
    }
    example.forEach((choice: unknown[], c) => {
      if (choice.length !== seq) throw new InputError(`${name} is ragged: example ${e} choice ${c} has ${choice.length} entries, expected ${seq}${like}; pad every choice to one length`);
    });
  });
  if (shape && value.length !== shape.batch) throw new InputError(`${name} has ${value.length} examples, input_ids has ${shape.batch}`);
  return (value as IdChoices).flat();
}

interface ChoicesShape {
  readonly batch: number;
  readonly choices: number;
  readonly seq: number;
}

export interface FlattenedChoices extends ChoicesShape {
  readonly rows: RowInputs; // [batch · choices, seq]
}

/**
 * RobertaForMultipleChoice's view of its inputs: every choice of every example becomes a row of
 * its own, as HF's `input_ids.view(-1, seq)` does; the rows are then checked like any batch.
 */
export function flattenChoices(inputs: ModelInputs): FlattenedChoices {
  const ids = inputs.inputIds;
  if (Array.isArray(ids) && Array.isArray(ids[0]) && !hasChoices(ids)) {
    throw new InputError("RobertaForMultipleChoice takes input_ids of shape [batch, choices, seq], got [batch, seq]: put each example's choices in an array of their own");
  }
  const inputIds = choiceRows('input_ids', ids);
  const shape = { batch: ids.length, choices: inputIds.length / ids.length, seq: inputIds[0].length };
  const optional = (name: string, value: unknown) => (value === undefined ? undefined : choiceRows(name, value, shape));
  const rows = {
    inputIds,
    attentionMask: optional('attention_mask', inputs.attentionMask),
    tokenTypeIds: optional('token_type_ids', inputs.tokenTypeIds),
    rowIndex: (r: number) => `[${Math.floor(r / shape.choices)}][${r % shape.choices}]`,
  };
  return { rows, ...shape };
}
