// Fuzzing what users type: `roberta forward --inputs` files of wrong shapes and types (ids out of
// range, ragged batches, NaN, huge numbers); texts with lone surrogates, NUL and other control
// characters, up to 1 MB of one character, through `classify`, `embed` and `tokenize` (also its
// `--jsonl` requests); odd texts and flags through `fill-mask`, `ner`, `qa` and `zero-shot`.
// Commands run in-process (runCommand), so the class of what they throw is visible; a handful also
// run as real child processes, checking what the user sees: an exit code and one line on stderr.
// See fuzz.ts for the invariant.

import '../../index.js';
import { join } from 'node:path';
import fc from 'fast-check';
import { classifyCommand } from '../../cli/classify.js';
import { UsageError } from '../../cli/command.js';
import { embedCommand } from '../../cli/embed.js';
import { fillMaskCommand } from '../../cli/fillMask.js';
import { forwardCommand } from '../../cli/forward.js';
import { nerCommand } from '../../cli/ner.js';
import { qaCommand } from '../../cli/qa.js';
import { tokenizeCommand } from '../../cli/tokenize.js';
import { zeroShotCommand } from '../../cli/zeroShot.js';
import { ConfigError } from '../../model/config.js';
import { InputError } from '../../model/inputs.js';
import { TokenizerFileError } from '../../tokenizer/tokenizerFileError.js';
import { TruncationError } from '../../tokenizer/truncation.js';
import { runCliProcess } from '../cli/cliProcess.js';
import { runCommand } from '../cli/runCli.js';
import { relabel, TINY_QA_SPELLING, TINY_TOK_SPELLING, tinyModelDir } from '../pipelines/tinyModelDir.js';
import { FUZZ_TEST_TIMEOUT_MS, LONG_RUN, caseDirs, fuzz } from './fuzz.js';
import { damagedText, oddJsonValue } from './mutations.js';

const caseDir = caseDirs('cli');
const model = tinyModelDir('tiny-cls').dir;
const EXPECTED = [UsageError, InputError, ConfigError, TokenizerFileError, TruncationError];

// ---- forward --inputs ----

/** Ids as they go wrong: valid for the tiny model (vocabulary 1000), out of range, not integers. */
const id = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 999 }) },
  fc.constantFrom(-1, 1000, 2 ** 31, -(2 ** 31), 2 ** 53, 1e308, -0, 0.5, 1e-300),
  oddJsonValue,
);
/** Rows of random lengths (so batches may be ragged), or something that is not a row. */
const matrix = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.array(id, { maxLength: 6 }), { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: width, maxLength: width }), { minLength: 1, maxLength: 3 })) },
  fc.array(fc.array(fc.array(id, { maxLength: 3 }), { maxLength: 2 }), { maxLength: 2 }),
  fc.constantFrom([[...Array(200).keys()]], [[]], [], [[0, 1], [0]]),
  oddJsonValue,
);
const mask = fc.oneof(matrix, fc.array(fc.array(fc.constantFrom(0, 1, 2, -1), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 2 }));
/** Half the time without a mask or type ids, so that valid inputs come up too. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { freq: 2, nil: undefined });
const inputsJson = fc.record({ input_ids: matrix, attention_mask: sometimes(mask), token_type_ids: sometimes(mask), extra: sometimes(oddJsonValue) });
/** The file's text: JSON, JSON with Python's NaN and Infinity in it, damaged JSON, or not JSON at all. */
const inputsText = fc.oneof(
  { weight: 6, arbitrary: inputsJson.map((value) => JSON.stringify(value)) },
  fc.constantFrom('{"input_ids": [[0, NaN, 2]]}', '{"input_ids": [[0, Infinity, 2]]}', '{"input_ids": [[0, 1e999, 2]]}', '', '\u0000', 'null', '[]'),
  inputsJson.chain((value) => damagedText(JSON.stringify(value))),
  oddJsonValue.map((value) => JSON.stringify(value) ?? ''),
);

describe('fuzz: the command line', () => {
  it(
    'forward --inputs with malformed ids: writes the outputs, or a typed error names the problem',
    async () => {
      const summary = await fuzz({
        name: 'cli forward --inputs',
        runs: 200,
        arbitrary: inputsText,
        expected: EXPECTED,
        limitMs: 3000,
        run: async (text) => {
          const dir = caseDir({ 'inputs.json': text });
          const out = join(dir, 'out.safetensors');
          const { code } = await runCommand(forwardCommand, ['--model', model, '--inputs', join(dir, 'inputs.json'), '--out', out, '--quiet']);
          if (code !== 0) throw new Error(`exit code ${code} without an error`);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  // ---- texts ----

  /** Characters that break naive text handling, mixed into ordinary text. */
  const oddChar = fc.oneof(
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\u202e', '\r', '\t', '\u00a0', '<mask>', '<s>', '</s>', '\ud83d\ude00', 'é', 'e\u0301', '\u{10ffff}'),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
  );
  const text = fc.array(fc.oneof(oddChar, fc.constantFrom('abc', ' ', 'hello world', 'Hello')), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
  const TEXT_COMMANDS = { classify: classifyCommand, embed: embedCommand, tokenize: tokenizeCommand };
  const command = fc.constantFrom('classify' as const, 'embed' as const, 'tokenize' as const);
  /** Flags with odd values; a text that starts with "--" is read as a flag, as a shell user would get. */
  const flags = fc.array(
    fc.oneof(
      fc.tuple(fc.constant('--top-k'), fc.constantFrom('0', '-1', '1.5', '99', '2', 'x', '1e9')),
      fc.tuple(fc.constant('--batch-size'), fc.constantFrom('0', '1', '3', '-2', '0.5', 'NaN')),
      fc.tuple(fc.constant('--pooling'), fc.constantFrom('mean', 'cls', 'none', 'max', '')),
      fc.tuple(fc.constant('--pair'), text),
      fc.tuple(fc.constantFrom('--json', '--normalize', '--quiet')),
    ),
    { maxLength: 2 },
  );
  const textCase = fc.record({ command, flags, texts: fc.array(text, { minLength: 1, maxLength: 3 }), stdin: fc.boolean() });
  /** A long run of one character: it must be refused or handled, not hang. */
  const repeated = (command: keyof typeof TEXT_COMMANDS, char: string, length: number) => ({ command, flags: [], texts: [char.repeat(length)], stdin: false });

  it(
    'classify, embed and tokenize on odd texts: answers, or a typed error names the problem',
    async () => {
      const summary = await fuzz({
        name: 'cli texts',
        runs: 120,
        arbitrary: textCase,
        // 1 MB of "a" is a million tokens, refused as too long after about a second. A lone
        // surrogate becomes three tokens (U+FFFD's bytes) and tokenize prints a table row per
        // token, so those take 5 to 12 s a megabyte: the long run (FUZZ_RUNS) gives them 1 MB too.
        examples: [
          repeated('classify', 'a', 2 ** 20),
          repeated('embed', '\ud800', LONG_RUN ? 2 ** 20 : 2 ** 16),
          repeated('tokenize', '\u0000', LONG_RUN ? 2 ** 20 : 2 ** 16),
        ],
        expected: EXPECTED,
        // A megabyte of lone surrogates takes 5 to 20 s on a busy 2-core machine (the long run's size).
        limitMs: LONG_RUN ? 60_000 : 30_000,
        run: async ({ command, flags, texts, stdin }) => {
          const args = ['--model', model, ...flags.flat()];
          const { code } = stdin
            ? await runCommand(TEXT_COMMANDS[command], args, texts.join('\n'))
            : await runCommand(TEXT_COMMANDS[command], [...args, ...(command === 'tokenize' ? texts.slice(0, 1) : texts)]);
          if (code !== 0) throw new Error(`exit code ${code} without an error`);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  /** The task commands, each with a tiny model of its kind and flags with odd values (named, for readable counterexamples). */
  const TASK_COMMANDS = { 'fill-mask': fillMaskCommand, ner: nerCommand, qa: qaCommand, 'zero-shot': zeroShotCommand };
  const taskModels = {
    mlm: tinyModelDir('tiny-mlm', [1, 4]).dir,
    tok: tinyModelDir('tiny-tok', undefined, TINY_TOK_SPELLING).dir,
    qa: tinyModelDir('tiny-qa', undefined, TINY_QA_SPELLING).dir,
    nli: tinyModelDir('tiny-cls').dir,
  };
  relabel(taskModels.nli, ['contradiction', 'neutral', 'entailment', 'other']);
  const number = fc.constantFrom('0', '1', '2', '-1', '0.5', '1e9', '384', '64');
  const taskCase = fc.oneof(
    fc.record({
      command: fc.constant('fill-mask' as const),
      argv: fc.tuple(fc.array(fc.oneof(text, fc.constant('<mask>')), { minLength: 1, maxLength: 4 }), fc.option(number)).map(([parts, topK]) => [
        '--model', taskModels.mlm, ...(topK === null ? [] : ['--top-k', topK]), parts.join(''),
      ]),
    }),
    fc.record({
      command: fc.constant('ner' as const),
      argv: fc.tuple(text, fc.constantFrom('none', 'simple', 'first', 'average', 'max', 'longest'), fc.option(text)).map(([words, strategy, ignore]) => [
        '--model', taskModels.tok, '--aggregation-strategy', strategy, ...(ignore === null ? [] : ['--ignore-labels', ignore]), words,
      ]),
    }),
    fc.record({
      command: fc.constant('qa' as const),
      argv: fc.tuple(text, text, fc.array(fc.tuple(fc.constantFrom('--top-k', '--max-answer-len', '--max-seq-len', '--doc-stride'), number), { maxLength: 3 }), fc.boolean()).map(
        ([question, context, options, impossible]) => ['--model', taskModels.qa, '--question', question, '--context', context, ...options.flat(), ...(impossible ? ['--handle-impossible-answer'] : [])],
      ),
    }),
    fc.record({
      command: fc.constant('zero-shot' as const),
      argv: fc.tuple(fc.array(fc.oneof(text, fc.constantFrom(',', ' , ', '')), { minLength: 1, maxLength: 3 }), fc.option(fc.oneof(text, fc.constantFrom('{}', '{} {}', 'no slot', 'It is {}.'))), fc.boolean(), text).map(
        ([labels, template, multi, words]) => ['--model', taskModels.nli, '--labels', labels.join(','), ...(template === null ? [] : ['--hypothesis-template', template]), ...(multi ? ['--multi-label'] : []), words],
      ),
    }),
  );

  it(
    'fill-mask, ner, qa and zero-shot with odd texts and flags: answers, or a typed error names the problem',
    async () => {
      const summary = await fuzz({
        name: 'cli task commands',
        runs: 120,
        arbitrary: taskCase,
        expected: EXPECTED,
        limitMs: 10_000,
        run: async ({ command, argv }) => {
          const { code } = await runCommand(TASK_COMMANDS[command], argv);
          if (code !== 0) throw new Error(`exit code ${code} without an error`);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  const request = fc.record(
    {
      text: fc.oneof({ weight: 4, arbitrary: text }, oddJsonValue),
      text_pair: fc.oneof(text, oddJsonValue),
      add_special_tokens: oddJsonValue,
      padding: fc.oneof(fc.constantFrom(true, false, 'longest', 'max_length', 'do_not_pad', 'left'), oddJsonValue),
      truncation: fc.oneof(fc.constantFrom(true, false, 'longest_first', 'only_first', 'only_second', 'do_not_truncate'), oddJsonValue),
      max_length: fc.oneof(fc.integer({ min: -2, max: 40 }), oddJsonValue),
    },
    { requiredKeys: [] },
  );
  const requestLine = fc.oneof({ weight: 5, arbitrary: request.map((value) => JSON.stringify(value)) }, request.chain((value) => damagedText(JSON.stringify(value))));

  it(
    'tokenize --jsonl: one JSON answer per request line, an error line for each bad request',
    async () => {
      const summary = await fuzz({
        name: 'cli tokenize --jsonl',
        runs: 100,
        arbitrary: fc.array(requestLine, { minLength: 1, maxLength: 5 }),
        // A few bytes asking for 2^31 tokens of padding.
        examples: [[JSON.stringify({ text: 'x', padding: 'max_length', max_length: 2 ** 31 })]],
        expected: EXPECTED,
        limitMs: 3000,
        run: async (lines) => {
          // A damaged line may have gained line breaks: the requests are whatever lines the input has.
          const requests = lines.join('\n').split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
          const { code, stdout } = await runCommand(tokenizeCommand, ['--model', model, '--jsonl'], lines.join('\n'));
          const answers = stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line) as { error?: unknown });
          if (code !== 0 || answers.length !== requests.length) throw new Error(`${requests.length} requests, ${answers.length} answers, exit code ${code}`);
          const badError = answers.find(({ error }) => error !== undefined && (typeof error !== 'string' || error === '' || /[\r\n]/.test(error)));
          if (badError !== undefined) throw new Error(`an error answer that is not one line: ${JSON.stringify(badError)}`);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'the built command in a child process: exit code 1 or 2 and a one-line message, never a stack trace',
    async () => {
      const dir = caseDir({
        'nan.json': '{"input_ids": [[0, NaN, 2]]}',
        'ragged.json': '{"input_ids": [[0, 5, 2], [0, 2]]}',
        'huge.json': '{"input_ids": [[0, 1e308, 2]]}',
      });
      const cases: Array<[argv: string[], code: number]> = [
        [['forward', '--model', model, '--inputs', join(dir, 'nan.json'), '--out', join(dir, 'out.safetensors')], 1],
        [['forward', '--model', model, '--inputs', join(dir, 'ragged.json'), '--out', join(dir, 'out.safetensors')], 1],
        [['forward', '--model', model, '--inputs', join(dir, 'huge.json'), '--out', join(dir, 'out.safetensors')], 1],
        [['classify', '--model', model, '--top-k', '0', 'text'], 2],
        [['tokenize', '--model', dir, 'no tokenizer here'], 1],
      ];
      for (const [argv, code] of cases) {
        const result = await runCliProcess(argv);
        expect({ argv, code: result.code }).toEqual({ argv, code });
        const firstLine = result.stderr.split('\n')[0]!;
        expect(firstLine).toMatch(new RegExp(`^roberta ${argv[0]}: \\S`));
        if (code === 1) expect(result.stderr).toBe(`${firstLine}\n`);
        expect(result.stderr).not.toMatch(/^\s+at /m);
      }
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
