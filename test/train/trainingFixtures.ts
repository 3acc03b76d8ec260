// The golden training data in test/fixtures/training (see its README): per fixture model, a batch,
// PyTorch's loss and gradients on it, and four AdamW steps.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';
import { parseBatch, type Batch } from '../../train/batch.js';

export const TRAINING_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/training/', import.meta.url));
export const TRAINING_MODELS = ['tiny-cls', 'tiny-mlm'] as const;
export type TrainingModel = (typeof TRAINING_MODELS)[number];

export function trainingFile(model: TrainingModel, file: string): string {
  return join(TRAINING_FIXTURES_DIR, model, file);
}

export function fixtureBatch(model: TrainingModel): Batch {
  const file = trainingFile(model, 'batch.json');
  return parseBatch(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function fixtureTensors(model: TrainingModel, file: 'grads.safetensors' | 'after.safetensors'): Map<string, HostTensor> {
  const path = trainingFile(model, file);
  return safetensorsTensors(parseSafetensors(readFileSync(path), path));
}

/** The tolerance for a gradient or parameter: max|Δ| ≤ 1e-4 · max(1, max|reference|). */
export function tensorTolerance(reference: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < reference.length; i++) max = Math.max(max, Math.abs(reference[i]));
  return 1e-4 * Math.max(1, max);
}
