// Labelled examples for sequence classification, read from a JSONL or CSV file: a text (or a pair
// of texts, `text_a`/`text_b`, encoded as `<s> A </s></s> B </s>`) and a label, either a class name
// or an integer class id. Each example remembers where it came from (`file:line`), so that a later
// check (an unknown label in the eval data, mixed label kinds) can name the row.

import { InputError } from '../../model/inputs.js';
import { readTextFile } from '../../platform/files.js';
import { csvRecords } from './csvExamples.js';
import { jsonlRecords } from './jsonlExamples.js';
import { FIELDS_HELP, type RawRecord } from './records.js';

/** The data files, as `roberta train --help` describes them. */
export const CLASSIFICATION_DATA_FORMAT =
  '.jsonl (one object per line: {"text": …, "label": …}, or "text_a"/"text_b" for pairs) or .csv with a header (columns text,label or text_a,text_b,label); ' +
  'labels are class names (numbered in sorted order) or integer class ids';

export interface LabelledExample {
  readonly text: string;
  /** The second text of a pair (`text_b`). */
  readonly textPair?: string;
  /** A class name, or a class id (a non-negative integer). */
  readonly label: string | number;
  /** `file:line` of the row, for errors. */
  readonly where: string;
}

function textField(fields: Readonly<Record<string, unknown>>, name: string, where: string): string {
  const value = fields[name];
  if (typeof value !== 'string') throw new InputError(`${where}: "${name}" must be a string, got ${value === null ? 'null' : typeof value}`);
  if (value === '') throw new InputError(`${where}: "${name}" is empty`);
  return value;
}

function labelField(value: unknown, fromCsv: boolean, where: string): string | number {
  // A CSV cell is always a string; a column of integer numerals is class ids, as datasets' CSV
  // loader infers an int64 column from them.
  if (fromCsv && typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && value !== '') return value;
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  throw new InputError(`${where}: "label" must be a class name or a non-negative integer class id, got ${shown}`);
}

function exampleOf({ fields, line }: RawRecord, file: string, fromCsv: boolean): LabelledExample {
  const where = `${file}:${line}`;
  const isPair = 'text_a' in fields || 'text_b' in fields;
  if (!isPair && !('text' in fields)) throw new InputError(`${where}: no "text" (a row needs ${FIELDS_HELP})`);
  if (isPair && 'text' in fields) throw new InputError(`${where}: has both "text" and "text_a"/"text_b"; give one text or a pair`);
  const label = labelField(fields.label, fromCsv, where);
  if (!isPair) return { text: textField(fields, 'text', where), label, where };
  return { text: textField(fields, 'text_a', where), textPair: textField(fields, 'text_b', where), label, where };
}

/** Checks that every row of a file is of one kind: all single texts or all pairs; all names or all ids. */
function checkUniform(examples: readonly LabelledExample[]): void {
  const first = examples[0];
  for (const example of examples) {
    if ((example.textPair === undefined) !== (first.textPair === undefined)) {
      const kind = (e: LabelledExample) => (e.textPair === undefined ? 'one text' : 'a text pair');
      throw new InputError(`${example.where}: holds ${kind(example)}, but ${first.where} holds ${kind(first)}; every row must have the same fields`);
    }
  }
  assertSameLabelKind(first, examples);
}

/** The kind of a label, as errors name it. */
export function labelKind(label: string | number): string {
  return typeof label === 'number' ? 'an integer class id' : 'a class name';
}

/** Throws naming the first example whose label is of another kind (name or id) than `reference`'s. */
export function assertSameLabelKind(reference: LabelledExample, examples: readonly LabelledExample[]): void {
  const other = examples.find((e) => typeof e.label !== typeof reference.label);
  if (other) {
    throw new InputError(
      `${other.where}: label ${JSON.stringify(other.label)} is ${labelKind(other.label)}, but ${reference.where} has ${labelKind(reference.label)} ` +
        `(${JSON.stringify(reference.label)}); use names or ids throughout`,
    );
  }
}

/**
 * The labelled examples of a `.jsonl` (one JSON object per line; blank lines skipped) or `.csv`
 * (a header row naming the columns) file, in file order.
 */
export async function readExamples(file: string): Promise<LabelledExample[]> {
  const lower = file.toLowerCase();
  const fromCsv = lower.endsWith('.csv');
  if (!fromCsv && !/\.(jsonl|ndjson|json)$/.test(lower)) {
    throw new InputError(`${file}: cannot tell its format from the name; use a .jsonl file (one JSON object per line) or a .csv file with a header`);
  }
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    throw new InputError(`${file}: cannot read the data (${(error as Error).message})`);
  }
  const records = fromCsv ? csvRecords(text, file) : jsonlRecords(text, file);
  if (records.length === 0) throw new InputError(`${file} holds no examples (each row needs ${FIELDS_HELP})`);
  const examples = records.map((record) => exampleOf(record, file, fromCsv));
  checkUniform(examples);
  return examples;
}
