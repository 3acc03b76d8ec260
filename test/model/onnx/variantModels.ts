// Temporary model directories derived from a fixture model: config keys changed, tensors added,
// removed or replaced. For paths the fixtures do not cover (other activations, an untied
// decoder) and for bad checkpoints.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../../../model/weights/hostTensor.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../../../model/weights/safetensorsWriter.js';
import { parseSafetensors, safetensorsTensors } from '../../../model/weights/safetensors.js';
import { makeTempDir } from '../../tempDir.js';
import { fixtureDir, type FixtureModel } from '../fixtureModels.js';

export interface Variant {
  /** Keys to set in config.json. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Edits the checkpoint's tensors (HF names → tensors) in place. */
  readonly tensors?: (tensors: Map<string, HostTensor>) => void;
}

export function fixtureTensors(base: FixtureModel): Map<string, HostTensor> {
  const file = join(fixtureDir(base), 'model.safetensors');
  return safetensorsTensors(parseSafetensors(readFileSync(file), file));
}

/** Writes config.json and model.safetensors for `base` changed by `variant`; returns the directory. */
export function writeVariant(base: FixtureModel, variant: Variant): string {
  const dir = makeTempDir(`onnx-${base}`);
  const config = JSON.parse(readFileSync(join(fixtureDir(base), 'config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...variant.config }));
  const tensors = fixtureTensors(base);
  variant.tensors?.(tensors);
  const out: Record<string, SafetensorsWriteTensor> = {};
  for (const [name, t] of tensors) out[name] = { dtype: t.dtype === 'float32' ? 'F32' : 'I32', shape: t.shape, data: t.data };
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(out, { format: 'pt' }));
  return dir;
}
