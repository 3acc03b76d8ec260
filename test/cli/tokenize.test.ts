// `roberta tokenize` (cli/tokenize.ts), run directly with in-memory streams.

import { PassThrough } from 'node:stream';

import { UsageError } from '../../cli/command.js';
import type { CommandIO, ParsedArgs } from '../../cli/command.js';
import { tokenizeCommand } from '../../cli/tokenize.js';
import { CASES, ROBERTA_DIR } from '../tokenizer/fixtures.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(flags: ParsedArgs['flags'], positionals: string[] = [], stdin = ''): Promise<Run> {
  const input = new PassThrough();
  input.end(stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const io: CommandIO = { stdin: input, stdout, stderr, stderrIsTTY: false };
  const code = await tokenizeCommand.run({ flags, positionals }, io);
  return { code, stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8') };
}

describe('roberta tokenize --jsonl', () => {
  it('answers every request on its own line, errors included, and keeps going', async () => {
    const single = CASES.single.find((c) => c.id === 's001')!;
    const pairBatch = CASES.pair_batches.find((c) => c.call.truncation === 'only_second' && c.call.padding === 'max_length')!;
    const [first, second] = pairBatch.pairs[0]!;
    const requests = [
      JSON.stringify({ text: single.text }),
      '{"text": ',
      JSON.stringify({ text: first, text_pair: second, padding: 'max_length', truncation: 'only_second', max_length: pairBatch.call.max_length }),
      '',
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: 'x', max_len: 3 }),
      JSON.stringify({ text: 'x', padding: 'left' }),
      JSON.stringify({ text: single.text, add_special_tokens: false }),
      JSON.stringify(['not', 'an', 'object']),
    ];
    const result = await run({ model: ROBERTA_DIR, jsonl: true }, [], requests.join('\n') + '\n');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(8); // the blank line is not a request
    expect(lines[0]).toEqual({
      input_ids: single.ids_with_special,
      tokens: ['<s>', ...single.tokens, '</s>'],
      attention_mask: single.ids_with_special.map(() => 1),
      offsets: [[0, 0], [0, 4], [5, 7], [8, 10], [11, 18], [0, 0]],
      decoded: single.decoded,
    });
    expect(lines[1]).toEqual({ error: expect.stringMatching(/^invalid JSON/) });
    expect(lines[2]!.input_ids).toEqual(pairBatch.input_ids[0]);
    expect(lines[2]!.attention_mask).toEqual(pairBatch.attention_mask[0]);
    expect(lines[3]).toEqual({ error: '"text" must be a string' });
    expect(lines[4]).toEqual({ error: expect.stringMatching(/^unknown key "max_len"/) });
    expect(lines[5]).toEqual({ error: expect.stringMatching(/^unknown padding string "left"/) });
    expect(lines[6]!.input_ids).toEqual(single.ids);
    expect(lines[7]).toEqual({ error: expect.stringMatching(/must be a JSON object/) });
  });
});

describe('roberta tokenize TEXT', () => {
  it('prints a table of tokens with ids and offsets, then the ids and the decoded text', async () => {
    const result = await run({ model: ROBERTA_DIR }, ['Hello world!']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^#\s+id\s+token\s+offsets\s+text$/);
    expect(lines[2]).toMatch(/^1\s+31414\s+Hello\s+\[0, 5\]\s+"Hello"$/);
    expect(lines[3]).toMatch(/^2\s+232\s+Ġworld\s+\[6, 11\]\s+"world"$/);
    expect(lines).toContain('input_ids: [0, 31414, 232, 328, 2]');
    expect(lines).toContain('decoded: "<s>Hello world!</s>"');
  });

  it('shows the second text of a pair', async () => {
    const result = await run({ model: ROBERTA_DIR, pair: 'Second one' }, ['First']);
    expect(result.stdout).toMatch(/Second\s+\[0, 6\]\s+"Second"/);
    expect(result.stdout).toMatch(/Ġone\s+\[7, 10\]\s+"one"/);
  });

  it('reports a bad model directory on stderr with exit code 1', async () => {
    const result = await run({ model: '/nonexistent/model' }, ['Hello']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/nonexistent\/model\/vocab\.json: file not found/);
  });

  it('rejects bad usage', async () => {
    await expect(run({}, ['Hello'])).rejects.toThrow(UsageError);
    await expect(run({ model: ROBERTA_DIR }, [])).rejects.toThrow(/exactly one TEXT/);
    await expect(run({ model: ROBERTA_DIR }, ['a', 'b'])).rejects.toThrow(UsageError);
    await expect(run({ model: ROBERTA_DIR, jsonl: true }, ['a'])).rejects.toThrow(/--jsonl reads its texts from stdin/);
  });

  it('declares its flags, usage and examples', () => {
    expect(tokenizeCommand.name).toBe('tokenize');
    expect(Object.keys(tokenizeCommand.flags).sort()).toEqual(['jsonl', 'model', 'pair']);
    expect(tokenizeCommand.flags.jsonl!.type).toBe('boolean');
    expect(tokenizeCommand.examples.length).toBeGreaterThan(0);
  });
});
