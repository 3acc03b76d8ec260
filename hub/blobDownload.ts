import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { acquireBlobLock, type BlobLock } from './blobLock.js';
import { HubError, httpError } from './errors.js';
import { type HttpContext, Watchdog, hubRequest, networkError } from './hubHttp.js';
import { createProgressSink, progressTerminal, type ProgressSinkOptions } from './progress.js';

export interface BlobRequest {
  readonly context: HttpContext;
  /** Where the bytes are (the Hub, or the CDN the Hub redirected to). */
  readonly url: URL;
  readonly blobPath: string;
  readonly incompletePath: string;
  /** Held by the one process downloading this blob (see blobLock.ts). */
  readonly lockPath: string;
  readonly etag: string;
  /** The size the Hub announced; the download must end exactly there. */
  readonly size: number | undefined;
  readonly progress: ProgressSinkOptions;
}

// Each retry must make progress, so a server that always drops the connection still ends.
const MAX_ATTEMPTS = 5;
const SHA256 = /^[0-9a-f]{64}$/;

const inFlight = new Map<string, Promise<void>>();

/**
 * Downloads a blob into `blobs/<etag>.incomplete` and renames it to `blobs/<etag>` only once its
 * size (and, for LFS files, whose ETag is the sha256, its hash) is right: an interrupted or failed
 * download never leaves a blob that looks complete. The `.incomplete` file is kept on a network
 * failure and resumed with `Range` next time, by this process or by Python, which uses the same name.
 * Two calls in one process for the same blob share one download; two processes take turns through
 * the blob's lock, and the second finds the blob there and downloads nothing.
 */
export function downloadBlob(request: BlobRequest): Promise<void> {
  const running = inFlight.get(request.blobPath);
  if (running !== undefined) return running;
  const download = runDownload(request).finally(() => inFlight.delete(request.blobPath));
  inFlight.set(request.blobPath, download);
  return download;
}

async function sizeOnDisk(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

async function runDownload(request: BlobRequest): Promise<void> {
  const { blobPath, lockPath } = request;
  const lock = await acquireBlobLock(lockPath, () => {
    const file = request.context.target.file;
    progressTerminal(request.progress)?.write(`waiting for another process downloading '${file}' (lock ${lockPath})\n`);
  });
  try {
    // The process that held the lock may have stored the blob meanwhile.
    if ((await stat(blobPath).catch(() => undefined))?.isFile() === true) return;
    await fetchIncomplete(request);
    await verifyAndStore(request, lock);
  } finally {
    await lock.release();
  }
}

/** Fills the `.incomplete` file up to the announced size, resuming what is there, retrying while each attempt makes progress. */
async function fetchIncomplete(request: BlobRequest): Promise<void> {
  const { incompletePath, size } = request;
  await mkdir(dirname(incompletePath), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    let before = await sizeOnDisk(incompletePath);
    if (size !== undefined && before > size) {
      // Longer than the file can be: not a prefix of it.
      await rm(incompletePath, { force: true });
      before = 0;
    }
    if (size !== undefined && before === size) return;

    let failure: HubError;
    try {
      const outcome = await fetchInto(request, before);
      if (outcome === 'complete') return;
      if (outcome.restart && attempt < MAX_ATTEMPTS) continue;
      failure = outcome.failure;
    } catch (error) {
      if (!(error instanceof HubError && error.code === 'NetworkError')) throw error;
      failure = error;
    }
    const after = await sizeOnDisk(incompletePath);
    if (after === before || attempt >= MAX_ATTEMPTS) {
      const file = request.context.target.file;
      throw new HubError(
        'NetworkError',
        `${failure.message}. ${after} of ${size ?? 'an unknown number of'} bytes of '${file}' are kept in ` +
          `${incompletePath}: run again to resume`,
        { cause: failure },
      );
    }
  }
}

/** `restart`: the partial file was unusable and is gone, so the next attempt starts from byte 0. */
type FetchOutcome = 'complete' | { readonly failure: HubError; readonly restart: boolean };

/** The start offset of `Content-Range: bytes <start>-<end>/<total>`. */
function rangeStart(contentRange: string | null): number | undefined {
  const match = contentRange === null ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange.trim());
  return match === null ? undefined : Number(match[1]);
}

/** One GET from `offset`; the body is appended to the `.incomplete` file as it arrives. */
async function fetchInto(request: BlobRequest, offset: number): Promise<FetchOutcome> {
  const { context, incompletePath, size } = request;
  const file = context.target.file;
  const doing = `downloading '${file}'`;
  const watchdog = new Watchdog(context.timeoutMs);
  try {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const { response, url, tokenSent } = await hubRequest(request.url, 'GET', context, watchdog, { headers, doing });
    if (response.status === 416) {
      // The partial file does not fit what is served now: start again from nothing.
      await response.body?.cancel();
      await rm(incompletePath, { force: true });
      const failure = new HubError('NetworkError', `${url.host} refused to resume '${file}' at byte ${offset} (HTTP 416)`);
      return { failure, restart: true };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw httpError(response, url, context.target, tokenSent);
    }
    // A 200 to a Range request means the server ignored the range and sends the whole file.
    const resuming = response.status === 206;
    if (resuming && rangeStart(response.headers.get('content-range')) !== offset) {
      await response.body?.cancel();
      await rm(incompletePath, { force: true });
      const failure = new HubError('NetworkError', `${url.host} answered a different range than bytes=${offset}-`);
      return { failure, restart: true };
    }

    let downloaded = resuming ? offset : 0;
    const contentLength = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = size ?? (Number.isFinite(contentLength) ? downloaded + contentLength : undefined);
    const progress = createProgressSink(file, total, downloaded, request.progress);
    const handle = await open(incompletePath, resuming ? 'a' : 'w');
    try {
      if (response.body !== null) {
        for await (const chunk of response.body) {
          watchdog.kick();
          await handle.write(chunk);
          downloaded += chunk.length;
          progress.update(downloaded);
        }
      }
    } catch (error) {
      throw networkError(error, url, watchdog, doing);
    } finally {
      await handle.close();
      progress.finish(downloaded);
    }
    if (size !== undefined && downloaded < size) {
      return { failure: new HubError('NetworkError', `${url.host} ended the body of '${file}' early`), restart: false };
    }
    return 'complete';
  } finally {
    watchdog.stop();
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verifyAndStore(request: BlobRequest, lock: BlobLock): Promise<void> {
  const { incompletePath, size, etag } = request;
  const { repoId, file } = request.context.target;
  const actualSize = await sizeOnDisk(incompletePath);
  let problem: string | undefined;
  if (size !== undefined && actualSize !== size) {
    problem = `${actualSize} bytes arrived but the Hub announced ${size}`;
  } else if (SHA256.test(etag)) {
    const digest = await sha256Of(incompletePath);
    if (digest !== etag) problem = `its sha256 is ${digest} but the Hub announced ${etag}`;
  }
  const lost = lock.lost();
  if (lost !== undefined) {
    // Another process may be resuming the same `.incomplete` file: it is theirs now, to keep or delete.
    throw new HubError(
      'IntegrityError',
      `lost the lock ${request.lockPath} while downloading '${file}' of ${repoId} (${lost.message}): ` +
        'another process may be downloading it now; nothing was stored, run again',
      { cause: lost },
    );
  }
  if (problem !== undefined) {
    await rm(incompletePath, { force: true });
    throw new HubError(
      'IntegrityError',
      `downloaded '${file}' of ${repoId} is corrupt: ${problem}. The partial file was deleted; run again to download it afresh`,
    );
  }
  await rename(incompletePath, request.blobPath);
}
