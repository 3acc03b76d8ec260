// Where a model's files come from in a browser: an http(s) URL of a folder, or a Hub id, both
// fetched (web/). A browser has no directories, so every entry point takes both.

import { openRemoteFolder, type BrowserHubOptions } from '../web/remoteFolder.js';
import { loadRobertaConfig } from '../model/config.js';
import { loadCheckpoint } from '../model/weights/load.js';
import { loadTokenizer } from '../tokenizer/load.js';

export { HubError } from '../hub/errors.js';
export type { BrowserHubOptions as HubOptions } from '../web/remoteFolder.js';

/** The base URL of a model folder (a URL or a Hub id), registered so that loaders fetch under it with these options. */
export async function resolveModelDir(source: string, options: BrowserHubOptions = {}): Promise<string> {
  return openRemoteFolder(source, options);
}

export const pretrainedDir = resolveModelDir;

/**
 * Fetches what a RoBERTa needs (config, tokenizer, one set of weights) into Cache Storage, so that
 * later loads need no network; returns the base URL. Loading is what decides which files those
 * are, so this loads them, and lets go.
 */
export async function downloadRobertaSnapshot(source: string, options: BrowserHubOptions = {}): Promise<string> {
  const base = openRemoteFolder(source, options);
  await loadRobertaConfig(base);
  await loadTokenizer(base);
  await loadCheckpoint(base);
  return base;
}
