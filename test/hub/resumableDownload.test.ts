import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DownloadProgress, resolveModelFile } from '../../hub/download.js';
import { digestOfFile, FakeHub, isolateHubEnv, readFixture, sha256 } from './fakeHub.js';

const MAIN = '3333333333333333333333333333333333333333';
const weights = readFixture('models/tiny/model.safetensors'); // 213,184 bytes, served as an LFS file
const blobName = sha256(weights);

let hub: FakeHub;
let env: ReturnType<typeof isolateHubEnv>;

beforeEach(async () => {
  hub = await FakeHub.start();
  hub.addRepo('org/tiny', {
    commits: { [MAIN]: { 'model.safetensors': { content: weights, lfs: true } } },
    refs: { main: MAIN },
  });
  env = isolateHubEnv(hub.url);
});

afterEach(async () => {
  env.restore();
  await hub.close();
});

const blobsDir = (): string => join(env.cacheDir, 'models--org--tiny', 'blobs');
const incomplete = (): string => join(blobsDir(), `${blobName}.incomplete`);
const snapshotFile = (): string => join(env.cacheDir, 'models--org--tiny', 'snapshots', MAIN, 'model.safetensors');
const rangesSeen = (): (string | undefined)[] => hub.requestsTo('GET', '/cdn/').map((r) => r.headers.range);

/** Cut the connection each time the client has written a multiple of `step` bytes (see FakeHub.cut). */
const cutEvery = (step: number) => ({
  quiet: true,
  onProgress: (p: DownloadProgress) => {
    if (p.loaded % step === 0) hub.dropStalled();
  },
});

describe('resumable downloads', () => {
  it('leaves only a .incomplete file when every attempt is cut, then resumes it with Range', async () => {
    hub.cut = { count: 5, afterBytes: 20_000 };
    await expect(resolveModelFile('org/tiny', 'model.safetensors', cutEvery(20_000))).rejects.toMatchObject({
      code: 'NetworkError',
      message: expect.stringMatching(
        /network error while downloading 'model\.safetensors' from 127\.0\.0\.1:\d+ .*run again to resume/,
      ),
    });
    // Each of the 5 attempts made progress and resumed where the previous one stopped.
    expect(rangesSeen()).toEqual([undefined, 'bytes=20000-', 'bytes=40000-', 'bytes=60000-', 'bytes=80000-']);
    expect(readdirSync(blobsDir())).toEqual([`${blobName}.incomplete`]);
    expect(existsSync(snapshotFile())).toBe(false);
    const kept = statSync(incomplete()).size;
    expect(kept).toBe(100_000);

    hub.requests.length = 0;
    const path = await resolveModelFile('org/tiny', 'model.safetensors', { quiet: true });
    expect(rangesSeen()).toEqual([`bytes=${kept}-`]);
    expect(digestOfFile(path)).toBe(blobName);
    expect(readdirSync(blobsDir())).toEqual([blobName]);
  });

  it('resumes within the same call after a dropped connection', async () => {
    hub.cut = { count: 1, afterBytes: 50_000 };
    const path = await resolveModelFile('org/tiny', 'model.safetensors', cutEvery(50_000));
    expect(rangesSeen()).toEqual([undefined, 'bytes=50000-']);
    expect(digestOfFile(path)).toBe(blobName);
  });

  it('starts over when the server ignores Range and sends the whole file with a 200', async () => {
    hub.cut = { count: 5, afterBytes: 10_000 };
    await expect(resolveModelFile('org/tiny', 'model.safetensors', cutEvery(10_000))).rejects.toThrow(
      'run again to resume',
    );
    hub.requests.length = 0;
    hub.ignoreRange = true;
    const path = await resolveModelFile('org/tiny', 'model.safetensors', { quiet: true });
    expect(rangesSeen()).toEqual(['bytes=50000-']);
    expect(digestOfFile(path)).toBe(blobName); // not 50,000 stale bytes followed by the whole file
  });

  it('refuses a body whose sha256 differs from the ETag and keeps nothing of it', async () => {
    hub.corruptBodies = true;
    await expect(resolveModelFile('org/tiny', 'model.safetensors', { quiet: true })).rejects.toMatchObject({
      code: 'IntegrityError',
      message: expect.stringContaining(`downloaded 'model.safetensors' of org/tiny is corrupt: its sha256 is`),
    });
    expect(readdirSync(blobsDir())).toEqual([]);
    expect(existsSync(snapshotFile())).toBe(false);

    hub.corruptBodies = false;
    expect(digestOfFile(await resolveModelFile('org/tiny', 'model.safetensors', { quiet: true }))).toBe(blobName);
  });

  it('reports progress up to the announced size', async () => {
    const seen: number[] = [];
    await resolveModelFile('org/tiny', 'model.safetensors', {
      quiet: true,
      onProgress: (p) => {
        expect(p).toMatchObject({ file: 'model.safetensors', total: weights.length });
        seen.push(p.loaded);
      },
    });
    expect(seen.at(-1)).toBe(weights.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('draws the bar on the given terminal stream and ends it at 100%', async () => {
    const writes: string[] = [];
    const progressStream = { isTTY: true, columns: 120, write: (text: string) => writes.push(text) };
    await resolveModelFile('org/tiny', 'model.safetensors', { progressStream });
    expect(writes.at(-1)).toBe('\n');
    expect(writes.at(-2)).toMatch(/^\rmodel\.safetensors 100% \|█{30}\| 213\.2 kB\/213\.2 kB .* ETA 0:00\x1b\[K$/);
  });

  it('shares one download between concurrent calls for the same file', async () => {
    const [a, b] = await Promise.all([
      resolveModelFile('org/tiny', 'model.safetensors', { quiet: true }),
      resolveModelFile('org/tiny', 'model.safetensors', { quiet: true }),
    ]);
    expect(a).toBe(b);
    expect(hub.requestsTo('GET', '/cdn/')).toHaveLength(1);
    expect(digestOfFile(a)).toBe(blobName);
  });
});
