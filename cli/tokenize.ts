// `roberta tokenize`: show how a model's tokenizer splits a text, or serve tokenization requests
// as JSON lines (one request per stdin line, one response per stdout line) for parity suites.

import { once } from 'node:events';
import { createInterface } from 'node:readline';

import { loadTokenizer } from '../tokenizer/index.js';
import type { EncodeOptions, Encoding, RobertaTokenizer } from '../tokenizer/index.js';
import { UsageError } from './command.js';
import type { CliCommand, CommandIO, ParsedArgs } from './command.js';

/** One `--jsonl` request line (transformers' argument names). */
interface TokenizeRequest {
  readonly text: string;
  readonly text_pair?: string;
  readonly add_special_tokens?: boolean;
  readonly padding?: EncodeOptions['padding'];
  readonly truncation?: EncodeOptions['truncation'];
  readonly max_length?: number;
}

/** One `--jsonl` response line. */
interface TokenizeResponse {
  readonly input_ids: number[];
  readonly tokens: string[];
  readonly attention_mask: number[];
  readonly offsets: Array<[number, number]>;
  readonly decoded: string;
}

/**
 * A request may pad to max_length, so a line of a few bytes could ask for gigabytes; no RoBERTa
 * takes more than a few thousand positions, and a million is far beyond any real use.
 */
const MAX_LENGTH_LIMIT = 1_000_000;

const REQUEST_KEYS = new Set(['text', 'text_pair', 'add_special_tokens', 'padding', 'truncation', 'max_length']);

function parseRequest(line: string): TokenizeRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('a request must be a JSON object like {"text": "..."}');
  }
  const request = value as Record<string, unknown>;
  for (const key of Object.keys(request)) {
    if (!REQUEST_KEYS.has(key)) throw new Error(`unknown key ${JSON.stringify(key)} (expected ${[...REQUEST_KEYS].join(', ')})`);
  }
  const { text, text_pair: pair, add_special_tokens: addSpecialTokens, max_length: maxLength } = request;
  if (typeof text !== 'string') throw new Error('"text" must be a string');
  if (pair !== undefined && pair !== null && typeof pair !== 'string') throw new Error('"text_pair" must be a string');
  if (addSpecialTokens !== undefined && typeof addSpecialTokens !== 'boolean') {
    throw new Error('"add_special_tokens" must be a boolean');
  }
  if (maxLength !== undefined && (typeof maxLength !== 'number' || maxLength > MAX_LENGTH_LIMIT)) {
    throw new Error(`"max_length" must be an integer up to ${MAX_LENGTH_LIMIT}`);
  }
  return {
    text,
    text_pair: pair ?? undefined,
    add_special_tokens: addSpecialTokens,
    // The tokenizer checks these two and names the allowed values.
    padding: request.padding as EncodeOptions['padding'],
    truncation: request.truncation as EncodeOptions['truncation'],
    max_length: maxLength,
  };
}

function respond(tokenizer: RobertaTokenizer, request: TokenizeRequest): TokenizeResponse {
  const encoding = tokenizer.encode(request.text, request.text_pair, {
    addSpecialTokens: request.add_special_tokens,
    padding: request.padding,
    truncation: request.truncation,
    maxLength: request.max_length,
  });
  return {
    input_ids: encoding.ids,
    tokens: encoding.tokens,
    attention_mask: encoding.attentionMask,
    offsets: encoding.offsets,
    decoded: tokenizer.decode(encoding.ids),
  };
}

async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(line + '\n')) await once(stream, 'drain');
}

async function serveJsonLines(tokenizer: RobertaTokenizer, io: CommandIO): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let response: TokenizeResponse | { error: string };
    try {
      response = respond(tokenizer, parseRequest(line));
    } catch (error) {
      response = { error: (error as Error).message };
    }
    await writeLine(io.stdout, JSON.stringify(response));
  }
}

/** A table of the tokens; `secondStart` is the index of the pair's first token (offsets point into `texts[1]` from there). */
function formatTable(encoding: Encoding, texts: readonly string[], secondStart: number): string {
  const rows = encoding.ids.map((id, i) => {
    const [start, end] = encoding.offsets[i]!;
    const source = texts[i >= secondStart ? 1 : 0]!;
    const covered = end > start ? JSON.stringify(source.slice(start, end)) : '';
    return [String(i), String(id), encoding.tokens[i]!, `[${start}, ${end}]`, covered];
  });
  const header = ['#', 'id', 'token', 'offsets', 'text'];
  const widths = header.map((title, c) => rows.reduce((width, row) => Math.max(width, row[c]!.length), title.length));
  return [header, ...rows].map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

export const tokenizeCommand: CliCommand = {
  name: 'tokenize',
  summary: "Split text into tokens with a model's byte-level BPE tokenizer (ids, tokens, offsets)",
  usage: ['tokenize --model DIR [--pair TEXT] TEXT', 'tokenize --model DIR --jsonl < requests.jsonl'],
  examples: [
    'roberta tokenize --model test/fixtures/roberta-base-tokenizer "Hello world!"',
    'roberta tokenize --model test/fixtures/roberta-base-tokenizer --pair "Second text" "First text"',
    `echo '{"text": "Hello <mask>!", "padding": "max_length", "max_length": 8}' | roberta tokenize --model test/fixtures/roberta-base-tokenizer --jsonl`,
  ],
  flags: {
    model: { type: 'string', description: 'model directory with tokenizer.json, or vocab.json and merges.txt' },
    pair: { type: 'string', description: 'second text of a sentence pair (<s> A </s></s> B </s>)' },
    jsonl: {
      type: 'boolean',
      description:
        'read requests {"text", "text_pair"?, "add_special_tokens"?, "padding"?, "truncation"?, "max_length"?} as JSON lines ' +
        'on stdin; write {"input_ids", "tokens", "attention_mask", "offsets", "decoded"} (or {"error"}) per line',
    },
  },

  async run(args: ParsedArgs, io: CommandIO): Promise<number> {
    const model = args.flags.model;
    if (typeof model !== 'string' || model === '') throw new UsageError('--model DIR is required');
    const pair = args.flags.pair;
    if (pair !== undefined && typeof pair !== 'string') throw new UsageError('--pair takes a text');
    const jsonl = args.flags.jsonl === true;
    if (jsonl && (args.positionals.length > 0 || pair !== undefined)) {
      throw new UsageError('--jsonl reads its texts from stdin: give no TEXT and no --pair');
    }
    if (!jsonl && args.positionals.length !== 1) {
      throw new UsageError(`expected exactly one TEXT (quote it), got ${args.positionals.length}`);
    }

    let tokenizer: RobertaTokenizer;
    try {
      tokenizer = await loadTokenizer(model);
    } catch (error) {
      io.stderr.write(`roberta tokenize: ${(error as Error).message}\n`);
      return 1;
    }
    if (jsonl) {
      await serveJsonLines(tokenizer, io);
      return 0;
    }
    const text = args.positionals[0]!;
    const encoding = tokenizer.encode(text, pair);
    // <s> A </s></s> B </s>: B starts after A's tokens and three special tokens.
    const secondStart = pair === undefined ? encoding.ids.length : tokenizer.tokenize(text).length + 3;
    await writeLine(io.stdout, formatTable(encoding, pair === undefined ? [text] : [text, pair], secondStart));
    await writeLine(io.stdout, `input_ids: [${encoding.ids.join(', ')}]`);
    await writeLine(io.stdout, `decoded: ${JSON.stringify(tokenizer.decode(encoding.ids))}`);
    return 0;
  },
};
