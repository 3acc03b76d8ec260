// One training batch as `roberta grad` and `roberta train` read it (a JSON object, or one line of a
// JSONL file): {"input_ids": [[…]], "attention_mask": [[…]], "labels": …}. The ids are checked by
// the model; the labels here, against nothing but their own shape (the loss checks their range).

import { InputError, type IdMatrix, type ModelInputs } from '../model/inputs.js';

/** Per-token class ids [batch][seq] (−100 ignored), one label per sequence, or a list per sequence (multi-label, regression). */
export type Labels = readonly number[] | readonly (readonly number[])[];

export interface Batch extends ModelInputs {
  readonly labels: Labels;
}

function isNumberList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** `json` (already parsed) as a batch; `where` names it in errors (a file, or a file and line). */
export function parseBatch(json: unknown, where: string): Batch {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${where} must hold an object {"input_ids": [[...]], "attention_mask"?: [[...]], "labels": ...}`);
  }
  const record = json as Record<string, unknown>;
  if (!('input_ids' in record)) throw new InputError(`${where} has no "input_ids"`);
  const labels = record.labels;
  const valid = isNumberList(labels) || (Array.isArray(labels) && labels.length > 0 && labels.every(isNumberList));
  if (!valid || (labels as unknown[]).length === 0) {
    throw new InputError(`${where}: "labels" must be a list with one label per sequence, or a list of numbers per sequence (per token, or per class)`);
  }
  return {
    inputIds: record.input_ids as IdMatrix,
    attentionMask: record.attention_mask as IdMatrix | undefined,
    tokenTypeIds: record.token_type_ids as IdMatrix | undefined,
    labels: labels as Labels,
  };
}
