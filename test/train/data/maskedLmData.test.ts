// Masked-LM batches from a slice of tinyshakespeare with the roberta-base tokenizer: FULL-SENTENCES
// packing (documents joined by </s>, each sequence <s> … </s>, the short tail dropped), every
// sequence once per epoch in a fresh order, a fresh mask per feed, the same batch for the same
// (seed, index), evaluation masks that do not depend on the run's seed.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type RobertaTokenizer } from '../../../tokenizer/index.js';
import { DataFileError } from '../../../train/data/errors.js';
import { IGNORE_INDEX } from '../../../train/data/masking.js';
import { loadMaskedLmData, type MaskedLmBatch, type MaskedLmData, type MaskedLmDataOptions } from '../../../train/data/maskedLmData.js';
import { makeTempDir } from '../../tempDir.js';
import { blocksOf, ROBERTA_DIR, shakespeareSlice } from './corpus.js';

const SEQ = 32;
const BATCH = 8;

let tokenizer: RobertaTokenizer;
let stream: number[];
let base: MaskedLmDataOptions;
let train: MaskedLmData;

beforeAll(async () => {
  tokenizer = await loadTokenizer(ROBERTA_DIR);
  const text = shakespeareSlice(20_000);
  stream = blocksOf(text).flatMap((block) => [...tokenizer.encode(block, undefined, { addSpecialTokens: false }).ids, 2]);
  const dir = makeTempDir('mlm-data');
  const path = join(dir, 'train.txt');
  writeFileSync(path, text);
  base = { textFiles: [path], tokenizerDir: ROBERTA_DIR, cacheDir: join(dir, 'cache'), tokenizer, seqLen: SEQ, batchSize: BATCH, seed: 3, split: 'train' };
  train = await loadMaskedLmData(base);
});

/** The rows of a batch with every masked token put back (labels hold the originals). */
function unmasked(batch: MaskedLmBatch): number[][] {
  return batch.inputIds.map((row, r) => row.map((id, j) => (batch.labels[r]![j] === IGNORE_INDEX ? id : batch.labels[r]![j]!)));
}

function epochRows(data: MaskedLmData, epoch: number): number[][] {
  return Array.from({ length: data.batchesPerEpoch }, (_, b) => unmasked(data.microBatch(epoch * data.batchesPerEpoch + b))).flat();
}

/** Which positions of each row were selected. */
function selections(batch: MaskedLmBatch): string[] {
  return batch.labels.map((row) => row.flatMap((label, j) => (label === IGNORE_INDEX ? [] : [j])).join(','));
}

test('sequences are <s> + seqLen−2 stream tokens + </s>, in stream order, the tail dropped', async () => {
  const evaluation = await loadMaskedLmData({ ...base, split: 'eval' });
  const count = Math.floor(stream.length / (SEQ - 2));
  expect(stream.length % (SEQ - 2)).toBeGreaterThan(0); // there is a tail to drop
  expect(evaluation.size).toBe(count);
  expect(evaluation.batchesPerEpoch).toBe(Math.ceil(count / BATCH));
  const rows = epochRows(evaluation, 0);
  expect(rows).toHaveLength(count);
  for (const row of rows) expect([row.length, row[0], row[SEQ - 1]]).toEqual([SEQ, 0, 2]);
  expect(rows.flatMap((row) => row.slice(1, -1))).toEqual(stream.slice(0, count * (SEQ - 2)));
  expect(stream.filter((id) => id === 2).length).toBe(blocksOf(shakespeareSlice(20_000)).length);
});

test('an epoch feeds every sequence once, in its own order; batches are full but the last', () => {
  const inOrder = Array.from({ length: train.size }, (_, k) => train.sequences.sequence(k).join(' '));
  const epochs = [0, 1].map((epoch) => epochRows(train, epoch).map((row) => row.join(' ')));
  for (const rows of epochs) expect([...rows].sort()).toEqual([...inOrder].sort());
  expect(epochs[0]).not.toEqual(inOrder);
  expect(epochs[1]).not.toEqual(epochs[0]);
  const sizes = Array.from({ length: train.batchesPerEpoch }, (_, b) => train.microBatch(b).inputIds.length);
  expect(sizes.slice(0, -1).every((size) => size === BATCH)).toBe(true);
  expect(sizes.at(-1)).toBe(train.size - (train.batchesPerEpoch - 1) * BATCH);
  expect(train.size % BATCH).not.toBe(0);
});

test('each feed of a sequence draws a new mask: epoch 0 and epoch 1 mask the same sequence differently', () => {
  const maskOf = (epoch: number): Map<string, string> => {
    const byRow = new Map<string, string>();
    for (let b = 0; b < train.batchesPerEpoch; b++) {
      const batch = train.microBatch(epoch * train.batchesPerEpoch + b);
      const selected = selections(batch);
      unmasked(batch).forEach((row, r) => byRow.set(row.join(' '), selected[r]!));
    }
    return byRow;
  };
  const first = maskOf(0);
  const second = maskOf(1);
  const same = [...first].filter(([row, selected]) => second.get(row) === selected).length;
  // Two independent 15% masks of 30 tokens agree with probability ≈ 1.5e-4.
  expect(same).toBeLessThanOrEqual(1);
});

test('a micro-batch is a pure function of (seed, index): a new instance on the reused cache gives it again', async () => {
  const log: string[] = [];
  const again = await loadMaskedLmData({ ...base, onLog: (line) => log.push(line) });
  expect(log[0]).toMatch(/^token cache: reusing /);
  for (const index of [0, 5, train.batchesPerEpoch + 2, 1000]) expect(again.microBatch(index)).toEqual(train.microBatch(index));
  const otherSeed = await loadMaskedLmData({ ...base, seed: 4 });
  expect(otherSeed.microBatch(0)).not.toEqual(train.microBatch(0));
});

test('evaluation batches: file order and the same masks whatever the run seed, at every evaluation', async () => {
  const a = await loadMaskedLmData({ ...base, split: 'eval', seed: 1 });
  const b = await loadMaskedLmData({ ...base, split: 'eval', seed: 99 });
  for (let i = 0; i < a.batchesPerEpoch; i++) expect(b.microBatch(i)).toEqual(a.microBatch(i));
  expect(a.microBatch(3)).toEqual(a.microBatch(3));
  expect(unmasked(a.microBatch(0))[0]).toEqual(Array.from(a.sequences.sequence(0)));
});

test('batches look as the masking rule says: ~15% of the non-special tokens, <s> and </s> never', () => {
  let eligible = 0;
  let selected = 0;
  let specialSelected = 0;
  for (let b = 0; b < train.batchesPerEpoch; b++) {
    const batch = train.microBatch(b);
    unmasked(batch).forEach((row, r) =>
      row.forEach((id, j) => {
        const chosen = batch.labels[r]![j] !== IGNORE_INDEX;
        if (id === 0 || id === 2) specialSelected += chosen ? 1 : 0;
        else {
          eligible++;
          selected += chosen ? 1 : 0;
        }
      }),
    );
    expect(batch.attentionMask.flat().every((m) => m === 1)).toBe(true);
  }
  expect(specialSelected).toBe(0);
  expect(Math.abs(selected / eligible - 0.15)).toBeLessThan(5 * Math.sqrt((0.15 * 0.85) / eligible));
});

test('text too short for one sequence is a DataFileError naming the file and the numbers', async () => {
  const dir = makeTempDir('short');
  const path = join(dir, 'short.txt');
  writeFileSync(path, 'Hello world.\n\nBye.\n');
  const tokens = ['Hello world.', 'Bye.'].reduce((sum, doc) => sum + tokenizer.encode(doc, undefined, { addSpecialTokens: false }).ids.length + 1, 0);
  const error = await loadMaskedLmData({ ...base, textFiles: [path], cacheDir: join(dir, 'cache') }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataFileError);
  expect((error as Error).message).toBe(
    `${path}: too short for one sequence of ${SEQ} tokens: it has ${tokens} tokens (with a </s> after each document), and a sequence holds ${SEQ - 2} between <s> and </s>`,
  );
});

test('a sequence length under 3 or a batch size under 1 is a RangeError', async () => {
  await expect(loadMaskedLmData({ ...base, seqLen: 2 })).rejects.toThrow('the sequence length must be an integer of at least 3 (<s>, a token, </s>), got 2');
  await expect(loadMaskedLmData({ ...base, batchSize: 0 })).rejects.toThrow('the batch size must be a positive integer, got 0');
});
