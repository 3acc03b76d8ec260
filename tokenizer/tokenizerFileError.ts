// Errors about tokenizer files always say which file and what is wrong with it.

import { jsonSyntaxDetail } from '../model/weights/json.js';
import { describeValue } from './describeValue.js';

/** A tokenizer file is missing, unreadable or malformed. `file` is the path as given. */
export class TokenizerFileError extends Error {
  override readonly name = 'TokenizerFileError';

  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Parse a JSON file's text that must hold an object. */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TokenizerFileError(file, `invalid JSON (${jsonSyntaxDetail(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenizerFileError(file, `expected a JSON object at the top level, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}
