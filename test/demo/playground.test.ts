// The playground (demo/) in headless Chromium, served by `npm run demo`'s server (dist/, cross-origin
// isolated), with fixture models from the stand-in Hub behind its CORS front (`?hub=`). Each tab's
// numbers are checked against Hugging Face's outputs for the same ids: classification scores, pooled vectors,
// fill-mask candidates, token ids, attention cells, and the logit lens, computed here from HF's
// hidden states and the LM head's weights. The kernel tab finishes a small run on every backend;
// bad sources give readable errors on the page. Screenshots of each view are checked non-blank (and go to docs/ with UPDATE_SCREENSHOTS=1).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureDir, fixtureExpected, fixtureInputs } from '../model/fixtureModels.js';
import { FakeHub, type RepoFile } from '../hub/fakeHub.js';
import { tinyModelDir } from '../pipelines/tinyModelDir.js';
import { makeTempDir } from '../tempDir.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { serveDemo, type DemoServer } from '../../bundle/demo.js';
import { CorsProxy } from '../browser/corsProxy.js';
import { launchChromium } from '../browser/chromium.js';
import type { Browser, Page } from 'playwright-core';
import { distinctColours } from './png.js';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; a plain run writes them to a
// temp dir, so running the tests leaves the working tree as it was (the Kernels view's timings
// differ every run).
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : makeTempDir('screenshots');
const MAIN = 'd'.repeat(40);
const ROW = 1; // fixture row 1: 9 real tokens
const MASK_AT = 4;
const CLS = tinyModelDir('tiny-cls');
const MLM = tinyModelDir('tiny-mlm', [ROW, MASK_AT]);
const realIds = (name: 'tiny-cls' | 'tiny-mlm') => fixtureInputs(name).input_ids[ROW].filter((_, s) => fixtureInputs(name).attention_mask[ROW][s] === 1);
const repo = (dir: string): Record<string, RepoFile> =>
  Object.fromEntries(['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map((file) => [file, { content: readFileSync(join(dir, file)) }]));

/** Row `ROW`, position `s` of an expected [rows, seq, width] tensor. */
function expectedRow(name: 'tiny-cls' | 'tiny-mlm', key: string, s: number): number[] {
  const t = fixtureExpected(name).get(key)!;
  const width = t.shape[t.shape.length - 1];
  const seq = t.shape.length === 3 ? t.shape[1] : 1;
  return Array.from(t.data.subarray((ROW * seq + s) * width, (ROW * seq + s + 1) * width));
}

const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  return e.map((v) => v / e.reduce((a, b) => a + b, 0));
};

/** erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): Node's Math has none. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}

const MLM_WEIGHTS = safetensorsTensors(parseSafetensors(readFileSync(join(fixtureDir('tiny-mlm'), 'model.safetensors')), 'tiny-mlm'));

/** HF's RobertaLMHead on one hidden vector: decoder(layer_norm(gelu(dense(h)))) + bias, the decoder tied to the word embeddings; the top id. */
function lmHeadTop(h: number[]): number {
  const H = h.length;
  const [dw, db, lw, lb, emb, bias] = ['lm_head.dense.weight', 'lm_head.dense.bias', 'lm_head.layer_norm.weight', 'lm_head.layer_norm.bias', 'roberta.embeddings.word_embeddings.weight', 'lm_head.bias'].map(
    (name) => MLM_WEIGHTS.get(name)!.data,
  );
  const x = Array.from({ length: H }, (_, i) => h.reduce((s, v, j) => s + v * dw[i * H + j], db[i])).map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
  const mean = x.reduce((a, b) => a + b, 0) / H;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / H;
  const y = x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * lw[i] + lb[i]);
  let best = 0;
  let bestScore = -Infinity;
  for (let id = 0; id < bias.length; id++) {
    const score = y.reduce((s, v, j) => s + v * emb[id * H + j], bias[id]);
    if (score > bestScore) [best, bestScore] = [id, score];
  }
  return best;
}

describe('playground (demo/) in Chromium', () => {
  let hub: FakeHub;
  let cors: CorsProxy;
  let server: DemoServer;
  let browser: Browser;
  let tab: Page;
  const page = () => tab;

  async function submit(fields: { text: string; task: string; model: string; backend?: string }): Promise<string> {
    const p = page();
    await p.click('[data-tab=run]');
    await p.fill('textarea[name=text]', fields.text);
    await p.selectOption('select[name=task]', fields.task);
    await p.fill('input[name=model]', fields.model);
    await p.selectOption('select[name=backend]', fields.backend ?? 'cpu');
    await p.click('button[type=submit]');
    await p.waitForSelector('body[data-ready=run], body[data-ready=error]');
    return (await p.getAttribute('body', 'data-ready'))!;
  }

  async function screenshot(tab: string): Promise<void> {
    await page().click(`[data-tab=${tab}]`);
    const png = await page().screenshot({ fullPage: false });
    expect(distinctColours(png)).toBeGreaterThan(20);
    writeFileSync(join(SCREENSHOTS, `playground-${tab}.png`), png);
  }

  const numbers = (selector: string) => page().$$eval(selector, (nodes) => nodes.map((n) => Number(n.getAttribute('data-value'))));

  beforeAll(async () => {
    hub = await FakeHub.start();
    hub.addRepo('org/tiny-cls', { commits: { [MAIN]: repo(CLS.dir) }, refs: { main: MAIN } });
    hub.addRepo('org/tiny-mlm', { commits: { [MAIN]: repo(MLM.dir) }, refs: { main: MAIN } });
    cors = await CorsProxy.start(hub.url);
    server = await serveDemo(0);
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await tab.goto(`${server.url}?hub=${encodeURIComponent(cors.url)}`);
    await tab.waitForSelector('body[data-ready=page]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await cors?.close();
    await hub?.close();
  });

  it('the page is cross-origin isolated, and says so', async () => {
    expect(await page().evaluate('crossOriginIsolated')).toBe(true);
    expect(await page().textContent('#status')).toMatch(/^Ready \(cross-origin isolated: wasm runs on worker threads\)/);
  });

  it('Run: text-classification scores are softmax of HF logits, with progress per file and the time', async () => {
    expect(await submit({ text: CLS.texts[ROW] as string, task: 'text-classification', model: 'org/tiny-cls' })).toBe('run');
    const shown = await page().$$eval('#answer .bar', (bars) => bars.map((b) => [b.getAttribute('data-label'), Number(b.getAttribute('data-value'))] as const));
    const expected = softmax(expectedRow('tiny-cls', 'logits', 0));
    const labels = JSON.parse(readFileSync(join(CLS.dir, 'config.json'), 'utf8')).id2label as Record<string, string>;
    expect(shown.map(([label]) => label).sort()).toEqual(Object.values(labels).sort());
    for (const [label, score] of shown) expect(Math.abs(score - expected[Number(Object.keys(labels).find((k) => labels[k] === label))])).toBeLessThanOrEqual(1e-5);
    expect(await page().$$eval('#progress li', (rows) => rows.map((r) => [r.getAttribute('data-file'), Number(r.querySelector('progress')!.getAttribute('value'))]))).toEqual(
      expect.arrayContaining([['config.json', 1], ['model.safetensors', 1]]),
    );
    expect(Number(await page().getAttribute('.timing', 'data-ms'))).toBeGreaterThan(0);
    await screenshot('run');
  });

  it('Tokens: ids and pieces are the tokenizer’s (HF’s fixture ids), specials set apart, offsets into the text', async () => {
    const tokens = await page().$$eval('#tokens-view .token', (nodes) => nodes.map((n) => [Number(n.getAttribute('data-id')), n.getAttribute('data-token'), n.classList.contains('special'), n.getAttribute('data-offsets')] as const));
    const ids = realIds('tiny-cls');
    expect(tokens.map(([id]) => id)).toEqual(ids);
    expect(tokens.map(([, token]) => token)).toEqual(ids.map((id) => CLS.tokenOf.get(id)));
    expect(tokens.map(([, , special]) => special)).toEqual(ids.map((id) => id === 0 || id === 2));
    expect(tokens[1][3]).toBe('0,1'); // a letter per id: the first piece is the text's first character
    await page().click('[data-tab=tokens]');
    await page().hover('#tokens-view .token >> nth=3');
    expect(await page().textContent('.source-text mark')).toBe((CLS.texts[ROW] as string).slice(2, 3));
    await screenshot('tokens');
  });

  it('Attention: the big map for layer 1, head 2 holds HF’s attentions.1[row, 2]; the grid has every head', async () => {
    await page().click('[data-tab=attention]');
    await page().selectOption('select[name=layer]', '1');
    await page().selectOption('select[name=head]', '2');
    const cells = await numbers('#attention-map rect');
    const n = realIds('tiny-cls').length;
    const hf = fixtureExpected('tiny-cls').get('attentions.1')!;
    const [heads, seq] = [hf.shape[1], hf.shape[2]];
    const expected = Array.from({ length: n * n }, (_, c) => hf.data[((ROW * heads + 2) * seq + Math.floor(c / n)) * seq + (c % n)]);
    expect(cells.length).toBe(n * n);
    expect(Math.max(...cells.map((v, i) => Math.abs(v - expected[i])))).toBeLessThanOrEqual(1e-4);
    expect(await page().$$eval('#attention-heads svg', (maps) => maps.length)).toBe(heads);
    // Rollout rows stay distributions.
    const rollout = await numbers('#attention-rollout rect');
    for (let r = 0; r < n; r++) expect(rollout.slice(r * n, (r + 1) * n).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await page().hover('#attention-map rect[data-row="3"][data-col="0"]');
    expect(await page().textContent('.focus')).toMatch(new RegExp(`^${CLS.tokenOf.get(realIds('tiny-cls')[3])} attends to `));
    await screenshot('attention');
  });

  it('Layers: fill-mask on tiny-mlm — candidates are HF’s, and the logit lens’s top tokens are the LM head on HF’s hidden states', async () => {
    expect(await submit({ text: MLM.texts[ROW] as string, task: 'fill-mask', model: 'org/tiny-mlm', backend: 'wasm' })).toBe('run');
    const scores = softmax(expectedRow('tiny-mlm', 'logits', MASK_AT));
    const top = scores.map((s, id) => [s, id] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
    const shown = await page().$$eval('#answer .bar', (bars) => bars.map((b) => Number(b.getAttribute('data-value'))));
    expect(shown.length).toBe(5);
    shown.forEach((score, i) => expect(Math.abs(score - top[i][0])).toBeLessThanOrEqual(1e-5));
    const lens = await page().$$eval('#logit-lens tr[data-layer]', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.getAttribute('data-token'))));
    const n = realIds('tiny-mlm').length;
    expect(lens.length).toBe(3);
    lens.forEach((row, layer) => expect(row).toEqual(Array.from({ length: n }, (_, s) => MLM.tokenOf.get(lmHeadTop(expectedRow('tiny-mlm', `hidden_states.${layer}`, s))))));
    expect(await page().$$eval('#layer-norms circle', (dots) => dots.length)).toBe(n * 3);
    expect(await page().$$eval('#layer-cosines circle', (dots) => dots.length)).toBe(n * 2);
    await screenshot('layers');
  });

  it('Run: feature-extraction shows the mean-pooled, unit-length vector of HF’s last hidden state', async () => {
    expect(await submit({ text: CLS.texts[ROW] as string, task: 'feature-extraction', model: 'org/tiny-cls', backend: 'webgpu' })).toBe('run');
    const n = realIds('tiny-cls').length;
    const rows = Array.from({ length: n }, (_, s) => expectedRow('tiny-cls', 'last_hidden_state', s));
    const mean = rows[0].map((_, i) => rows.reduce((sum, row) => sum + row[i], 0) / n);
    const length = Math.sqrt(mean.reduce((sum, v) => sum + v * v, 0));
    const shown = await numbers('#answer .bar');
    expect(shown.length).toBe(16);
    shown.forEach((v, i) => expect(Math.abs(v - Math.abs(mean[i] / length))).toBeLessThanOrEqual(1e-5));
  });

  it('Kernels: a small run finishes on every backend, numbers on the page and in the JSON; the WGSL source is shown', async () => {
    await page().click('[data-tab=kernels]');
    await page().selectOption('select[name=bench-size]', 'small');
    await page().click('#bench-run');
    await page().waitForSelector('body[data-ready=bench], body[data-ready=error]');
    expect(await page().getAttribute('body', 'data-ready')).toBe('bench');
    const result = JSON.parse(await page().inputValue('textarea[name=bench-json]')) as { measurements: Array<{ backend: string; kernel: string; ms: number }>; unavailable: object };
    expect(result.unavailable).toEqual({});
    const backends = ['webgpu:naive', 'webgpu:tiled', 'webgpu:blocked', 'webgpu', 'wasm', 'gpujs', 'cpu'];
    expect([...new Set(result.measurements.map((m) => m.backend))].sort()).toEqual([...backends].sort());
    for (const m of result.measurements) expect(m.ms).toBeGreaterThan(0);
    const bars = await numbers('#bench-results .bar');
    expect(bars.length).toBe(result.measurements.length);
    expect(bars.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    await page().selectOption('select[name=wgsl-kernel]', 'matmul:tiled');
    expect(await page().textContent('#wgsl-source')).toMatch(/var<workgroup>/);
    await screenshot('kernels');
  });

  it('a reloaded page loads a model it had from Cache Storage: no request reaches the Hub, same scores', async () => {
    await submit({ text: CLS.texts[ROW] as string, task: 'text-classification', model: 'org/tiny-cls' });
    const before = await numbers('#answer .bar');
    const requests = cors.forwarded;
    await page().reload();
    await page().waitForSelector('body[data-ready=page]');
    expect(await submit({ text: CLS.texts[ROW] as string, task: 'text-classification', model: 'org/tiny-cls' })).toBe('run');
    expect(cors.forwarded).toBe(requests);
    expect(await numbers('#answer .bar')).toEqual(before);
  });

  const errors: Array<[string, () => string, RegExp]> = [
    ['an unknown model id', () => 'org/no-such-model', /^HubError: repository org\/no-such-model not found \(HTTP 401/],
    ['a server without CORS', () => `${hub.url}/org/tiny-cls/resolve/main`, /^HubError: fetching .* failed before any response .*\(CORS: it must answer with Access-Control-Allow-Origin/],
    ['a bad URL', () => 'ftp://example.org/model', /^HubError: 'ftp:\/\/example.org\/model' is neither an http\(s\) URL of a model folder nor a Hugging Face repo id/],
    ['a URL that is no model folder', () => new URL('/nowhere', server.url).href, /^HubError: http:.*\/nowhere\/config.json does not exist \(HTTP 404\): '.*' is not a model folder$/],
  ];
  for (const [what, source, message] of errors) {
    it(`${what} is a readable error on the page`, async () => {
      expect(await submit({ text: 'abc', task: 'text-classification', model: source() })).toBe('error');
      const text = await page().textContent('#error');
      expect(await page().isVisible('#error')).toBe(true);
      expect(text).toMatch(message);
    });
  }
});
