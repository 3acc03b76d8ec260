// Fetching one file of a model folder in a browser: from Cache Storage when an earlier visit kept
// it (as transformers.js does), else over the network, streamed into one buffer of the announced
// size — never `arrayBuffer()` next to a copy — with progress on every chunk, and into the cache
// at the same time. The answer "no such file" is kept too, so that a second visit needs no
// network even for the optional files a model lacks.
//
// Errors say what happened in the words the Node loader uses: a Hub repo's answers go through
// hub/errors.ts (which of repo, revision or file is missing; token hints), a plain folder's name
// the URL and the HTTP status, a fetch that fails without a response says that it may be CORS
// (the browser does not tell a page which), and an HTML page or a short body is refused.

import { HubError, displayUrl, httpError } from '../hub/errors.js';
import type { RemoteFolder } from './remoteFolder.js';

/** The Cache Storage bucket downloads are kept in. */
export const CACHE_NAME = 'roberta-ts-models';

/** Cache Storage, as far as it is used here (this project compiles without the DOM types). */
interface ModelCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}
interface CacheScope {
  caches?: { open(name: string): Promise<ModelCache> };
  location?: { origin: string };
}
const scope = globalThis as unknown as CacheScope;

/** The file's bytes, or undefined when the server says it does not exist. */
export async function downloadFile(folder: RemoteFolder, name: string): Promise<Uint8Array | undefined> {
  const url = `${folder.base}/${name}`;
  const cache = folder.options.useCache !== false && scope.caches ? await scope.caches.open(CACHE_NAME) : undefined;
  const cached = await cache?.match(url);
  if (cached) return cached.status === 404 ? undefined : readBody(cached, url, folder, name);

  const token = folder.options.token;
  let response: Response;
  try {
    response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  } catch (error) {
    const origin = scope.location?.origin ?? 'this page';
    throw new HubError(
      'NetworkError',
      `fetching ${url} failed before any response (${(error as Error).message}): the server is unreachable, or it does not allow ` +
        `${origin} to read it (CORS: it must answer with Access-Control-Allow-Origin; the browser console says which)`,
      { cause: error },
    );
  }
  if (!response.ok) {
    const failure = folder.hub
      ? httpError(response, new URL(response.url || url), { ...folder.hub, commit: undefined, file: name }, token !== undefined)
      : response.status === 404
        ? new HubError('EntryNotFound', `${url} does not exist (HTTP 404)`)
        : new HubError('HttpError', `fetching ${url} failed: HTTP ${response.status} ${response.statusText}`);
    if (failure.code !== 'EntryNotFound') throw failure;
    await cache?.put(url, new Response(null, { status: 404 }));
    return undefined;
  }
  const type = response.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) {
    throw new HubError(
      'IntegrityError',
      `${displayUrl(new URL(response.url || url))} answered with an HTML page (Content-Type: ${type}), not the file ${name}: ` +
        `is ${folder.base} the folder that holds the model's files?`,
    );
  }
  if (!cache || !response.body) return readBody(response, url, folder, name);
  // One stream read twice, chunk by chunk: into the cache and into our buffer, with no copy of the
  // whole file between them. A body that fails midway fails the put too, so nothing partial is kept.
  // The read's error is the one to report; a put that fails alone (storage quota) costs only the
  // next visit a download, so the load goes on.
  const [forCache, forUs] = response.body.tee();
  const [, read] = await Promise.allSettled([cache.put(url, new Response(forCache, response)), readBody(new Response(forUs, response), url, folder, name)]);
  if (read.status === 'rejected') throw read.reason;
  return read.value;
}

/** Reads a body chunk by chunk into one buffer of the announced length, reporting progress; a short body is an error. */
async function readBody(response: Response, url: string, folder: RemoteFolder, name: string): Promise<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isSafeInteger(announced) && announced >= 0 ? announced : undefined;
  const report = (downloaded: number) => folder.options.onProgress?.({ file: name, loaded: downloaded, total });
  let buffer = new Uint8Array(total ?? 0);
  let loaded = 0;
  const reader = response.body?.getReader();
  const truncated = (why: string) => new HubError('IntegrityError', `${url}: the download ended after ${loaded} of ${total ?? 'an unknown number of'} bytes (${why})`);
  const next = async () => {
    try {
      return await reader?.read();
    } catch (error) {
      throw truncated(`the connection failed: ${(error as Error).message}`);
    }
  };
  for (let chunk = await next(); chunk && !chunk.done; chunk = await next()) {
    const bytes = chunk.value;
    // More than announced happens when the length was of a compressed body: grow, as with no length.
    if (loaded + bytes.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.max(2 * buffer.byteLength, loaded + bytes.byteLength));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(bytes, loaded);
    loaded += bytes.byteLength;
    report(loaded);
  }
  if (total !== undefined && loaded < total) {
    throw truncated('the server closed the connection early');
  }
  if (loaded === 0) report(0);
  return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded);
}
