// A data row as its file format parsed it, before it is checked as a labelled example.

/** Field name → value (CSV gives strings, JSON any value), and the line the row starts on. */
export interface RawRecord {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly line: number;
}

/** What a row must hold: `text`, or `text_a` and `text_b`; and `label`. */
export const FIELDS_HELP = '"text" (or "text_a" and "text_b" for pairs) and "label"';
