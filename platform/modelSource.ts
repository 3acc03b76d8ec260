// Where a model's files come from, in Node: a local directory, or a Hub id downloaded into
// huggingface_hub's cache (hub/). The browser bundle replaces this module with
// modelSource.browser.ts, where both are fetched (web/).

import type { HubOptions } from '../hub/download.js';

export { resolveModelDir, downloadRobertaSnapshot, HubError, type HubOptions } from '../hub/download.js';

/**
 * What `fromPretrained` reads: in Node the directory it is given, as it is (Hub ids go through
 * `AutoModel` and `pipeline`, which download them first).
 */
export async function pretrainedDir(dir: string, _options: HubOptions): Promise<string> {
  return dir;
}
