// A model folder in a browser: a base URL (a folder served over http(s), or a Hub repo's
// `{endpoint}/{id}/resolve/{revision}`) under which each file is `${base}/${name}`, with how to
// fetch from it. Loaders name files by URL (platform/files.browser.ts); this registry tells them
// which folder a URL belongs to, and holds what was fetched until a loader takes it.

import { HubError } from '../hub/errors.js';
import { isRepoId } from '../hub/repoNames.js';
import type { DownloadProgress } from '../hub/progress.js';

/** Where and how to fetch a model in a browser: the Node options that make sense there. */
export interface BrowserHubOptions {
  /** Branch, tag or commit of a Hub id. Default `main`. */
  readonly revision?: string;
  /** Access token for private or gated repos (what HF_TOKEN is to Node), sent as `Authorization: Bearer`. */
  readonly token?: string;
  /** Hub base URL for ids. Default `https://huggingface.co`. */
  readonly hubEndpoint?: string;
  /** Called on every chunk received, and once when a file comes from Cache Storage. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Keep downloads in Cache Storage and read them from there next time. Default true (where `caches` exists). */
  readonly useCache?: boolean;
}

/** What a Hub error needs to say which repo, revision and file. */
export interface HubRepo {
  readonly repoId: string;
  readonly revision: string;
  readonly endpoint: string;
}

export interface RemoteFolder {
  readonly base: string;
  readonly options: BrowserHubOptions;
  /** Set when the folder is a Hub repo. */
  readonly hub?: HubRepo;
  /** Files fetched but not yet read: the bytes, or null for a file the server says does not exist. */
  readonly held: Map<string, Uint8Array | null>;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';
const folders = new Map<string, RemoteFolder>();

/**
 * The folder a model source names — an http(s) URL, or a Hub id — registered so that loaders
 * reading `${base}/${file}` fetch with these options. Returns its base URL.
 */
export function openRemoteFolder(source: string, options: BrowserHubOptions = {}): string {
  // A base URL given out before (pipeline hands it on to fromPretrained) stays the folder it was:
  // a Hub repo keeps its Hub errors, and what was fetched and not yet read stays held.
  const known = folders.get(source.replace(/\/+$/, ''));
  if (known) {
    folders.set(known.base, { ...known, options });
    return known.base;
  }
  let folder: RemoteFolder;
  if (/^https?:\/\//i.test(source)) {
    folder = { base: source.replace(/\/+$/, ''), options, held: new Map() };
  } else if (isRepoId(source)) {
    const endpoint = (options.hubEndpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
    const revision = options.revision ?? 'main';
    folder = { base: `${endpoint}/${source}/resolve/${encodeURIComponent(revision)}`, options, hub: { repoId: source, revision, endpoint }, held: new Map() };
  } else {
    throw new HubError('InvalidArgument', `'${source}' is neither an http(s) URL of a model folder nor a Hugging Face repo id (such as FacebookAI/roberta-base)`);
  }
  folders.set(folder.base, folder);
  return folder.base;
}

/** The registered folder holding `url` and the file's name in it; an unregistered URL is a folder of its own, fetched with defaults. */
export function locate(url: string): { readonly folder: RemoteFolder; readonly name: string } {
  for (let slash = url.lastIndexOf('/'); slash > 0; slash = url.lastIndexOf('/', slash - 1)) {
    const folder = folders.get(url.slice(0, slash));
    if (folder) return { folder, name: url.slice(slash + 1) };
  }
  const slash = url.lastIndexOf('/');
  const folder: RemoteFolder = { base: url.slice(0, slash), options: {}, held: new Map() };
  folders.set(folder.base, folder);
  return { folder, name: url.slice(slash + 1) };
}
