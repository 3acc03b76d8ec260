// Typed reads of JSON fields that fail with the file, the field's path and what was found.

import { describeValue } from './describeValue.js';
import { TokenizerFileError } from './tokenizerFileError.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads fields of one JSON object at path `path` (e.g. `pre_tokenizer`) in `file`. */
export class JsonFields {
  constructor(
    readonly object: JsonObject,
    readonly file: string,
    readonly path: string,
  ) {}

  private name(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  fail(key: string, expected: string): never {
    throw new TokenizerFileError(this.file, `${this.name(key)} must be ${expected}, got ${describeValue(this.object[key])}`);
  }

  /** The field's value, or undefined when it is absent or null. */
  value(key: string): unknown {
    return this.object[key] ?? undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.value(key);
    if (value === undefined || typeof value === 'boolean') return value;
    return this.fail(key, 'a boolean');
  }

  number(key: string): number | undefined {
    const value = this.value(key);
    if (value === undefined || typeof value === 'number') return value;
    return this.fail(key, 'a number');
  }

  string(key: string): string | undefined {
    const value = this.value(key);
    if (value === undefined || typeof value === 'string') return value;
    return this.fail(key, 'a string');
  }

  requiredString(key: string): string {
    return this.string(key) ?? this.fail(key, 'a string');
  }

  /** A nested object, read with the same file and a longer path. */
  nested(key: string): JsonFields | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!isJsonObject(value)) return this.fail(key, 'an object');
    return new JsonFields(value, this.file, this.name(key));
  }

  array(key: string): unknown[] | undefined {
    const value = this.value(key);
    if (value === undefined || Array.isArray(value)) return value;
    return this.fail(key, 'an array');
  }
}
