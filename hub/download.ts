import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { isJsonObject, jsonSyntaxDetail } from '../model/weights/json.js';
import { TOKENIZER_FILES } from '../tokenizer/tokenizerFiles.js';
import { HubError } from './errors.js';
import { type HubOptions, resolveHubSettings } from './hubSettings.js';
import { isRepoId } from './repoNames.js';
import { RepoSnapshot } from './repoSnapshot.js';

export { HubError, type HubErrorCode } from './errors.js';
export type { HubOptions } from './hubSettings.js';
export type { DownloadProgress, ProgressListener, ProgressStream } from './progress.js';

export interface SnapshotOptions extends HubOptions {
  /** Files that must exist; a missing one is an error. */
  readonly files?: readonly string[];
  /** Files fetched when they exist and skipped when the Hub answers that they do not. */
  readonly optionalFiles?: readonly string[];
}

function openSnapshot(repoId: string, options: HubOptions): RepoSnapshot {
  return new RepoSnapshot(repoId, options.revision ?? 'main', resolveHubSettings(options));
}

/** The local path of one file of a Hub repo (`snapshots/<commit>/<file>` in the cache), downloaded if needed. */
export async function resolveModelFile(repoId: string, filename: string, options: HubOptions = {}): Promise<string> {
  return openSnapshot(repoId, options).fetch(filename, true);
}

/**
 * Downloads the listed files of a repo at one commit and returns the snapshot folder that holds
 * them (`<cache>/models--org--name/snapshots/<commit>`). Files already cached are not downloaded
 * again; at a branch or tag, one HEAD request per file still checks which commit it points to.
 */
export async function snapshotDownload(repoId: string, options: SnapshotOptions): Promise<string> {
  const files = options.files ?? [];
  const optionalFiles = options.optionalFiles ?? [];
  if (files.length + optionalFiles.length === 0) {
    throw new HubError('InvalidArgument', `snapshotDownload(${repoId}): no files asked for; list them in files or optionalFiles`);
  }
  const snapshot = openSnapshot(repoId, options);
  for (const file of files) await snapshot.fetch(file, true);
  for (const file of optionalFiles) await snapshot.fetch(file, false);
  const directory = snapshot.directory();
  mkdirSync(directory, { recursive: true }); // empty when every optional file was missing
  return directory;
}

const CONFIG_FILE = 'config.json';
const SAFETENSORS_FILE = 'model.safetensors';
const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
const PYTORCH_FILE = 'pytorch_model.bin';

/** The shard names of a sharded safetensors checkpoint, from the index's `weight_map` (tensor → shard). */
function shardFiles(indexPath: string): string[] {
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (error) {
    throw new HubError('IntegrityError', `${indexPath} is not valid JSON: ${jsonSyntaxDetail(error)}`, { cause: error });
  }
  const weightMap = isJsonObject(index) ? index.weight_map : undefined;
  if (!isJsonObject(weightMap)) {
    throw new HubError('IntegrityError', `${indexPath} has no "weight_map" object (tensor name → shard file)`);
  }
  const shards = new Set<string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string') {
      throw new HubError(
        'IntegrityError',
        `${indexPath}: weight_map["${tensor}"] is ${JSON.stringify(shard)}, expected a file name`,
      );
    }
    shards.add(shard);
  }
  if (shards.size === 0) throw new HubError('IntegrityError', `${indexPath}: weight_map is empty`);
  return [...shards];
}

/** One weights format only, in transformers' order of preference: safetensors, sharded safetensors, PyTorch pickle. */
async function fetchWeights(snapshot: RepoSnapshot): Promise<void> {
  if ((await snapshot.fetch(SAFETENSORS_FILE, false)) !== undefined) return;
  const index = await snapshot.fetch(SAFETENSORS_INDEX_FILE, false);
  if (index !== undefined) {
    for (const shard of shardFiles(index)) await snapshot.fetch(shard, true);
    return;
  }
  if ((await snapshot.fetch(PYTORCH_FILE, false)) !== undefined) return;
  throw snapshot.missing(`no weights: none of ${SAFETENSORS_FILE}, ${SAFETENSORS_INDEX_FILE}, ${PYTORCH_FILE}`);
}

/**
 * Downloads what a RoBERTa needs and nothing more: `config.json`, the tokenizer files that exist
 * (a fast `tokenizer.json` or the `vocab.json` + `merges.txt` pair must be among them), and one
 * set of weights. Returns the snapshot folder.
 */
export async function downloadRobertaSnapshot(repoId: string, options: HubOptions = {}): Promise<string> {
  const snapshot = openSnapshot(repoId, options);
  await snapshot.fetch(CONFIG_FILE, true);
  const present = new Set<string>();
  for (const file of TOKENIZER_FILES) {
    if ((await snapshot.fetch(file, false)) !== undefined) present.add(file);
  }
  if (!present.has('tokenizer.json') && !(present.has('vocab.json') && present.has('merges.txt'))) {
    throw snapshot.missing('no tokenizer: neither tokenizer.json nor both vocab.json and merges.txt');
  }
  await fetchWeights(snapshot);
  return snapshot.directory();
}

/**
 * A model argument as a user types it: an existing directory is used as it is; otherwise a Hub
 * repo id (`FacebookAI/roberta-base`, or a legacy one like `roberta-base`) is downloaded into the
 * cache and its snapshot folder returned.
 */
export async function resolveModelDir(idOrDir: string, options: HubOptions = {}): Promise<string> {
  const stats = statSync(idOrDir, { throwIfNoEntry: false });
  if (stats?.isDirectory() === true) return idOrDir;
  if (stats !== undefined) {
    throw new HubError(
      'InvalidArgument',
      `'${idOrDir}' is a file; expected a model directory or a Hub repo id such as FacebookAI/roberta-base`,
    );
  }
  if (!isRepoId(idOrDir)) {
    throw new HubError(
      'InvalidArgument',
      `'${idOrDir}' is neither an existing directory nor a Hugging Face repo id (such as FacebookAI/roberta-base)`,
    );
  }
  try {
    return await downloadRobertaSnapshot(idOrDir, options);
  } catch (error) {
    if (error instanceof HubError && (error.code === 'RepoNotFound' || error.code === 'NotInCache')) {
      throw new HubError(error.code, `${error.message} (and there is no local directory '${idOrDir}')`, { cause: error });
    }
    throw error;
  }
}
