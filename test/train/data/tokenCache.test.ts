// The token cache: its id file is the FULL-SENTENCES stream of the documents (tokenized here
// independently, one tokenizer call per blank-line block), little-endian uint16 as numpy reads it;
// a second start reuses it without tokenizing; a changed text file or tokenizer file rewrites it;
// bad text files are one-line DataFileErrors naming the file.

import { jest } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type RobertaTokenizer } from '../../../tokenizer/index.js';
import { readDocuments } from '../../../train/data/documents.js';
import { DataFileError } from '../../../train/data/errors.js';
import { prepareTokenCache, TokenIds, tokenCachePaths } from '../../../train/data/tokenCache.js';
import { makeTempDir } from '../../tempDir.js';
import { blocksOf, ROBERTA_DIR, shakespeareSlice } from './corpus.js';

let tokenizer: RobertaTokenizer;
let text: string;

beforeAll(async () => {
  tokenizer = await loadTokenizer(ROBERTA_DIR);
  text = shakespeareSlice(6_000);
});

/** The stream as the format defines it, from the tokenizer directly. */
function expectedStream(source: string): number[] {
  return blocksOf(source).flatMap((block) => [...tokenizer.encode(block, undefined, { addSpecialTokens: false }).ids, 2]);
}

function writeText(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('documents: blank-line blocks, lines kept together, CRLF and whitespace-only lines read as blank, a BOM dropped', async () => {
  const dir = makeTempDir('docs');
  const path = writeText(dir, 'docs.txt', '\uFEFFFirst line\r\n  indented second\r\n \t \r\n\r\n\nSecond doc\nends here');
  const documents: string[] = [];
  for await (const document of readDocuments(path)) documents.push(document);
  expect(documents).toEqual(['First line\n  indented second', 'Second doc\nends here']);
});

test('the id file is the documents joined by </s>, little-endian uint16, and the sidecar says so', async () => {
  const dir = makeTempDir('cache');
  const path = writeText(dir, 'train.txt', text);
  const cache = await prepareTokenCache({ textFiles: [path], tokenizerDir: ROBERTA_DIR, cacheDir: join(dir, 'cache'), tokenizer });
  const expected = expectedStream(text);
  expect(blocksOf(text).length).toBeGreaterThan(40);

  const bytes = readFileSync(cache.idsPath);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ids = Array.from({ length: bytes.byteLength / 2 }, (_, i) => view.getUint16(2 * i, true));
  expect(ids).toEqual(expected);
  expect(Array.from(new TokenIds(cache).read(10, 40))).toEqual(expected.slice(10, 50));

  const sidecar = JSON.parse(readFileSync(cache.sidecarPath, 'utf8')) as Record<string, unknown>;
  expect(sidecar).toMatchObject({
    format: 'roberta-ts token cache',
    version: 1,
    dtype: 'uint16',
    tokens: expected.length,
    documents: blocksOf(text).length,
    separator_id: 2,
    vocab_size: 50265,
    text_files: [{ path, bytes: Buffer.byteLength(text), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }],
  });
  expect(Object.keys(sidecar.tokenizer_files as object).sort()).toEqual(['merges.txt', 'tokenizer.json', 'vocab.json']);
  expect(cache).toMatchObject({ rebuilt: true, ...tokenCachePaths(join(dir, 'cache'), [path]) });
});

test('a second start reuses the entry without tokenizing; a changed text or tokenizer file rewrites it', async () => {
  const dir = makeTempDir('reuse');
  const tokenizerDir = join(dir, 'tokenizer');
  mkdirSync(tokenizerDir);
  for (const file of ['tokenizer.json', 'vocab.json', 'merges.txt']) copyFileSync(join(ROBERTA_DIR, file), join(tokenizerDir, file));
  const path = writeText(dir, 'train.txt', text);
  const options = { textFiles: [path], tokenizerDir, cacheDir: join(dir, 'cache'), tokenizer };
  const first = await prepareTokenCache(options);
  const written = statSync(first.idsPath).mtimeMs;

  const encode = jest.spyOn(tokenizer, 'encode');
  try {
    const log: string[] = [];
    const again = await prepareTokenCache({ ...options, onLog: (line) => log.push(line) });
    expect(again.rebuilt).toBe(false);
    expect(encode).not.toHaveBeenCalled();
    expect(statSync(again.idsPath).mtimeMs).toBe(written);
    expect(again.info).toEqual(first.info);
    expect(log).toEqual([expect.stringMatching(/^token cache: reusing .*train\.txt-[0-9a-f]{16}\.ids \(\d+ tokens of /)]);

    writeText(dir, 'train.txt', `${text}\nOne more document.\n`);
    const log2: string[] = [];
    const changedText = await prepareTokenCache({ ...options, onLog: (line) => log2.push(line) });
    expect(changedText.rebuilt).toBe(true);
    expect(encode).toHaveBeenCalled();
    expect(log2[0]).toContain(`(${path} changed)`);
    expect(changedText.info.tokens).toBe(expectedStream(`${text}\nOne more document.\n`).length);
    expect(changedText.idsPath).toBe(first.idsPath); // the entry is replaced, not duplicated

    encode.mockClear();
    expect((await prepareTokenCache(options)).rebuilt).toBe(false);
    writeFileSync(join(tokenizerDir, 'tokenizer_config.json'), '{"model_max_length": 512}');
    const changedTokenizer = await prepareTokenCache(options);
    expect(changedTokenizer.rebuilt).toBe(true);
    expect(encode).toHaveBeenCalled();
    expect(Object.keys(changedTokenizer.info.tokenizer_files)).toContain('tokenizer_config.json');
  } finally {
    encode.mockRestore();
  }
});

test('a truncated id file is not trusted: it is written again', async () => {
  const dir = makeTempDir('truncated');
  const path = writeText(dir, 'train.txt', text);
  const options = { textFiles: [path], tokenizerDir: ROBERTA_DIR, cacheDir: join(dir, 'cache'), tokenizer };
  const first = await prepareTokenCache(options);
  writeFileSync(first.idsPath, readFileSync(first.idsPath).subarray(0, 100));
  const again = await prepareTokenCache(options);
  expect(again.rebuilt).toBe(true);
  expect(statSync(again.idsPath).size).toBe(first.info.tokens * 2);
});

test('train and eval text share a cache directory, one entry each', async () => {
  const dir = makeTempDir('two');
  const cacheDir = join(dir, 'cache');
  const train = writeText(dir, 'train.txt', text);
  const evalText = 'Second Citizen:\nOne word, good citizens.\n';
  const evaluation = writeText(dir, 'eval.txt', evalText);
  const a = await prepareTokenCache({ textFiles: [train], tokenizerDir: ROBERTA_DIR, cacheDir, tokenizer });
  const b = await prepareTokenCache({ textFiles: [evaluation], tokenizerDir: ROBERTA_DIR, cacheDir, tokenizer });
  expect(b.idsPath).not.toBe(a.idsPath);
  expect((await prepareTokenCache({ textFiles: [train], tokenizerDir: ROBERTA_DIR, cacheDir, tokenizer })).rebuilt).toBe(false);
  expect(b.info.tokens).toBe(expectedStream(evalText).length);
});

test('a missing file, a directory, an empty or blank file: one-line DataFileErrors naming the file', async () => {
  const dir = makeTempDir('bad');
  const cacheDir = join(dir, 'cache');
  const attempt = (path: string): Promise<unknown> => prepareTokenCache({ textFiles: [path], tokenizerDir: ROBERTA_DIR, cacheDir, tokenizer });
  const missing = join(dir, 'missing.txt');
  await expect(attempt(missing)).rejects.toThrow(new DataFileError(missing, 'file not found'));
  await expect(attempt(dir)).rejects.toThrow(`${dir}: not a file (a directory?); give a plain-text file`);
  for (const [name, content] of [['empty.txt', ''], ['blank.txt', '\n  \n\t\n\n']]) {
    const path = writeText(dir, name, content);
    const error = await attempt(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toBe(`${path}: has no text (the file is empty or every line is blank)`);
  }
});
