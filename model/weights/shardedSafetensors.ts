// Sharded safetensors checkpoints, as `save_pretrained` writes them for large models:
//
//   model.safetensors.index.json   { "metadata": {...}, "weight_map": { "<tensor>": "<shard file>", ... } }
//   model-00001-of-00002.safetensors, ...
//
// The index is the table of contents; it and the shards must agree exactly. A tensor the index names
// but its shard lacks, or a shard tensor the index does not mention, means files from two different
// saves were mixed, and loading "whatever is there" would be a silent wrong answer.

import { baseName, dirName, fileExists, joinPath, readTextFile } from '../../platform/files.js';
import { CheckpointError } from './errors.js';
import { describeJson, isJsonObject, jsonSyntaxDetail } from './json.js';
import type { CheckpointTensor } from './hostTensor.js';
import { lazySafetensorsTensor, openSafetensorsFile, type SafetensorsFile } from './safetensors.js';

export interface ShardedTensors {
  /** Every shard's header is read and checked against the index here; tensors are read when asked for. */
  readonly tensors: Map<string, CheckpointTensor>;
  /** The index, then each shard once, in the order first named by the index. */
  readonly files: string[];
}

export async function readShardedSafetensors(indexPath: string): Promise<ShardedTensors> {
  const fail = (detail: string): never => {
    throw new CheckpointError(`${indexPath}: ${detail}`);
  };
  let index: unknown;
  try {
    index = JSON.parse(await readTextFile(indexPath));
  } catch (error) {
    if (error instanceof SyntaxError) return fail(`not valid JSON (${jsonSyntaxDetail(error)})`);
    throw error;
  }
  const weightMap = isJsonObject(index) ? index['weight_map'] : undefined;
  if (!isJsonObject(weightMap)) return fail(`"weight_map" must be an object of tensor name → shard file`);

  const keysByShard = new Map<string, string[]>();
  for (const [key, shard] of Object.entries(weightMap)) {
    // Only a bare file name in the same directory: an index must not make us read other files.
    const isFileName = typeof shard === 'string' && baseName(shard) === shard && !['', '.', '..'].includes(shard);
    if (!isFileName || /[\\\0]/.test(shard)) {
      return fail(`weight_map ${JSON.stringify(key)}: shard must be a file name in the same directory, got ${describeJson(shard)}`);
    }
    const keys = keysByShard.get(shard) ?? [];
    keys.push(key);
    keysByShard.set(shard, keys);
  }

  const tensors = new Map<string, CheckpointTensor>();
  const files = [indexPath];
  for (const [shard, keys] of keysByShard) {
    const shardPath = joinPath(dirName(indexPath), shard);
    // Asked first, not found out from the open's ENOENT, because in a browser asking is what fetches the shard.
    if (!(await fileExists(shardPath))) fail(`shard ${JSON.stringify(shard)} (holding ${JSON.stringify(keys[0])}) does not exist`);
    const file: SafetensorsFile = openSafetensorsFile(shardPath);
    files.push(shardPath);
    const listed = new Set(keys);
    for (const key of keys) {
      if (!file.entries.has(key)) fail(`weight_map puts ${JSON.stringify(key)} in ${JSON.stringify(shard)}, but that shard has no such tensor`);
      tensors.set(key, lazySafetensorsTensor(file, key));
    }
    for (const name of file.entries.keys()) {
      if (!listed.has(name)) fail(`shard ${JSON.stringify(shard)} holds tensor ${JSON.stringify(name)}, which the weight_map does not list`);
    }
  }
  return { tensors, files };
}
