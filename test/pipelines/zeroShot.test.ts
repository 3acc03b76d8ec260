// zero-shot-classification against Hugging Face's logits for tiny-cls, relabelled as an NLI model
// (its 4 classes renamed; the weights, hence the logits, unchanged). Row 2 of the fixture is a
// pair, so the text and a hypothesis template '{}' with its second half as the label encode to
// exactly the ids HF ran. Expected scores follow transformers 4.36.2's
// ZeroShotClassificationPipeline.postprocess, computed here with the textbook softmax.

import '../../index.js';
import { ConfigError } from '../../model/config.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { entailmentId, parseCandidateLabels, rankLabels, zeroShotScores } from '../../pipelines/zeroShot.js';
import { fixtureExpected, fixtureInputs } from '../model/fixtureModels.js';
import { relabel, tinyModelDir } from './tinyModelDir.js';

const logits = Array.from(fixtureExpected('tiny-cls').get('logits')!.data); // [3, 4]
const row = (r: number) => logits.slice(r * 4, r * 4 + 4);

function softmax(values: number[]): number[] {
  const exps = values.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** tiny-cls with its classes renamed. */
function nliModelDir(labels: string[]): { dir: string; text: string; hypothesis: string } {
  const { dir, texts } = tinyModelDir('tiny-cls');
  relabel(dir, labels);
  const [text, hypothesis] = texts[2] as [string, string];
  return { dir, text, hypothesis };
}

describe('zero-shot-classification', () => {
  // Entailment (any case) is class 2; contradiction is class 0 by HF's rule, whatever its name.
  const nli = nliModelDir(['CONTRADICTION', 'neutral', 'Entailment', 'other']);

  it('the text and the hypothesis encode to the fixture pair', async () => {
    const zeroShot = await pipeline('zero-shot-classification', nli.dir);
    expect(zeroShot.tokenizer.encode(nli.text, nli.hypothesis).ids).toEqual(fixtureInputs('tiny-cls').input_ids[2]);
    zeroShot.dispose();
  });

  it('one candidate label: softmax over its [contradiction, entailment] logits (as multi_label)', async () => {
    const zeroShot = await pipeline('zero-shot-classification', nli.dir);
    const want = softmax([row(2)[0], row(2)[2]])[1];
    for (const labels of [[nli.hypothesis], nli.hypothesis]) {
      const result = await zeroShot.run(nli.text, labels, { hypothesisTemplate: '{}' });
      expect(result.sequence).toBe(nli.text);
      expect(result.labels).toEqual([nli.hypothesis]);
      expect(Math.abs(result.scores[0] - want)).toBeLessThan(1e-5);
    }
    // Texts in a batch each get their own result.
    const both = await zeroShot.run([nli.text, nli.text], [nli.hypothesis], { hypothesisTemplate: '{}', multiLabel: true });
    expect(both).toHaveLength(2);
    for (const r of both) expect(Math.abs(r.scores[0] - want)).toBeLessThan(1e-5);
    zeroShot.dispose();
  });

  it('entailment as class 0 makes the last class the contradiction', async () => {
    const flipped = nliModelDir(['entailment', 'neutral', 'other', 'contradiction']);
    const zeroShot = await pipeline('zero-shot-classification', flipped.dir);
    const result = await zeroShot.run(flipped.text, [flipped.hypothesis], { hypothesisTemplate: '{}' });
    expect(Math.abs(result.scores[0] - softmax([row(2)[3], row(2)[0]])[1])).toBeLessThan(1e-5);
    zeroShot.dispose();
  });

  it('with the default template, single-label scores share 1 among the labels, best first', async () => {
    const zeroShot = await pipeline('zero-shot-classification', nli.dir);
    const result = await zeroShot.run(nli.text, 'a, b ,,c');
    expect([...result.labels].sort()).toEqual(['a', 'b', 'c']);
    expect(result.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect([...result.scores].sort((a, b) => b - a)).toEqual(result.scores);
    zeroShot.dispose();
  });

  it('refuses a model without an entailment label, a template without {}, no labels, a model of the wrong kind', async () => {
    const { dir } = tinyModelDir('tiny-cls'); // anger, joy, optimism, sadness
    const emotions = await pipeline('zero-shot-classification', dir);
    await expect(emotions.run('x', 'a')).rejects.toThrow('zero-shot-classification: the model has no "entailment" label (its labels: anger, joy, optimism, sadness)');
    await expect(emotions.run('x', 'a')).rejects.toBeInstanceOf(ConfigError);
    emotions.dispose();
    const zeroShot = await pipeline('zero-shot-classification', nli.dir);
    await expect(zeroShot.run('x', 'a', { hypothesisTemplate: 'About it.' })).rejects.toThrow('the hypothesis template "About it." has no {} where the label goes');
    await expect(zeroShot.run('x', ' , ')).rejects.toThrow('zero-shot-classification: give at least one candidate label');
    zeroShot.dispose();
    await expect(pipeline('zero-shot-classification', tinyModelDir('tiny-mlm').dir)).rejects.toThrow('zero-shot-classification needs a RobertaForSequenceClassification');
  });
});

describe('zero-shot scores (postprocess)', () => {
  // HF's three logit rows of tiny-cls, read as the NLI logits of three candidate labels.
  const rows = [row(0), row(1), row(2)];

  it('single-label: softmax of the entailment logits across the labels', () => {
    const want = softmax(rows.map((r) => r[2]));
    zeroShotScores(rows, 2, false).forEach((s, i) => expect(Math.abs(s - want[i])).toBeLessThan(1e-12));
  });

  it('multi-label: each label on its own, softmax over [contradiction, entailment]', () => {
    zeroShotScores(rows, 2, true).forEach((s, i) => expect(Math.abs(s - softmax([rows[i][0], rows[i][2]])[1])).toBeLessThan(1e-12));
    zeroShotScores(rows, 0, true).forEach((s, i) => expect(Math.abs(s - softmax([rows[i][3], rows[i][0]])[1])).toBeLessThan(1e-12));
  });

  it("entailment_id: the first label2id name starting with 'entail', any case", () => {
    expect(entailmentId(new Map([['neutral', 0], ['ENTAILS', 5], ['entailment', 1]]))).toBe(5);
  });

  it('labels best first; of equal scores the later label first, as reversed(argsort) gives', () => {
    expect(rankLabels(['a', 'b', 'c'], [0.2, 0.5, 0.2])).toEqual({ labels: ['b', 'c', 'a'], scores: [0.5, 0.2, 0.2] });
  });

  it('candidate labels from a comma-separated string are trimmed, empty ones dropped', () => {
    expect(parseCandidateLabels(' sports , politics,,art ')).toEqual(['sports', 'politics', 'art']);
  });
});
