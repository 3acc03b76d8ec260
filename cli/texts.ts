// Input texts for classify / fill-mask / embed: the positional arguments, else one text per
// line of stdin. Processed in batches, with a count on stderr for long inputs on a terminal.

import { UsageError, type CommandIO, type ParsedArgs } from './command.js';
import { flagIsSet } from './args.js';

export async function readTexts(args: ParsedArgs, io: CommandIO): Promise<string[]> {
  if (args.positionals.length > 0) return [...args.positionals];
  const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (stdin.isTTY) throw new UsageError('give the text as an argument, or one text per line on stdin');
  let data = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) data += chunk as string;
  const texts = data.split(/\r?\n/).filter((line) => line.length > 0);
  if (texts.length === 0) throw new UsageError('no text given (arguments or stdin lines)');
  return texts;
}

export function batchSizeOf(args: ParsedArgs): number {
  const value = args.flags['batch-size'] ?? 8;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new UsageError(`--batch-size must be a positive integer, got ${String(value)}`);
  return value;
}

/** Runs `each` over the texts in batches, drawing "n/total" on stderr when it is a terminal and the input is long. */
export async function inBatches<R>(texts: readonly string[], args: ParsedArgs, io: CommandIO, each: (batch: string[]) => Promise<R[]>): Promise<R[]> {
  const size = batchSizeOf(args);
  const show = io.stderrIsTTY && !flagIsSet(args, 'quiet') && texts.length > size;
  const results: R[] = [];
  for (let start = 0; start < texts.length; start += size) {
    results.push(...(await each(texts.slice(start, start + size))));
    if (show) io.stderr.write(`\r${Math.min(start + size, texts.length)}/${texts.length} texts`);
  }
  if (show) io.stderr.write('\n');
  return results;
}

export const TEXT_FLAGS = {
  json: { type: 'boolean', description: 'one JSON line per input text' },
  'batch-size': { type: 'number', description: 'texts per forward pass', default: 8 },
} as const;

/** Cutting a too-long text is asked for, as with transformers' pipelines, so an answer never silently skips text. */
export const TRUNCATION_FLAGS = {
  truncation: { type: 'boolean', description: 'cut texts longer than the model takes (without it such a text is an error)' },
} as const;
