// CSV with a header row (csv-parse): columns `text,label` or `text_a,text_b,label`, others ignored;
// quoted fields may hold commas, quotes ("") and newlines; blank lines are skipped. Line ends are
// read as \n whatever the file uses (\r\n, \r): csv-parse miscounts lines under \r\n, and a file
// mixing the two would leave a \r in its last field.

import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '../../model/inputs.js';
import type { RawRecord } from './records.js';

function checkHeader(columns: string[], file: string): string[] {
  const has = (name: string) => columns.includes(name);
  if (!has('label') || !(has('text') || (has('text_a') && has('text_b')))) {
    throw new InputError(`${file}:1: the header names ${columns.map((c) => JSON.stringify(c)).join(', ')}; a CSV needs columns text,label or text_a,text_b,label`);
  }
  return columns;
}

export function csvRecords(text: string, file: string): RawRecord[] {
  let rows: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/\r\n?/g, '\n'), { bom: true, columns: (header: string[]) => checkHeader(header, file), skip_empty_lines: true, info: true, raw: true });
  } catch (error) {
    if (error instanceof CsvError) throw new InputError(`${file}:${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}`);
    throw error;
  }
  // csv-parse reports the line a record ends on; a quoted field may span lines, so count back over
  // the record's own newlines (its raw text, without the blank lines skipped before it).
  return rows.map(({ record, raw, info }) => {
    const own = raw.replace(/^\n+/, '').replace(/\n+$/, '');
    return { fields: record, line: info.lines - (own.match(/\n/g)?.length ?? 0) };
  });
}
