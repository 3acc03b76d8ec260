// Loading in the browser through a stand-in Hub (test/hub/fakeHub.ts behind a CORS front): a Hub
// id resolves to `{endpoint}/{id}/resolve/{revision}/{file}` as in Node, downloads report their
// progress, the model matches Hugging Face in each weights format (safetensors, sharded safetensors,
// pytorch_model.bin), and a second load comes from Cache Storage without a single request. Then every kind of bad source gets its one clear message: a missing repo, a
// folder without the model, a server without CORS, an HTML page instead of a file, a cut-off body.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from '../model/fixtureModels.js';
import { FakeHub, readFixture, type RepoFile } from '../hub/fakeHub.js';
import { tinyModelDir } from '../pipelines/tinyModelDir.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../model/weights/safetensorsWriter.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';
import { torchSaveFloat32 } from '../model/weights/torchWriter.js';
import { CorsProxy } from './corsProxy.js';
import { TestPage } from './page.js';

const MAIN = 'c'.repeat(40);
const TINY_CLS = fixtureDir('tiny-cls');
const WEIGHTS = readFileSync(join(TINY_CLS, 'model.safetensors'));
const CONFIG = readFileSync(join(TINY_CLS, 'config.json'));
const TOKENIZER_CASE = (JSON.parse(readFixture('tokenizer-cases.json').toString()) as { single: Array<{ text: string; ids_with_special: number[] }> }).single[0];

const files: Record<string, RepoFile> = {
  'config.json': { content: CONFIG },
  'model.safetensors': { content: WEIGHTS, lfs: true },
  'tokenizer.json': { content: readFixture('roberta-base-tokenizer/tokenizer.json'), lfs: true },
};

/** tiny-cls with a tokenizer in which fixture row 0 is a text (see tinyModelDir). */
const TEXT_MODEL = tinyModelDir('tiny-cls');
const textModelFiles: Record<string, RepoFile> = Object.fromEntries(
  ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map((file) => [file, { content: readFileSync(join(TEXT_MODEL.dir, file)) }]),
);

/** tiny-mlm's weights in the two other formats a folder may hold: pytorch_model.bin, and safetensors in two shards. */
const MLM = fixtureDir('tiny-mlm');
const MLM_WEIGHTS = safetensorsTensors(parseSafetensors(readFileSync(join(MLM, 'model.safetensors')), 'tiny-mlm'));
const shard = (entries: Array<[string, HostTensor]>) => encodeSafetensors(Object.fromEntries(entries.map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }])));
const half = Math.ceil(MLM_WEIGHTS.size / 2);
const shards = [shard([...MLM_WEIGHTS].slice(0, half)), shard([...MLM_WEIGHTS].slice(half))];
const shardNames = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
const weightMap = Object.fromEntries([...MLM_WEIGHTS.keys()].map((key, i) => [key, shardNames[i < half ? 0 : 1]]));
const mlmConfig = { content: readFileSync(join(MLM, 'config.json')) };
const mlmRepos: Record<string, Record<string, RepoFile>> = {
  'org/tiny-mlm-bin': {
    'config.json': mlmConfig,
    // save_pretrained's .bin keeps the tied decoder as views of the embeddings' storage.
    'pytorch_model.bin': {
      content: torchSaveFloat32(MLM_WEIGHTS, { 'lm_head.decoder.weight': 'roberta.embeddings.word_embeddings.weight', 'lm_head.decoder.bias': 'lm_head.bias' }),
      lfs: true,
    },
  },
  'org/tiny-mlm-sharded': {
    'config.json': mlmConfig,
    'model.safetensors.index.json': { content: Buffer.from(JSON.stringify({ metadata: {}, weight_map: weightMap })) },
    [shardNames[0]]: { content: shards[0], lfs: true },
    [shardNames[1]]: { content: shards[1], lfs: true },
  },
};

/** A server that says the file has all its bytes, sends half, and hangs up. */
function cutOff(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': WEIGHTS.length });
  res.write(WEIGHTS.subarray(0, WEIGHTS.length >> 1), () => res.destroy());
}

interface Progress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
}

const LOAD_AND_FORWARD = `
  const progress = [];
  const model = await R.fromPretrained(args.source, { ...args.options, backend: 'cpu', onProgress: (p) => progress.push(p) });
  const out = model.forward({ inputIds: args.inputs.input_ids, attentionMask: args.inputs.attention_mask });
  const logits = Array.from(await out.logits.data());
  model.dispose();
  return { logits, progress };`;

describe('bundle in Chromium: models from a Hub, through Cache Storage', () => {
  let hub: FakeHub;
  let cors: CorsProxy;
  let page: TestPage;
  const load = (source: string, options: Record<string, unknown> = {}, inputsOf: 'tiny-cls' | 'tiny-mlm' = 'tiny-cls') =>
    page.run<{ logits: number[]; progress: Progress[] }>(LOAD_AND_FORWARD, { source, options, inputs: fixtureInputs(inputsOf) });

  beforeAll(async () => {
    hub = await FakeHub.start();
    hub.addRepo('org/tiny-cls', { commits: { [MAIN]: files }, refs: { main: MAIN } });
    hub.addRepo('org/tiny-cls-text', { commits: { [MAIN]: textModelFiles }, refs: { main: MAIN } });
    for (const [id, repoFiles] of Object.entries(mlmRepos)) hub.addRepo(id, { commits: { [MAIN]: repoFiles }, refs: { main: MAIN } });
    hub.addRepo('org/private', { commits: { [MAIN]: files }, refs: { main: MAIN }, token: 'hf_secret' });
    cors = await CorsProxy.start(hub.url);
    page = await TestPage.open({
      crossOriginIsolated: false,
      routes: {
        '/html/config.json': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><p>Sign in'),
        '/cut/config.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(CONFIG),
        '/cut/model.safetensors': (_req, res) => cutOff(res),
      },
    });
  });
  afterAll(async () => {
    await page?.close();
    await cors?.close();
    await hub?.close();
  });

  it('a Hub id downloads from {endpoint}/{id}/resolve/{revision}/{file}, with progress, and matches Hugging Face', async () => {
    const { logits, progress } = await load('org/tiny-cls', { hubEndpoint: cors.url });
    expect(maxAbsDiff(logits, fixtureExpected('tiny-cls').get('logits')!.data)).toBeLessThanOrEqual(1e-4);
    expect(hub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /org/tiny-cls/resolve/main/config.json',
      'GET /org/tiny-cls/resolve/main/model.safetensors',
      expect.stringMatching(/^GET \/cdn\/[0-9a-f]{64}$/),
    ]);
    // Every chunk is reported, in order, and each file ends complete.
    for (const [file, size] of [['config.json', CONFIG.length], ['model.safetensors', WEIGHTS.length]] as const) {
      const events = progress.filter((p) => p.file === file);
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((p, i) => p.total === size && (i === 0 || p.loaded > events[i - 1].loaded))).toBe(true);
      expect(events.at(-1)!.loaded).toBe(size);
    }
  });

  it('the second load comes from Cache Storage: no request reaches the Hub, same logits', async () => {
    const first = await load('org/tiny-cls', { hubEndpoint: cors.url });
    const before = cors.forwarded;
    await page.page.reload();
    const second = await load('org/tiny-cls', { hubEndpoint: cors.url });
    expect(cors.forwarded).toBe(before);
    expect(second.logits).toEqual(first.logits);
    expect(second.progress.filter((p) => p.loaded === p.total).map((p) => p.file)).toEqual(['config.json', 'model.safetensors']);
    expect(await page.run<string[]>(`return (await (await caches.open('roberta-ts-models')).keys()).map((r) => new URL(r.url).pathname);`)).toEqual(
      expect.arrayContaining(['/org/tiny-cls/resolve/main/config.json', '/org/tiny-cls/resolve/main/model.safetensors']),
    );
  });

  it.each([
    ['pytorch_model.bin', 'org/tiny-mlm-bin', ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin']],
    ['sharded safetensors', 'org/tiny-mlm-sharded', ['model.safetensors', 'model.safetensors.index.json', ...shardNames]],
  ])('%s from the Hub, in transformers\' order of preference, matches Hugging Face', async (_, id, weightFiles) => {
    const before = hub.requests.length;
    const { logits } = await load(id, { hubEndpoint: cors.url }, 'tiny-mlm');
    expect(maxAbsDiff(logits, fixtureExpected('tiny-mlm').get('logits')!.data)).toBeLessThanOrEqual(1e-4);
    const asked = hub.requests.slice(before).map((r) => r.path).filter((path) => !path.startsWith('/cdn/'));
    expect(asked).toEqual(['config.json', ...weightFiles].map((file) => `/${id}/resolve/main/${file}`));
  });

  it('a private repo loads with the token option (what HF_TOKEN is in Node), sent as a bearer token', async () => {
    const before = hub.requests.length;
    const { logits } = await load('org/private', { hubEndpoint: cors.url, token: 'hf_secret', useCache: false });
    expect(maxAbsDiff(logits, fixtureExpected('tiny-cls').get('logits')!.data)).toBeLessThanOrEqual(1e-4);
    const toRepo = hub.requests.slice(before).filter((r) => r.path.startsWith('/org/private/'));
    expect(toRepo.map((r) => r.headers.authorization)).toEqual(['Bearer hf_secret', 'Bearer hf_secret']);
  });

  it('AutoTokenizer loads from the Hub and gives transformers\' ids', async () => {
    const ids = await page.run<number[]>(
      `const tokenizer = await R.AutoTokenizer.fromPretrained('org/tiny-cls', { hubEndpoint: args.endpoint }); return tokenizer.encode(args.text).ids;`,
      { endpoint: cors.url, text: TOKENIZER_CASE.text },
    );
    expect(ids).toEqual(TOKENIZER_CASE.ids_with_special);
  });

  it('pipeline(task, id) classifies text as transformers does (softmax of HF\'s logits)', async () => {
    const before = hub.requests.length;
    const scores = await page.run<Array<{ label: string; score: number }>>(
      `const classify = await R.pipeline('text-classification', 'org/tiny-cls-text', { hubEndpoint: args.endpoint, useCache: false });
       const [scores] = await classify.run([args.text], { topK: null });
       classify.dispose();
       return scores;`,
      { endpoint: cors.url, text: TEXT_MODEL.texts[0] },
    );
    const logits = Array.from(fixtureExpected('tiny-cls').get('logits')!.data.slice(0, 4));
    const exps = logits.map((l) => Math.exp(l - Math.max(...logits)));
    const labels = (JSON.parse(CONFIG.toString()) as { id2label: Record<string, string> }).id2label;
    const want = new Map(exps.map((e, i) => [labels[i], e / exps.reduce((a, b) => a + b)]));
    expect(scores).toHaveLength(4);
    for (const { label, score } of scores) expect(Math.abs(score - want.get(label)!)).toBeLessThan(1e-5);
    // Tokenizer and model come from one folder: each file is fetched once.
    const paths = hub.requests.slice(before).map((r) => r.path);
    expect(paths.filter((path) => path.endsWith('/config.json'))).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);
  });

  const failures: Array<[string, () => [string, Record<string, unknown>], RegExp]> = [
    ['a repo the Hub does not have', () => ['org/missing', { hubEndpoint: cors.url }], /HubError: repository org\/missing not found \(HTTP 401 from 127\.0\.0\.1:\d+\), asked for 'config\.json' at revision 'main'/],
    ['a private repo without a token', () => ['org/private', { hubEndpoint: cors.url }], /HubError: repository org\/private not found \(HTTP 401 from 127\.0\.0\.1:\d+\).*set HF_TOKEN \(or the token option\) to an access token/],
    ['a folder without a model', () => [`${page.server.url}/test/fixtures/models/none`, {}], /HubError: http:\/\/127\.0\.0\.1:\d+\/test\/fixtures\/models\/none\/config\.json does not exist \(HTTP 404\): 'http:.*\/none' is not a model folder/],
    [
      'a server without CORS headers',
      () => ['org/tiny-cls', { hubEndpoint: hub.url, useCache: false }],
      /HubError: fetching http:\/\/127\.0\.0\.1:\d+\/org\/tiny-cls\/resolve\/main\/config\.json failed before any response \(Failed to fetch\): the server is unreachable, or it does not allow http:\/\/127\.0\.0\.1:\d+ to read it \(CORS: it must answer with Access-Control-Allow-Origin/,
    ],
    ['an HTML page instead of a file', () => [`${page.server.url}/html`, {}], /HubError: http:\/\/127\.0\.0\.1:\d+\/html\/config\.json answered with an HTML page \(Content-Type: text\/html; charset=utf-8\), not the file config\.json/],
    ['a download cut off', () => [`${page.server.url}/cut`, {}], new RegExp(`HubError: http://127\\.0\\.0\\.1:\\d+/cut/model\\.safetensors: the download ended after \\d+ of ${WEIGHTS.length} bytes`)],
  ];
  for (const [what, source, message] of failures) {
    it(`a clear error for ${what}`, async () => {
      const [id, options] = source();
      await expect(load(id, options)).rejects.toThrow(message);
    });
  }

  it('keeps nothing of a cut-off download in Cache Storage (its config.json, complete, is kept)', async () => {
    await expect(load(`${page.server.url}/cut`)).rejects.toThrow(/the download ended after/);
    const kept = await page.run<string[]>(`return (await (await caches.open('roberta-ts-models')).keys()).map((r) => new URL(r.url).pathname);`);
    expect(kept).toContain('/cut/config.json');
    expect(kept).not.toContain('/cut/model.safetensors');
  });
});
