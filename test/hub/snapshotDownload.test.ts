import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveModelFile, snapshotDownload } from '../../hub/download.js';
import { digestOfFile, FakeHub, gitBlobSha1, isolateHubEnv, readFixture, sha256 } from './fakeHub.js';

// Git blob ids of the roberta-base files, as published in test/fixtures/README.md: the ETags the real Hub sends.
const ROBERTA_BASE_CONFIG_GIT_ID = '8db5e7ac5bfc9ec8b613b776009300fe3685d957';
const MAIN = '1111111111111111111111111111111111111111';
const V1 = '2222222222222222222222222222222222222222';

const tinyConfig = readFixture('models/tiny/config.json');
const tinyWeights = readFixture('models/tiny/model.safetensors');
const baseConfig = readFixture('roberta-base-tokenizer/config.json');

let hub: FakeHub;
let env: ReturnType<typeof isolateHubEnv>;

beforeEach(async () => {
  hub = await FakeHub.start();
  hub.addRepo('org/tiny', {
    commits: {
      [MAIN]: { 'config.json': { content: tinyConfig }, 'model.safetensors': { content: tinyWeights, lfs: true } },
      [V1]: { 'config.json': { content: baseConfig } },
    },
    refs: { main: MAIN, v1: V1 },
  });
  env = isolateHubEnv(hub.url);
});

afterEach(async () => {
  env.restore();
  await hub.close();
});

const repoDir = (): string => join(env.cacheDir, 'models--org--tiny');

describe('snapshotDownload', () => {
  it('writes the huggingface_hub layout: blobs named by ETag, relative symlinks, refs/main', async () => {
    const dir = await snapshotDownload('org/tiny', {
      files: ['config.json', 'model.safetensors'],
      optionalFiles: ['tokenizer_config.json'],
      quiet: true,
    });
    expect(dir).toBe(join(repoDir(), 'snapshots', MAIN));

    const configBlob = gitBlobSha1(tinyConfig);
    const weightsBlob = sha256(tinyWeights);
    expect(readFileSync(join(repoDir(), 'blobs', configBlob))).toEqual(tinyConfig);
    expect(digestOfFile(join(repoDir(), 'blobs', weightsBlob))).toBe(weightsBlob);

    expect(lstatSync(join(dir, 'config.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'config.json'))).toBe(`../../blobs/${configBlob}`);
    expect(readlinkSync(join(dir, 'model.safetensors'))).toBe(`../../blobs/${weightsBlob}`);
    expect(digestOfFile(join(dir, 'model.safetensors'))).toBe(weightsBlob);

    expect(readFileSync(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(MAIN); // no trailing newline, as Python writes it
    expect(existsSync(join(repoDir(), '.no_exist', MAIN, 'tokenizer_config.json'))).toBe(true);
    expect(existsSync(join(dir, 'tokenizer_config.json'))).toBe(false);
  });

  it('fetches the LFS body from the CDN redirect, with no other request for it', async () => {
    await snapshotDownload('org/tiny', { files: ['model.safetensors'], quiet: true });
    expect(hub.requestsTo('GET', '/resolve/')).toHaveLength(0);
    expect(hub.requestsTo('GET', `/cdn/${sha256(tinyWeights)}`)).toHaveLength(1);
  });

  it('reuses the cache: a second call only asks which commit main is, and downloads nothing', async () => {
    const options = { files: ['config.json', 'model.safetensors'], optionalFiles: ['tokenizer_config.json'], quiet: true };
    const first = await snapshotDownload('org/tiny', options);
    hub.requests.length = 0;
    const second = await snapshotDownload('org/tiny', options);
    expect(second).toBe(first);
    expect(hub.requestsTo('GET')).toHaveLength(0);
    // main is a branch: one HEAD resolves it; the rest is then read from the snapshot of that commit,
    // including the recorded absence of tokenizer_config.json.
    expect(hub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /org/tiny/resolve/main/config.json`]);
  });

  it('pins a tag to its commit and a commit needs no ref', async () => {
    const tagged = await resolveModelFile('org/tiny', 'config.json', { revision: 'v1', quiet: true });
    expect(tagged).toBe(join(repoDir(), 'snapshots', V1, 'config.json'));
    expect(readFileSync(tagged)).toEqual(baseConfig);
    expect(readlinkSync(tagged)).toBe(`../../blobs/${ROBERTA_BASE_CONFIG_GIT_ID}`);
    expect(readFileSync(join(repoDir(), 'refs', 'v1'), 'utf8')).toBe(V1);

    const pinned = await resolveModelFile('org/tiny', 'config.json', { revision: MAIN, quiet: true });
    expect(readFileSync(pinned)).toEqual(tinyConfig);
    expect(existsSync(join(repoDir(), 'refs', MAIN))).toBe(false);

    hub.requests.length = 0;
    expect(await resolveModelFile('org/tiny', 'config.json', { revision: MAIN, quiet: true })).toBe(pinned);
    expect(hub.requests).toHaveLength(0); // a cached commit is immutable: no request at all
  });

  it('requests later files at the commit the first one resolved to', async () => {
    await snapshotDownload('org/tiny', { files: ['config.json', 'model.safetensors'], quiet: true });
    expect(hub.requests.map((r) => `${r.method} ${r.path}`).filter((r) => r.includes('/resolve/'))).toEqual([
      'HEAD /org/tiny/resolve/main/config.json',
      'GET /org/tiny/resolve/main/config.json',
      `HEAD /org/tiny/resolve/${MAIN}/model.safetensors`,
    ]);
  });

  it('reuses a cache laid out by Python huggingface_hub', async () => {
    // What `hf_hub_download('org/tiny', 'config.json')` leaves behind, built by hand.
    const etag = gitBlobSha1(tinyConfig);
    mkdirSync(join(repoDir(), 'blobs'), { recursive: true });
    writeFileSync(join(repoDir(), 'blobs', etag), tinyConfig);
    mkdirSync(join(repoDir(), 'refs'), { recursive: true });
    writeFileSync(join(repoDir(), 'refs', 'main'), MAIN);
    mkdirSync(join(repoDir(), 'snapshots', MAIN), { recursive: true });
    symlinkSync(`../../blobs/${etag}`, join(repoDir(), 'snapshots', MAIN, 'config.json'));

    const path = await resolveModelFile('org/tiny', 'config.json', { quiet: true });
    expect(path).toBe(join(repoDir(), 'snapshots', MAIN, 'config.json'));
    expect(hub.requestsTo('GET')).toHaveLength(0);

    process.env.HF_HUB_OFFLINE = '1';
    hub.requests.length = 0;
    expect(await resolveModelFile('org/tiny', 'config.json', { quiet: true })).toBe(path);
    expect(hub.requests).toHaveLength(0);
  });

  it('links a file to a blob already cached for another commit without downloading it', async () => {
    hub.addRepo('org/same', {
      commits: { [MAIN]: { 'config.json': { content: tinyConfig } }, [V1]: { 'config.json': { content: tinyConfig } } },
      refs: { main: MAIN, v1: V1 },
    });
    await resolveModelFile('org/same', 'config.json', { quiet: true });
    hub.requests.length = 0;
    const path = await resolveModelFile('org/same', 'config.json', { revision: 'v1', quiet: true });
    expect(path).toBe(join(env.cacheDir, 'models--org--same', 'snapshots', V1, 'config.json'));
    expect(readFileSync(path)).toEqual(tinyConfig);
    expect(hub.requestsTo('GET')).toHaveLength(0);
  });

  it('follows the relative redirect of a renamed repo and caches under the name asked for', async () => {
    hub.rename('tiny-legacy', 'org/tiny');
    const path = await resolveModelFile('tiny-legacy', 'config.json', { quiet: true });
    expect(path).toBe(join(env.cacheDir, 'models--tiny-legacy', 'snapshots', MAIN, 'config.json'));
    expect(readFileSync(path)).toEqual(tinyConfig);
  });

  it('rejects a call that asks for no file, and file names that climb out of the snapshot', async () => {
    await expect(snapshotDownload('org/tiny', {})).rejects.toThrow('no files asked for');
    await expect(resolveModelFile('org/tiny', '../escape.json')).rejects.toThrow(
      "'../escape.json' is not a valid file path in org/tiny",
    );
    await expect(resolveModelFile('org/tiny', 'config.json', { revision: '../x' })).rejects.toThrow(
      "'../x' is not a valid revision",
    );
    await expect(resolveModelFile('not a repo', 'config.json')).rejects.toThrow("'not a repo' is not a Hugging Face repo id");
  });
});

describe('offline', () => {
  it('serves a cached snapshot without any request when HF_HUB_OFFLINE=1', async () => {
    const options = {
      files: ['config.json', 'model.safetensors'],
      optionalFiles: ['tokenizer_config.json', 'vocab.json'],
      quiet: true,
    };
    const online = await snapshotDownload('org/tiny', { ...options, optionalFiles: ['tokenizer_config.json'] });
    process.env.HF_HUB_OFFLINE = '1';
    hub.requests.length = 0;
    // vocab.json was never fetched: offline, an optional file missing from the cache counts as absent.
    expect(await snapshotDownload('org/tiny', options)).toBe(online);
    expect(hub.requests).toHaveLength(0);
  });

  it('names the repo, revision and file when a needed file is not cached', async () => {
    await resolveModelFile('org/tiny', 'config.json', { quiet: true });
    process.env.HF_HUB_OFFLINE = 'true';
    await expect(resolveModelFile('org/tiny', 'model.safetensors')).rejects.toMatchObject({
      code: 'NotInCache',
      message: expect.stringContaining(
        `cannot get 'model.safetensors' of org/tiny (revision 'main'): offline mode is on (HF_HUB_OFFLINE), ` +
          `and it is not in the cache ${env.cacheDir} (snapshot ${MAIN})`,
      ),
    });
    await expect(resolveModelFile('org/other', 'config.json', { revision: 'v2' })).rejects.toThrow(
      `cannot get 'config.json' of org/other (revision 'v2'): offline mode is on (HF_HUB_OFFLINE), ` +
        `and no snapshot of revision 'v2' is in the cache ${env.cacheDir}`,
    );
    expect(hub.requests.filter((r) => r.path.includes('model.safetensors') || r.path.includes('org/other'))).toHaveLength(0);
  });

  it('honours the offline option over the environment', async () => {
    await expect(resolveModelFile('org/tiny', 'config.json', { offline: true })).rejects.toThrow(
      'offline mode is on (offline option)',
    );
    process.env.HF_HUB_OFFLINE = '1';
    expect(readFileSync(await resolveModelFile('org/tiny', 'config.json', { offline: false, quiet: true }))).toEqual(
      tinyConfig,
    );
  });

  it('falls back to the cache when the Hub cannot be reached, as huggingface_hub does', async () => {
    const path = await resolveModelFile('org/tiny', 'config.json', { quiet: true });
    await hub.close();
    expect(await resolveModelFile('org/tiny', 'config.json', { quiet: true })).toBe(path);
  });
});
