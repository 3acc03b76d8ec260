// Where a model's files come from in a browser: an http(s) URL of a folder, or a Hub id, both
// fetched (web/). A browser has no directories, so every entry point takes both.

import { HubError } from '../hub/errors.js';
import { openRemoteFolder, type BrowserHubOptions } from '../web/remoteFolder.js';
import { fileExists, joinPath } from './files.browser.js';
import { loadRobertaConfig } from '../model/config.js';
import { loadCheckpoint } from '../model/weights/load.js';
import { loadTokenizer } from '../tokenizer/load.js';

export { HubError };
export type { BrowserHubOptions as HubOptions } from '../web/remoteFolder.js';

/**
 * The base URL of a model folder (a URL or a Hub id), registered so that loaders fetch under it
 * with these options. As in Node, a model is a folder with a config.json, fetched here first: a
 * wrong source (a missing repo, a server that refuses or answers with a web page) then fails with
 * the download's own error rather than as an unreadable config.
 */
export async function resolveModelDir(source: string, options: BrowserHubOptions = {}): Promise<string> {
  const base = openRemoteFolder(source, options);
  const config = joinPath(base, 'config.json');
  if (!(await fileExists(config))) throw new HubError('EntryNotFound', `${config} does not exist (HTTP 404): '${source}' is not a model folder`);
  return base;
}

export const pretrainedDir = resolveModelDir;

/**
 * Fetches what a RoBERTa needs (config, tokenizer, one set of weights) into Cache Storage, so that
 * later loads need no network; returns the base URL. Loading is what decides which files those
 * are, so this loads them, and lets go.
 */
export async function downloadRobertaSnapshot(source: string, options: BrowserHubOptions = {}): Promise<string> {
  const base = await resolveModelDir(source, options);
  await loadRobertaConfig(base);
  await loadTokenizer(base);
  await loadCheckpoint(base);
  return base;
}
