// The user-facing commands end to end: through a local model directory, and through a local
// imitation of the Hugging Face Hub (download on first use, cache reuse, offline mode). Expected
// labels and scores come from Hugging Face's logits for the same ids.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureExpected } from '../model/fixtureModels.js';
import { FakeHub, isolateHubEnv, type RepoFile } from '../hub/fakeHub.js';
import { tinyModelDir } from '../pipelines/tinyModelDir.js';
import { runCli } from './runCli.js';

const LABELS = ['anger', 'joy', 'optimism', 'sadness'];
const cls = tinyModelDir('tiny-cls');
const logits = Array.from(fixtureExpected('tiny-cls').get('logits')!.data);

function hfScores(row: number): number[] {
  const exps = logits.slice(row * 4, row * 4 + 4).map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

describe('roberta classify', () => {
  it('prints the best label and its score from a local directory; --json prints [{label, score}] best first', async () => {
    const want = hfScores(0);
    const best = want.indexOf(Math.max(...want));
    const plain = await runCli(['classify', '--model', cls.dir, cls.texts[0] as string]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${LABELS[best]} ${want[best].toFixed(4)}\n`);
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
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
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
      const best = LABELS[want.indexOf(Math.max(...want))];
      const first = await runCli(['classify', cls.texts[0] as string]);
      expect(first.stderr).toBe('');
      expect(first.stdout.split(' ')[0]).toBe(best);
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
  it('fill-mask prints candidates; embed prints one JSON vector per text; tokenize prints ids', async () => {
    const mlm = tinyModelDir('tiny-mlm', [1, 4]);
    const fill = await runCli(['fill-mask', '--model', mlm.dir, '--json', '--top-k', '2', mlm.texts[1] as string]);
    expect(fill.code).toBe(0);
    const candidates = JSON.parse(fill.stdout) as { token: number; score: number; token_str: string; sequence: string }[];
    expect(candidates).toHaveLength(2);
    expect(candidates[0].score).toBeGreaterThanOrEqual(candidates[1].score);

    const tiny = tinyModelDir('tiny');
    const embed = await runCli(['embed', '--model', tiny.dir, '--pooling', 'cls', tiny.texts[0] as string]);
    expect(embed.code).toBe(0);
    const vector = JSON.parse(embed.stdout) as number[];
    const want = Array.from(fixtureExpected('tiny').get('last_hidden_state')!.data.slice(0, 32));
    expect(Math.max(...vector.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-4);

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
