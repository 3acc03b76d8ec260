// The pipelines end to end — tokenizer, model, post-processing — against Hugging Face's outputs
// for the same ids (the scores are computed here from HF's logits with the textbook formulas).

import '../../index.js';
import { ConfigError } from '../../model/config.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { fixtureExpected, maxAbsDiff } from '../model/fixtureModels.js';
import { best, row, sigmoid, softmax } from './logitScores.js';
import { tinyModelDir } from './tinyModelDir.js';

describe('text-classification', () => {
  const { dir, texts } = tinyModelDir('tiny-cls');
  const logits = fixtureExpected('tiny-cls').get('logits')!.data;
  const labels = ['anger', 'joy', 'optimism', 'sadness'];

  it('gives HF-shaped [{label, score}] with softmax scores of HF logits, best first; batches pad', async () => {
    const classifier = await pipeline('text-classification', dir, { batchSize: 2 });
    const single = texts.filter((t): t is string => typeof t === 'string');
    const all = await classifier.run(single, { topK: null });
    expect(all).toHaveLength(2);
    single.forEach((_, r) => {
      const want = softmax(row(logits, r, 4));
      const order = [0, 1, 2, 3].sort((a, b) => want[b] - want[a]);
      expect(all[r].map((x) => x.label)).toEqual(order.map((i) => labels[i]));
      all[r].forEach((x, k) => expect(Math.abs(x.score - want[order[k]])).toBeLessThan(1e-5));
    });
    const top = await classifier.run(single[0]);
    expect(top).toHaveLength(1);
    expect(top[0]).toEqual(all[0][0]);
    classifier.dispose();
  });

  it('multi-label models use sigmoid', async () => {
    const classifier = await pipeline('text-classification', dir);
    (classifier.model.config as { problemType?: string }).problemType = 'multi_label_classification';
    const [scores] = await classifier.run([texts[0] as string], { topK: null });
    const want = sigmoid(row(logits, 0, 4));
    expect(scores.map((s) => s.label).sort()).toEqual([...labels].sort());
    for (const { label, score } of scores) expect(Math.abs(score - want[labels.indexOf(label)])).toBeLessThan(1e-5);
    classifier.dispose();
  });

  it('refuses a model of the wrong kind, and non-string input', async () => {
    await expect(pipeline('fill-mask', dir)).rejects.toThrow('pipeline: fill-mask needs a RobertaForMaskedLM, but');
    await expect(pipeline('fill-mask', dir)).rejects.toBeInstanceOf(ConfigError);
    const classifier = await pipeline('text-classification', dir);
    await expect(classifier.run(42 as unknown as string)).rejects.toThrow(TypeError);
    classifier.dispose();
  });
});

describe('fill-mask', () => {
  // Row 1, position 4 of tiny-mlm's inputs becomes the <mask> token.
  const { dir, texts, tokenOf } = tinyModelDir('tiny-mlm', [1, 4]);
  const vocab = 1000;
  const logits = fixtureExpected('tiny-mlm').get('logits')!.data; // [3, 12, 1000]

  it('returns the top-k tokens with softmax scores of HF logits at the mask', async () => {
    const filler = await pipeline('fill-mask', dir);
    const text = texts[1] as string;
    expect(text).toContain('<mask>');
    const [[candidates]] = await filler.run(text, { topK: 3 });
    const want = best(softmax(row(logits, 1 * 12 + 4, vocab)), 3);
    expect(candidates.map((c) => c.token)).toEqual(want.map((w) => w.index));
    candidates.forEach((c, k) => expect(Math.abs(c.score - want[k].score)).toBeLessThan(1e-5));
    for (const c of candidates) {
      expect(c.token_str).toBe(tokenOf.get(c.token));
      // The filled-in sequence is decoded without special tokens, as HF does.
      expect(c.sequence).toBe(text.replace('<mask>', c.token <= 3 ? '' : c.token_str));
    }
    filler.dispose();
  });

  it('a text without <mask> is an error', async () => {
    const filler = await pipeline('fill-mask', dir);
    await expect(filler.run('abc')).rejects.toThrow('fill-mask: no <mask> token in input "abc"');
    filler.dispose();
  });
});

describe('feature-extraction', () => {
  const { dir, texts } = tinyModelDir('tiny');
  const hidden = fixtureExpected('tiny').get('last_hidden_state')!.data; // [3, 12, 32]
  const lengths = [5, 9];
  const tokenVectors = (r: number) => Array.from({ length: lengths[r] }, (_, s) => row(hidden, r * 12 + s, 32));

  it('pooling none gives one vector per real token; cls and mean pool them; normalize makes unit length', async () => {
    const extractor = await pipeline('feature-extraction', dir);
    const single = [texts[0], texts[1]] as string[];
    const perToken = (await extractor.run(single)) as number[][][];
    expect(perToken).toHaveLength(2);
    perToken.forEach((vectors, r) => {
      expect(vectors).toHaveLength(lengths[r]);
      vectors.forEach((v, s) => expect(maxAbsDiff(v, tokenVectors(r)[s])).toBeLessThan(1e-4));
    });
    const cls = (await extractor.run(single, { pooling: 'cls' })) as number[][];
    expect(maxAbsDiff(cls[1], tokenVectors(1)[0])).toBeLessThan(1e-4);
    const mean = (await extractor.run(single, { pooling: 'mean', normalize: true })) as number[][];
    const m = tokenVectors(1).reduce((acc, v) => acc.map((a, i) => a + v[i] / lengths[1]), new Array(32).fill(0));
    const norm = Math.hypot(...m);
    expect(maxAbsDiff(mean[1], m.map((x) => x / norm))).toBeLessThan(1e-4);
    expect(Math.hypot(...mean[0])).toBeCloseTo(1, 6);
    extractor.dispose();
  });
});
