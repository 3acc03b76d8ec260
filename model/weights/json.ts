// Small helpers for validating parsed JSON (safetensors headers, index files, config.json).

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a parsed JSON value for error messages. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * JSON.parse's error message on one line. V8 quotes the text around the fault, line breaks and
 * all, and an error message must stay one line (the CLI prints only the first).
 */
export function jsonSyntaxDetail(error: unknown): string {
  return String((error as Error).message).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
