// Processes sharing a cache take turns on each blob through `.locks/models--org--name/<etag>.node.lock`
// (hub/blobLock.ts): the one that waited finds the blob the other stored, and a lock left behind by
// a killed process is taken over.

import { mkdirSync, readdirSync, readFileSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveModelFile } from '../../hub/download.js';
import { runCliProcess } from '../cli/cliProcess.js';
import { tinyModelDir } from '../pipelines/tinyModelDir.js';
import { digestOfFile, FakeHub, gitBlobSha1, isolateHubEnv, readFixture, sha256 } from './fakeHub.js';

const MAIN = '6666666666666666666666666666666666666666';
const config = readFixture('models/tiny/config.json');
const weights = readFixture('models/tiny/model.safetensors'); // 213,184 bytes, served as an LFS file
const blobName = sha256(weights);
// A small tokenizer, so that the weights are the one long download.
const { dir: tokenizerDir } = tinyModelDir('tiny');
const vocab = readFileSync(join(tokenizerDir, 'vocab.json'));
const merges = readFileSync(join(tokenizerDir, 'merges.txt'));

let hub: FakeHub;
let env: ReturnType<typeof isolateHubEnv>;

beforeEach(async () => {
  hub = await FakeHub.start();
  hub.addRepo('org/tiny', {
    commits: {
      [MAIN]: {
        'config.json': { content: config },
        'vocab.json': { content: vocab },
        'merges.txt': { content: merges },
        'model.safetensors': { content: weights, lfs: true },
      },
    },
    refs: { main: MAIN },
  });
  env = isolateHubEnv(hub.url);
});

afterEach(async () => {
  env.restore();
  await hub.close();
});

const blobsDir = (): string => join(env.cacheDir, 'models--org--tiny', 'blobs');
const locksDir = (): string => join(env.cacheDir, '.locks', 'models--org--tiny');
const weightsLock = (): string => join(locksDir(), `${blobName}.node.lock`);

/** Sets a path's mtime `seconds` into the past. */
function age(path: string, seconds: number): void {
  const then = Date.now() / 1000 - seconds;
  utimesSync(path, then, then);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !condition(); await sleep(20)) {
    if (Date.now() - start > 10_000) throw new Error(`still waiting for ${what} after 10 s`);
  }
}

describe('the download lock', () => {
  it('waits while another process holds it, then uses the blob that process stored, downloading nothing', async () => {
    mkdirSync(weightsLock(), { recursive: true }); // held, and fresh: its holder is alive
    const writes: string[] = [];
    const progressStream = { isTTY: true, columns: 120, write: (text: string) => writes.push(text) };
    const download = resolveModelFile('org/tiny', 'model.safetensors', { progressStream });
    await until(() => writes.length > 0, 'the waiting message');
    expect(writes).toEqual([`waiting for another process downloading 'model.safetensors' (lock ${weightsLock()})\n`]);
    await sleep(600); // three polls of the lock
    expect(hub.requestsTo('GET')).toHaveLength(0);

    // The holder stores the blob and lets go.
    mkdirSync(blobsDir(), { recursive: true });
    writeFileSync(join(blobsDir(), blobName), weights);
    rmdirSync(weightsLock());
    const path = await download;
    expect(digestOfFile(path)).toBe(blobName);
    expect(hub.requestsTo('GET')).toHaveLength(0);
    expect(readdirSync(locksDir())).toEqual([]);
    expect(writes).toHaveLength(1); // no progress bar: nothing was downloaded
  });

  it('takes over the stale lock of a process killed mid-download and resumes its .incomplete file', async () => {
    mkdirSync(weightsLock(), { recursive: true });
    age(weightsLock(), 60); // not refreshed for a minute: its holder is gone
    mkdirSync(blobsDir(), { recursive: true });
    writeFileSync(join(blobsDir(), `${blobName}.incomplete`), weights.subarray(0, 100_000));

    const path = await resolveModelFile('org/tiny', 'model.safetensors', { quiet: true });
    expect(hub.requestsTo('GET', '/cdn/').map((r) => r.headers.range)).toEqual(['bytes=100000-']);
    expect(digestOfFile(path)).toBe(blobName);
    expect(readdirSync(blobsDir())).toEqual([blobName]);
    expect(readdirSync(locksDir())).toEqual([]);
  });

  it('stores nothing when its lock is taken over while it downloads', async () => {
    // About 6.5 s of body, past the holder's first refresh of the lock at 5 s.
    hub.throttle = { chunkBytes: 8192, intervalMs: 250 };
    let takenOver = false;
    const onProgress = (): void => {
      if (takenOver) return;
      takenOver = true;
      age(weightsLock(), 0.5); // what another process taking it over does: its own lock, its own mtime
    };
    await expect(resolveModelFile('org/tiny', 'model.safetensors', { quiet: true, onProgress })).rejects.toMatchObject({
      code: 'IntegrityError',
      message:
        `lost the lock ${weightsLock()} while downloading 'model.safetensors' of org/tiny ` +
        '(Unable to update lock within the stale threshold): another process may be downloading it now; ' +
        'nothing was stored, run again',
    });
    expect(readdirSync(blobsDir())).toEqual([`${blobName}.incomplete`]);
    expect(readdirSync(locksDir())).toEqual([`${blobName}.node.lock`]); // the new holder's
  });

  it('lets two roberta download processes started together fetch each file from the Hub once', async () => {
    // About 4 s of weights, so the second process asks for them while the first downloads them.
    hub.throttle = { chunkBytes: 16_384, intervalMs: 300 };
    const runs = await Promise.all([runCliProcess(['download', 'org/tiny']), runCliProcess(['download', 'org/tiny'])]);
    const snapshot = join(env.cacheDir, 'models--org--tiny', 'snapshots', MAIN);
    for (const run of runs) expect(run).toEqual({ code: 0, stdout: `${snapshot}\n`, stderr: '' });

    const weightsGets = hub.requestsTo('GET', '/cdn/');
    expect(weightsGets).toHaveLength(1);
    const weightsHeads = hub.requestsTo('HEAD', '/model.safetensors');
    expect(weightsHeads).toHaveLength(2);
    // Both processes asked for the weights before the one download of them ended, so the second
    // found no blob and waited on the lock, then found the blob the first one stored.
    for (const head of weightsHeads) expect(head.receivedAt).toBeLessThan(weightsGets[0].finishedAt as number);
    expect(hub.requestsTo('GET').map((r) => basename(r.path)).sort()).toEqual(
      ['config.json', 'merges.txt', 'vocab.json', blobName].sort(),
    );

    expect(readdirSync(blobsDir()).sort()).toEqual(
      [gitBlobSha1(config), gitBlobSha1(vocab), gitBlobSha1(merges), blobName].sort(),
    );
    expect(digestOfFile(join(blobsDir(), blobName))).toBe(blobName);
    expect(digestOfFile(join(snapshot, 'model.safetensors'))).toBe(blobName);
    expect(readdirSync(locksDir())).toEqual([]);
  });
});
