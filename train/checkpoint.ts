// Writing a trained model as a Hugging Face model folder that `from_pretrained` loads as is:
// config.json, model.safetensors holding every parameter under PyTorch's state-dict names (tied
// weights once, as save_pretrained writes them), and the tokenizer files.
//
// config.json is the source's, completed: `architectures` names the class that was trained,
// `model_type` is "roberta", and every RobertaConfig.__init__ argument is present (a model built
// from a bare config may leave most out; transformers would fill them in, but a reader of the folder
// should not need to know its defaults). A source that already says all of that is copied byte for
// byte, since Python's json spells numbers as JavaScript does not (1e-05, 1e-5).

import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROBERTA_CONFIG_DEFAULTS } from '../model/config.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../model/weights/safetensorsWriter.js';
import { TOKENIZER_FILES } from '../tokenizer/tokenizerFiles.js';
import { namedParameters, splitByName } from './parameters.js';


export type JsonObject = Readonly<Record<string, unknown>>;

/** Where a saved folder's config and tokenizer come from. */
export interface ModelFolderSource {
  /** The config to write (parsed); `configText`, when given, is its file's text, kept when nothing needs adding. */
  readonly config: JsonObject;
  readonly configText?: string;
  /** A folder whose tokenizer files are copied (none when absent). */
  readonly tokenizerDir?: string;
}

/** The source of a model folder on disk: its config.json, and its own tokenizer files unless `tokenizerDir` says where they are. */
export async function folderSource(modelDir: string, tokenizerDir = modelDir): Promise<ModelFolderSource> {
  const configText = await readFile(join(modelDir, 'config.json'), 'utf8');
  return { config: JSON.parse(configText) as JsonObject, configText, tokenizerDir };
}

/** `config` with the architecture, model_type and every RobertaConfig argument set. */
export function completeConfig(config: JsonObject, architecture: string): JsonObject {
  return { ...ROBERTA_CONFIG_DEFAULTS, ...config, architectures: [architecture], model_type: 'roberta' };
}

/** JSON text with every object's keys sorted: equal for equal values whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** As save_pretrained's to_json_string: keys sorted, two-space indent, a final newline. */
function configFileText(config: JsonObject): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
}

/** The model's parameters as save_pretrained names them, float32. */
export async function stateDict(model: AnyRobertaModel): Promise<Record<string, SafetensorsWriteTensor>> {
  const tensors: Record<string, SafetensorsWriteTensor> = {};
  for (const parameter of namedParameters(model)) {
    for (const { name, shape, data } of await splitByName(parameter, parameter.tensor)) tensors[name] = { dtype: 'F32', shape, data };
  }
  return tensors;
}

/** Writes the folder; returns the names of the files written. */
export async function saveCheckpoint(model: AnyRobertaModel, source: ModelFolderSource, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.safetensors'), encodeSafetensors(await stateDict(model), { format: 'pt' }));
  const config = completeConfig(source.config, model.architecture);
  const keep = source.configText !== undefined && canonicalJson(config) === canonicalJson(source.config);
  await writeFile(join(outDir, 'config.json'), keep ? source.configText! : configFileText(config));
  const present = source.tokenizerDir === undefined ? new Set<string>() : new Set(await readdir(source.tokenizerDir));
  const tokenizerFiles: string[] = TOKENIZER_FILES.filter((f) => present.has(f));
  for (const file of tokenizerFiles) await copyFile(join(source.tokenizerDir!, file), join(outDir, file));
  return ['model.safetensors', 'config.json', ...tokenizerFiles];
}
