// Finding and reading the weights of a Hugging Face model directory. The order of preference is
// transformers' own: a single safetensors file, then a sharded safetensors index, then PyTorch's
// `pytorch_model.bin` (safetensors is preferred because it cannot carry code and maps directly to
// memory).
//
// Safetensors checkpoints are read lazily: loading reads and checks every header, and a tensor's
// bytes are read from disk when it is asked for, so loading a model never holds the whole file in
// memory next to the copy a backend makes of it. A PyTorch checkpoint is a zip holding a pickle,
// and is still read into memory whole.

import { fileExists, joinPath } from '../../platform/files.js';
import { CheckpointError } from './errors.js';
import { decodedTensor, type CheckpointTensor } from './hostTensor.js';
import { lazySafetensorsTensor, openSafetensorsFile } from './safetensors.js';
import { readShardedSafetensors } from './shardedSafetensors.js';
import { readTorchCheckpoint, type TorchCheckpointOptions } from './torchCheckpoint.js';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
export const PYTORCH_FILE = 'pytorch_model.bin';
const PYTORCH_INDEX_FILE = 'pytorch_model.bin.index.json';

export type CheckpointFormat = 'safetensors' | 'safetensors-sharded' | 'pytorch';

export interface LoadedCheckpoint {
  /** HF parameter names → tensors, in file order; each tensor's elements are read when asked for. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
  readonly format: CheckpointFormat;
  /** The files that were read, as paths joined onto `dir`. */
  readonly files: string[];
}

export type LoadCheckpointOptions = TorchCheckpointOptions;

export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const single = joinPath(dir, SAFETENSORS_FILE);
  if (await fileExists(single)) {
    const file = openSafetensorsFile(single);
    const tensors = new Map([...file.entries.keys()].map((name) => [name, lazySafetensorsTensor(file, name)]));
    return { tensors, format: 'safetensors', files: [single] };
  }
  const index = joinPath(dir, SAFETENSORS_INDEX_FILE);
  if (await fileExists(index)) {
    const { tensors, files } = await readShardedSafetensors(index);
    return { tensors, format: 'safetensors-sharded', files };
  }
  const pytorch = joinPath(dir, PYTORCH_FILE);
  if (await fileExists(pytorch)) {
    const tensors = await readTorchCheckpoint(pytorch, options);
    return { tensors: new Map([...tensors].map(([name, tensor]) => [name, decodedTensor(tensor)])), format: 'pytorch', files: [pytorch] };
  }
  const sharded = (await fileExists(joinPath(dir, PYTORCH_INDEX_FILE)))
    ? ` (found ${PYTORCH_INDEX_FILE}: sharded PyTorch checkpoints are not supported, convert them to safetensors)`
    : '';
  throw new CheckpointError(
    `${dir}: no model weights found: looked for ${SAFETENSORS_FILE}, ${SAFETENSORS_INDEX_FILE} and ${PYTORCH_FILE}${sharded}`,
  );
}
