// Encoded examples as training batches: every example once per epoch in a seeded order that
// changes between epochs and not between runs, the last batch holding the remainder, rows padded to
// the batch's longest with attention mask 0; inputs cut to --max-length by longest-first truncation.

import { fileURLToPath } from 'node:url';
import { InputError, type IdMatrix } from '../../../model/inputs.js';
import type { Batch } from '../../../train/batch.js';
import { ClassificationData, paddedBatch } from '../../../train/classification/classificationData.js';
import { checkedMaxLength, encodeExamples } from '../../../train/classification/encodeExamples.js';
import { loadTokenizer } from '../../../tokenizer/load.js';

const TOKENIZER = fileURLToPath(new URL('../../fixtures/roberta-base-tokenizer/', import.meta.url));
const PAD = 1;
/** Example i has i + 1 tokens (ids 100 + i) and class i mod 3. */
const examples = Array.from({ length: 10 }, (_, i) => ({ ids: new Array<number>(i + 1).fill(100 + i), label: i % 3 }));
/** Which example each row of a batch is. */
const exampleIndices = (b: Batch) => (b.inputIds as IdMatrix).map((row) => row[0] - 100);

describe('ClassificationData', () => {
  const data = new ClassificationData(examples, 4, PAD, 7);

  it('feeds every example once per epoch, in batches of 4, 4 and the remaining 2', () => {
    expect(data.batchesPerEpoch).toBe(3);
    for (const epoch of [0, 1, 2]) {
      const batches = [0, 1, 2].map((j) => data.microBatch(epoch * 3 + j));
      expect(batches.map((b) => b.labels.length)).toEqual([4, 4, 2]);
      const seen = batches.flatMap(exampleIndices);
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      batches.forEach((b) => expect(b.labels).toEqual(exampleIndices(b).map((i) => i % 3)));
    }
  });

  it('shuffles each epoch afresh, and the same way for the same seed', () => {
    const order = (d: ClassificationData, epoch: number) => [0, 1, 2].flatMap((j) => exampleIndices(d.microBatch(epoch * 3 + j)));
    expect(order(data, 0)).not.toEqual(order(data, 1));
    expect(order(data, 1)).toEqual(order(new ClassificationData(examples, 4, PAD, 7), 1));
    expect(order(data, 1)).not.toEqual(order(new ClassificationData(examples, 4, PAD, 8), 1));
  });
});

it('pads each row to the batch\'s longest with the pad id, attention mask 0 there', () => {
  expect(paddedBatch([examples[2], examples[0]], PAD)).toEqual({
    inputIds: [[102, 102, 102], [100, PAD, PAD]],
    attentionMask: [[1, 1, 1], [1, 0, 0]],
    labels: [2, 0],
  });
});

describe('--max-length', () => {
  it('cuts single texts and pairs to the limit, special tokens included, longest first', async () => {
    const tokenizer = await loadTokenizer(TOKENIZER);
    const long = 'one two three four five six seven eight';
    const [single, pair] = encodeExamples(tokenizer, [{ text: long, label: 0, where: 'a' }, { text: long, textPair: 'yes no', label: 1, where: 'b' }], [0, 1], 6);
    expect(single.ids).toEqual(tokenizer.encode(long).ids.slice(0, 5).concat([2]));
    expect(pair.ids.length).toBe(6);
    expect(tokenizer.decode(pair.ids)).toBe('<s>one</s></s>yes</s>'); // 8 + 2 tokens into 2: the longer is cut first, then both
    expect([single.label, pair.label]).toEqual([0, 1]);
  });

  it('defaults to the model\'s limit and refuses one above it or without room for text', () => {
    expect(checkedMaxLength(undefined, 512, false)).toBe(512);
    expect(checkedMaxLength(64, 512, true)).toBe(64);
    expect(() => checkedMaxLength(600, 512, false)).toThrow(new InputError("--max-length 600 is above the model's limit of 512 tokens"));
    expect(() => checkedMaxLength(4, 512, true)).toThrow('--max-length 4 leaves no room for text beside the 4 special tokens');
  });
});
