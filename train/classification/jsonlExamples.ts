// JSON Lines: one JSON object per line, blank lines skipped.

import { InputError } from '../../model/inputs.js';
import { jsonSyntaxDetail } from '../../model/weights/json.js';
import { FIELDS_HELP, type RawRecord } from './records.js';

export function jsonlRecords(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    const source = raw.trim();
    if (source === '') return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new InputError(`${where}: not valid JSON (${jsonSyntaxDetail(error)})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${where}: expected a JSON object with ${FIELDS_HELP}`);
    records.push({ fields: value as Record<string, unknown>, line: i + 1 });
  });
  return records;
}
