import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { downloadRobertaSnapshot, resolveModelDir, snapshotDownload } from '../../hub/download.js';
import { digestOfFile, FakeHub, gitBlobSha1, isolateHubEnv, readFixture, type RepoFile, sha256 } from './fakeHub.js';

const MAIN = '5555555555555555555555555555555555555555';
const config = readFixture('models/tiny/config.json');
const weights = readFixture('models/tiny/model.safetensors');
const vocab = readFixture('roberta-base-tokenizer/vocab.json');
const merges = readFixture('roberta-base-tokenizer/merges.txt');
// From test/fixtures/README.md: the git blob ids, i.e. the ETags the Hub serves for these files.
const VOCAB_GIT_ID = '5606f48548d99a9829d10a96cd364b816b02cd21';
const MERGES_GIT_ID = '226b0752cac7789c48f0cb3ec53eda48b7be36cc';

let hub: FakeHub;
let env: ReturnType<typeof isolateHubEnv>;

function addRepo(id: string, files: Record<string, RepoFile>): void {
  hub.addRepo(id, { commits: { [MAIN]: files }, refs: { main: MAIN } });
}

const base = { 'config.json': { content: config }, 'vocab.json': { content: vocab }, 'merges.txt': { content: merges } };

beforeEach(async () => {
  hub = await FakeHub.start();
  env = isolateHubEnv(hub.url);
});

afterEach(async () => {
  env.restore();
  await hub.close();
});

/** The file names asked of the Hub (HEAD or GET), in order. */
const requested = (): string[] =>
  hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path.split('/').pop() as string);

describe('downloadRobertaSnapshot', () => {
  it('fetches config, the tokenizer files that exist and model.safetensors, and nothing else', async () => {
    addRepo('org/roberta', {
      ...base,
      'model.safetensors': { content: weights, lfs: true },
      'pytorch_model.bin': { content: Buffer.from('pickle'), lfs: true },
    });
    const dir = await downloadRobertaSnapshot('org/roberta', { quiet: true });
    expect(dir).toBe(join(env.cacheDir, 'models--org--roberta', 'snapshots', MAIN));
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'merges.txt', 'model.safetensors', 'vocab.json']);
    expect(digestOfFile(join(dir, 'model.safetensors'))).toBe(sha256(weights));
    expect(readdirSync(join(env.cacheDir, 'models--org--roberta', 'blobs')).sort()).toEqual(
      [gitBlobSha1(config), MERGES_GIT_ID, VOCAB_GIT_ID, sha256(weights)].sort(),
    );
    expect(requested()).not.toContain('pytorch_model.bin');
    expect(requested()).not.toContain('model.safetensors.index.json');
    // The optional tokenizer files the repo lacks are remembered as absent, as Python does.
    expect(readdirSync(join(env.cacheDir, 'models--org--roberta', '.no_exist', MAIN)).sort()).toEqual([
      'added_tokens.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('downloads the shards a safetensors index names', async () => {
    const shard1 = weights.subarray(0, 100_000);
    const shard2 = weights.subarray(100_000);
    const index = {
      metadata: { total_size: weights.length },
      weight_map: {
        a: 'model-00001-of-00002.safetensors',
        b: 'model-00002-of-00002.safetensors',
        c: 'model-00001-of-00002.safetensors',
      },
    };
    addRepo('org/sharded', {
      ...base,
      'model.safetensors.index.json': { content: Buffer.from(JSON.stringify(index)) },
      'model-00001-of-00002.safetensors': { content: shard1, lfs: true },
      'model-00002-of-00002.safetensors': { content: shard2, lfs: true },
    });
    const dir = await downloadRobertaSnapshot('org/sharded', { quiet: true });
    expect(digestOfFile(join(dir, 'model-00001-of-00002.safetensors'))).toBe(sha256(shard1));
    expect(digestOfFile(join(dir, 'model-00002-of-00002.safetensors'))).toBe(sha256(shard2));
    expect(requested()).not.toContain('pytorch_model.bin');
  });

  it('falls back to pytorch_model.bin', async () => {
    addRepo('org/pt', { ...base, 'pytorch_model.bin': { content: Buffer.from('pickle bytes'), lfs: true } });
    const dir = await downloadRobertaSnapshot('org/pt', { quiet: true });
    expect(readFileSync(join(dir, 'pytorch_model.bin'), 'utf8')).toBe('pickle bytes');
  });

  it('says which weights it looked for when there are none', async () => {
    addRepo('org/noweights', base);
    await expect(downloadRobertaSnapshot('org/noweights', { quiet: true })).rejects.toThrow(
      "org/noweights (revision 'main') has no weights: " +
        'none of model.safetensors, model.safetensors.index.json, pytorch_model.bin',
    );
  });

  it('requires a tokenizer', async () => {
    addRepo('org/notok', { 'config.json': { content: config }, 'vocab.json': { content: vocab } });
    await expect(downloadRobertaSnapshot('org/notok', { quiet: true })).rejects.toThrow(
      "org/notok (revision 'main') has no tokenizer: neither tokenizer.json nor both vocab.json and merges.txt",
    );
  });

  it('rejects a shard index that names a path outside the snapshot', async () => {
    addRepo('org/evil', {
      ...base,
      'model.safetensors.index.json': { content: Buffer.from(JSON.stringify({ weight_map: { a: '../../escape' } })) },
    });
    await expect(downloadRobertaSnapshot('org/evil', { quiet: true })).rejects.toThrow(
      "'../../escape' is not a valid file path in org/evil",
    );
  });

  it('says on one line what is wrong with a shard index that is not JSON or not an object', async () => {
    addRepo('org/badjson', { ...base, 'model.safetensors.index.json': { content: Buffer.from('{\n  "weight_map": {\n') } });
    const notJson = downloadRobertaSnapshot('org/badjson', { quiet: true });
    await expect(notJson).rejects.toMatchObject({ code: 'IntegrityError', message: expect.stringMatching(/model\.safetensors\.index\.json is not valid JSON: [^\n]+$/) });
    addRepo('org/nullindex', { ...base, 'model.safetensors.index.json': { content: Buffer.from('null') } });
    await expect(downloadRobertaSnapshot('org/nullindex', { quiet: true })).rejects.toThrow(/model\.safetensors\.index\.json has no "weight_map" object/);
  });

  it('works offline from the cache, and says what is missing when the cache lacks weights', async () => {
    addRepo('org/roberta', { ...base, 'model.safetensors': { content: weights, lfs: true } });
    const online = await downloadRobertaSnapshot('org/roberta', { quiet: true });
    hub.requests.length = 0;
    expect(await downloadRobertaSnapshot('org/roberta', { offline: true })).toBe(online);
    expect(hub.requests).toHaveLength(0);

    addRepo('org/partial', { ...base, 'model.safetensors': { content: weights, lfs: true } });
    await snapshotDownload('org/partial', { files: ['config.json', 'vocab.json', 'merges.txt'], quiet: true });
    await expect(downloadRobertaSnapshot('org/partial', { offline: true })).rejects.toMatchObject({
      code: 'NotInCache',
      message: expect.stringContaining(
        `org/partial (revision 'main'): the cache ${env.cacheDir} has no weights: none of model.safetensors, ` +
          'model.safetensors.index.json, pytorch_model.bin; offline mode is on (offline option)',
      ),
    });
  });
});

describe('resolveModelDir', () => {
  it('returns an existing directory as it is, without touching the network', async () => {
    const local = join(env.root, 'my-model');
    mkdirSync(local);
    expect(await resolveModelDir(local)).toBe(local);
    expect(hub.requests).toHaveLength(0);
  });

  it('downloads a repo id', async () => {
    addRepo('org/roberta', { ...base, 'model.safetensors': { content: weights, lfs: true } });
    const dir = await resolveModelDir('org/roberta', { quiet: true });
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  });

  it('explains what it expected for anything else', async () => {
    const file = join(env.root, 'weights.bin');
    writeFileSync(file, 'x');
    await expect(resolveModelDir(file)).rejects.toThrow(`'${file}' is a file; expected a model directory or a Hub repo id`);
    await expect(resolveModelDir('./no/such/dir')).rejects.toThrow(
      "'./no/such/dir' is neither an existing directory nor a Hugging Face repo id",
    );
    await expect(resolveModelDir('org/missing')).rejects.toThrow(
      /repository org\/missing not found .* \(and there is no local directory 'org\/missing'\)$/,
    );
  });
});
