// The tiny Hugging Face models in test/fixtures/models (the base model, sequence classification,
// masked LM) and test/fixtures/heads (the other task heads), and what HF computed for them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';

export const FIXTURE_MODELS_DIR = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const HEAD_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/heads/', import.meta.url));
const HEAD_MODELS = ['tiny-tok', 'tiny-qa', 'tiny-mc'] as const;
export const FIXTURE_MODELS = ['tiny', 'tiny-cls', 'tiny-mlm', ...HEAD_MODELS] as const;
export type FixtureModel = (typeof FIXTURE_MODELS)[number];
/** The fixtures whose inputs are [batch, seq]; tiny-mc's are [batch, choices, seq]. */
export type SequenceFixtureModel = Exclude<FixtureModel, 'tiny-mc'>;

export function fixtureDir(name: FixtureModel): string {
  return join((HEAD_MODELS as readonly string[]).includes(name) ? HEAD_FIXTURES_DIR : FIXTURE_MODELS_DIR, name);
}

export interface SequenceInputs {
  input_ids: number[][];
  attention_mask: number[][];
}
export interface ChoiceInputs {
  input_ids: number[][][];
  attention_mask: number[][][];
}

export function fixtureInputs(name: SequenceFixtureModel): SequenceInputs;
export function fixtureInputs(name: FixtureModel): SequenceInputs | ChoiceInputs;
export function fixtureInputs(name: FixtureModel): SequenceInputs | ChoiceInputs {
  return JSON.parse(readFileSync(join(fixtureDir(name), 'inputs.json'), 'utf8'));
}

/** Every tensor HF's forward produced (inputs, position ids, hidden states, attentions, outputs). */
export function fixtureExpected(name: FixtureModel): Map<string, HostTensor> {
  const file = join(fixtureDir(name), 'expected.safetensors');
  return safetensorsTensors(parseSafetensors(readFileSync(file), file));
}

/** max |a − b| over all elements; Infinity when lengths differ or anything is NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}
