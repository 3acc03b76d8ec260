// The user-facing commands end to end: through a local model directory, and through a local
// imitation of the Hugging Face Hub (download on first use, cache reuse, offline mode). Expected
// labels and scores come from Hugging Face's logits for the same ids.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureExpected, maxAbsDiff } from '../model/fixtureModels.js';
import { FakeHub, isolateHubEnv, type RepoFile } from '../hub/fakeHub.js';
import { best, row, softmax } from '../pipelines/logitScores.js';
import { tinyModelDir } from '../pipelines/tinyModelDir.js';
import { runCli } from './runCli.js';

const LABELS = ['anger', 'joy', 'optimism', 'sadness'];
const cls = tinyModelDir('tiny-cls');
const logits = fixtureExpected('tiny-cls').get('logits')!.data;

const hfScores = (r: number): number[] => softmax(row(logits, r, 4));

describe('roberta classify', () => {
  it('prints the best label and its score from a local directory; --json prints [{label, score}] best first', async () => {
    const want = hfScores(0);
    const top = best(want, 1)[0].index;
    const plain = await runCli(['classify', '--model', cls.dir, cls.texts[0] as string]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${LABELS[top]} ${want[top].toFixed(4)}\n`);
    const json = await runCli(['classify', '--model', cls.dir, '--json', '--top-k', '4', cls.texts[0] as string, cls.texts[1] as string]);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; score: number }[]);
    expect(lines).toHaveLength(2);
    lines.forEach((labels, r) => {
      const scores = hfScores(r);
      expect(labels.map((l) => l.label)).toEqual([...LABELS].sort((a, b) => scores[LABELS.indexOf(b)] - scores[LABELS.indexOf(a)]));
      for (const l of labels) expect(Math.abs(l.score - scores[LABELS.indexOf(l.label)])).toBeLessThan(1e-5);
    });
  });

  it('reads one text per line from stdin', async () => {
    const result = await runCli(['classify', '--model', cls.dir, '--json'], `${cls.texts[0]}\n${cls.texts[1]}\n`);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; score: number }[]);
    expect(lines.map((labels) => labels.map((l) => l.label))).toEqual([0, 1].map((r) => [LABELS[best(hfScores(r), 1)[0].index]]));
  });

  describe('through the Hub', () => {
    let hub: FakeHub;
    let env: ReturnType<typeof isolateHubEnv>;
    const COMMIT = 'c'.repeat(40);
    beforeAll(async () => {
      hub = await FakeHub.start();
      env = isolateHubEnv(hub.url);
      const files: Record<string, RepoFile> = {};
      for (const f of readdirSync(cls.dir)) files[f] = { content: readFileSync(join(cls.dir, f)), lfs: f.endsWith('.safetensors') };
      // The seed's example model id, served locally with the tiny classifier's files.
      hub.addRepo('cardiffnlp/twitter-roberta-base-emotion', { commits: { [COMMIT]: files }, refs: { main: COMMIT } });
    });
    afterAll(async () => {
      env.restore();
      await hub.close();
    });

    it('downloads the default model on first use, reuses the cache, and works offline', async () => {
      const want = hfScores(0);
      const top = LABELS[best(want, 1)[0].index];
      const first = await runCli(['classify', cls.texts[0] as string]);
      expect(first.stderr).toBe('');
      expect(first.stdout.split(' ')[0]).toBe(top);
      const gets = hub.requestsTo('GET').length;
      expect(gets).toBeGreaterThanOrEqual(4);
      const second = await runCli(['classify', cls.texts[0] as string]);
      expect(second.stdout).toBe(first.stdout);
      expect(hub.requestsTo('GET')).toHaveLength(gets);
      process.env.HF_HUB_OFFLINE = '1';
      const requests = hub.requests.length;
      const offline = await runCli(['classify', cls.texts[0] as string]);
      expect(offline.stdout).toBe(first.stdout);
      expect(hub.requests).toHaveLength(requests);
      const missing = await runCli(['classify', '--model', 'someone/not-cached', 'x']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/someone\/not-cached/);
      delete process.env.HF_HUB_OFFLINE;
    });

    it('an unknown repo is a one-line error', async () => {
      const result = await runCli(['classify', '--model', 'nobody/nothing', 'x']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/nobody\/nothing/);
    });
  });
});

describe('the other commands', () => {
  it('fill-mask prints the best candidates with their scores; embed prints one JSON vector per text', async () => {
    // Row 1, position 4 of tiny-mlm's inputs is the <mask>: HF's logits there give the scores.
    const mlm = tinyModelDir('tiny-mlm', [1, 4]);
    const fill = await runCli(['fill-mask', '--model', mlm.dir, '--json', '--top-k', '2', mlm.texts[1] as string]);
    expect(fill.code).toBe(0);
    const candidates = JSON.parse(fill.stdout) as { token: number; score: number; token_str: string; sequence: string }[];
    const want = best(softmax(row(fixtureExpected('tiny-mlm').get('logits')!.data, 1 * 12 + 4, 1000)), 2);
    expect(candidates.map((c) => [c.token, c.token_str])).toEqual(want.map((w) => [w.index, mlm.tokenOf.get(w.index)]));
    candidates.forEach((c, k) => expect(Math.abs(c.score - want[k].score)).toBeLessThan(1e-5));

    const tiny = tinyModelDir('tiny');
    const embed = await runCli(['embed', '--model', tiny.dir, '--pooling', 'cls', tiny.texts[0] as string]);
    expect(embed.code).toBe(0);
    const vector = JSON.parse(embed.stdout) as number[];
    // maxAbsDiff is Infinity when the lengths differ: an empty vector cannot pass.
    expect(maxAbsDiff(vector, fixtureExpected('tiny').get('last_hidden_state')!.data.slice(0, 32))).toBeLessThan(1e-4);

    const bad = await runCli(['embed', '--model', tiny.dir, '--pooling', 'max', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--pooling must be one of mean, cls, none, got "max"');
  });

  it('roberta --help lists every command; an unknown command exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['classify', 'fill-mask', 'embed', 'tokenize', 'forward', 'export-onnx', 'bench', 'download', 'info']) expect(help.stdout).toContain(`  ${name}`);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('every command has --help with an example', async () => {
    for (const name of ['classify', 'fill-mask', 'embed', 'tokenize', 'forward', 'export-onnx', 'bench', 'download', 'info']) {
      const help = await runCli([name, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain('roberta ');
    }
  });

  it('info lists the cpu backend and what auto picks', async () => {
    const info = await runCli(['info', '--json']);
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout) as { backends: Record<string, { available: boolean }>; auto: { chosen: string } };
    expect(parsed.backends.cpu.available).toBe(true);
    expect(typeof parsed.auto.chosen).toBe('string');
  });
});
