// Sharded safetensors checkpoints, as `save_pretrained` writes them for large models:
//
//   model.safetensors.index.json   { "metadata": {...}, "weight_map": { "<tensor>": "<shard file>", ... } }
//   model-00001-of-00002.safetensors, ...
//
// The index is the table of contents; it and the shards must agree exactly. A tensor the index names
// but its shard lacks, or a shard tensor the index does not mention, means files from two different
// saves were mixed, and loading "whatever is there" would be a silent wrong answer.

import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return fail(`not valid JSON (${jsonSyntaxDetail(error)})`);
    throw error;
  }
  const weightMap = isJsonObject(index) ? index['weight_map'] : undefined;
  if (!isJsonObject(weightMap)) return fail(`"weight_map" must be an object of tensor name → shard file`);

  const keysByShard = new Map<string, string[]>();
  for (const [key, shard] of Object.entries(weightMap)) {
    // Only a bare file name in the same directory: an index must not make us read other files.
    const isFileName = typeof shard === 'string' && basename(shard) === shard && !['', '.', '..'].includes(shard);
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
    const shardPath = join(dirname(indexPath), shard);
    let file: SafetensorsFile;
    try {
      file = openSafetensorsFile(shardPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') fail(`shard ${JSON.stringify(shard)} (holding ${JSON.stringify(keys[0])}) does not exist`);
      throw error;
    }
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
