// `roberta ner`, `qa` and `zero-shot` end to end through local model directories made from HF's
// tiny fixtures. The pipelines' numbers are checked against HF's logits in test/pipelines; here
// the printed results are, where a figure is quoted, HF's logits worked through by hand.

import '../../index.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { relabel, TINY_QA_SPELLING, TINY_TOK_SPELLING, tinyModelDir } from '../pipelines/tinyModelDir.js';
import { runCli } from './runCli.js';

describe('roberta ner', () => {
  const { dir } = tinyModelDir('tiny-tok', undefined, TINY_TOK_SPELLING);
  const text = 'Ann Bobby Cyril Deena Ed.';

  it('--json prints what the pipeline returns; plain output is one entity a line: label, score, span, word', async () => {
    const ner = await pipeline('ner', dir);
    const want = await ner.run(text, { aggregationStrategy: 'first' });
    ner.dispose();
    const json = await runCli(['ner', '--model', dir, '--aggregation-strategy', 'first', '--json', text]);
    expect(json.code).toBe(0);
    // The CLI picks a backend by itself ('auto'), the pipeline defaults to cpu: scores agree to 1e-5.
    const printed = JSON.parse(json.stdout) as { score: number }[];
    expect(printed.map((e) => ({ ...e, score: 0 }))).toEqual(want.map((e) => ({ ...e, score: 0 })));
    printed.forEach((e, i) => expect(Math.abs(e.score - want[i].score)).toBeLessThan(1e-5));
    const plain = await runCli(['ner', '--model', dir, '--aggregation-strategy', 'first', text]);
    expect(plain.stdout.split('\n').map((l) => l.split('\t').slice(0, 1).concat(l.split('\t').slice(2)).join('|'))).toEqual([
      // HF's logits give Ann | Bobby Cyril | Deena | Ed. (see test/pipelines/tokenClassification.test.ts).
      '  PER|0-3|"Ann"',
      '  PER|4-15|" Bobby Cyril"',
      '  PER|16-21|" Deena"',
      '  PER|22-25|" Ed."',
      '',
    ]);
  });

  it('reads one text per line from stdin; strategy none shows tokens with their labels', async () => {
    const result = await runCli(['ner', '--model', dir, '--json'], 'Kim Lee Park\nLiz Max in Rome\n');
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { entity: string; word: string }[]);
    expect(lines.map((entities) => entities.map((e) => `${e.entity} ${e.word}`))).toEqual([
      ['B-PER Kim', 'B-PER ĠLee', 'B-PER ĠPark'],
      ['I-PER Li', 'B-PER z', 'B-PER ĠMa', 'B-PER x', 'B-PER ĠRo', 'B-PER me'],
    ]);
  });

  it('exit 2 for an unknown strategy, 1 for a model of the wrong kind', async () => {
    const bad = await runCli(['ner', '--model', dir, '--aggregation-strategy', 'longest', text]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--aggregation-strategy must be one of none, simple, first, average, max, got "longest"');
    const wrong = await runCli(['ner', '--model', tinyModelDir('tiny-cls').dir, text]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('token-classification needs a RobertaForTokenClassification');
  });
});

describe('roberta qa', () => {
  // Row 0 of tiny-qa: <s> Who </s></s> Par is </s>.
  const { dir } = tinyModelDir('tiny-qa', undefined, TINY_QA_SPELLING);

  it('prints the answer, its score and its span; the context may come on stdin', async () => {
    // HF's logits: start × end probability of 'Par' (the word "Paris") is 0.29098.
    const result = await runCli(['qa', '--model', dir, '--question', 'Who', '--context', 'Paris']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('"Paris"\t0.2910\t0-5\n');
    const stdin = await runCli(['qa', '--model', dir, '--question', 'Who', '--json', '--top-k', '2', '--handle-impossible-answer'], 'Paris\n');
    const answers = JSON.parse(stdin.stdout) as { answer: string; score: number; start: number; end: number }[];
    // (4,4) .29098, then (4,5) .10248 — both widen to "Paris"; the no-answer .05392 is third.
    expect(answers.map((a) => [a.answer, a.start, a.end, a.score.toFixed(4)])).toEqual([
      ['Paris', 0, 5, '0.2910'],
      ['Paris', 0, 5, '0.1025'],
    ]);
  });

  it('exit 2 without --question or with a bad --doc-stride', async () => {
    const missing = await runCli(['qa', '--model', dir, '--context', 'Paris']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--question is required');
    const stride = await runCli(['qa', '--model', dir, '--question', 'Who', '--context', 'Paris', '--doc-stride', '-1']);
    expect(stride.code).toBe(2);
    expect(stride.stderr).toContain('--doc-stride must be a non-negative integer, got -1');
  });
});

describe('roberta zero-shot', () => {
  const { dir, texts } = tinyModelDir('tiny-cls');
  relabel(dir, ['contradiction', 'neutral', 'entailment', 'other']);
  const [text, hypothesis] = texts[2] as [string, string];

  it('prints each label with its score; --json prints {sequence, labels, scores}', async () => {
    // HF's logits for the pair: contradiction −0.18200, entailment 0.43405 → 1 / (1 + e^(−0.61604)) = 0.64932.
    const plain = await runCli(['zero-shot', '--model', dir, '--labels', hypothesis, '--hypothesis-template', '{}', text]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${hypothesis} 0.6493\n`);
    const json = await runCli(['zero-shot', '--model', dir, '--labels', `${hypothesis},${hypothesis}`, '--hypothesis-template', '{}', '--multi-label', '--json'], `${text}\n`);
    const result = JSON.parse(json.stdout) as { sequence: string; labels: string[]; scores: number[] };
    expect(result.sequence).toBe(text);
    expect(result.labels).toEqual([hypothesis, hypothesis]);
    for (const s of result.scores) expect(s).toBeCloseTo(0.649318, 5);
  });

  it('exit 2 without labels or with a template lacking {}', async () => {
    const none = await runCli(['zero-shot', '--model', dir, '--labels', ' , ', text]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--labels needs at least one label');
    const template = await runCli(['zero-shot', '--model', dir, '--labels', 'a', '--hypothesis-template', 'no slot', text]);
    expect(template.code).toBe(2);
    expect(template.stderr).toContain('--hypothesis-template needs {} where the label goes');
  });
});

describe('--help', () => {
  it.each(['ner', 'qa', 'zero-shot'])('roberta %s --help shows usage and an example', async (name) => {
    const result = await runCli([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`roberta ${name} --model`);
  });
});
