// Writing a trained model as a Hugging Face model folder that `from_pretrained` loads as is:
// the source's config.json, model.safetensors holding every parameter under PyTorch's
// state-dict names (tied weights once, as save_pretrained writes them), and the tokenizer files
// the source has.

import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyRobertaModel } from '../model/roberta.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../model/weights/safetensorsWriter.js';
import { namedParameters, splitByName } from './parameters.js';

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json'];

/** The model's parameters as save_pretrained names them, float32. */
export async function stateDict(model: AnyRobertaModel): Promise<Record<string, SafetensorsWriteTensor>> {
  const tensors: Record<string, SafetensorsWriteTensor> = {};
  for (const parameter of namedParameters(model)) {
    for (const { name, shape, data } of await splitByName(parameter, parameter.tensor)) tensors[name] = { dtype: 'F32', shape, data };
  }
  return tensors;
}

export async function saveCheckpoint(model: AnyRobertaModel, sourceDir: string, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const present = new Set(await readdir(sourceDir));
  const copied = ['config.json', ...TOKENIZER_FILES].filter((f) => present.has(f));
  for (const file of copied) await copyFile(join(sourceDir, file), join(outDir, file));
  await writeFile(join(outDir, 'model.safetensors'), encodeSafetensors(await stateDict(model), { format: 'pt' }));
  return ['model.safetensors', ...copied];
}
