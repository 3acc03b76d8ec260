// optimizer.safetensors: AdamW's state in a checkpoint folder — per parameter, under PyTorch's
// name, its first moment `exp_avg.<name>` and second moment `exp_avg_sq.<name>` (torch.optim.AdamW's
// names for them), float32 as they are kept; the step count in the header's metadata, where it is
// an exact integer rather than a float.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors, safetensorsTensor } from '../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../../model/weights/safetensorsWriter.js';
import type { AdamWState } from '../adamw.js';
import type { NamedParameter } from '../parameters.js';
import { TrainerStateError } from './trainerState.js';

export const OPTIMIZER_FILE = 'optimizer.safetensors';
const MOMENTS = [
  ['m', 'exp_avg'],
  ['v', 'exp_avg_sq'],
] as const;

/** A stacked parameter's parts (query, key, value) are saved apart, each under its own name. */
function parts({ names, tensor }: NamedParameter, values: Float32Array): { name: string; shape: number[]; data: Float32Array }[] {
  const size = values.length / names.length;
  const shape = [tensor.shape[0] / names.length, ...tensor.shape.slice(1)];
  return names.map((name, i) => ({ name, shape, data: values.subarray(i * size, (i + 1) * size) }));
}

export async function writeOptimizerState(dir: string, parameters: readonly NamedParameter[], state: AdamWState): Promise<void> {
  const tensors: Record<string, SafetensorsWriteTensor> = {};
  for (const [field, prefix] of MOMENTS) {
    parameters.forEach((parameter, k) => {
      for (const { name, shape, data } of parts(parameter, state[field][k])) tensors[`${prefix}.${name}`] = { dtype: 'F32', shape, data };
    });
  }
  await writeFile(join(dir, OPTIMIZER_FILE), encodeSafetensors(tensors, { format: 'pt', step: String(state.step) }));
}

export async function readOptimizerState(dir: string, parameters: readonly NamedParameter[]): Promise<AdamWState> {
  const path = join(dir, OPTIMIZER_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new TrainerStateError(`${dir} has no ${OPTIMIZER_FILE}: the optimizer state of a checkpoint is needed to resume it`);
  }
  const file = parseSafetensors(bytes, path);
  const step = Number(file.metadata.get('step'));
  if (!Number.isSafeInteger(step) || step < 0) throw new TrainerStateError(`${path}: no step count in the metadata`);
  const moments = (prefix: string) =>
    parameters.map((parameter) => {
      const values = new Float32Array(parameter.tensor.size);
      const size = values.length / parameter.names.length;
      parameter.names.forEach((name, i) => {
        const key = `${prefix}.${name}`;
        if (!file.entries.has(key)) throw new TrainerStateError(`${path} has no ${key}: it was saved for another model`);
        const { data } = safetensorsTensor(file, key);
        if (data.length !== size) throw new TrainerStateError(`${path}: ${key} has ${data.length} values, the parameter ${size}`);
        values.set(data, i * size);
      });
      return values;
    });
  return { step, m: moments('exp_avg'), v: moments('exp_avg_sq') };
}
