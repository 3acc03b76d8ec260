// zero-shot-classification: labels the model was never trained on, through a natural-language-
// inference classifier. Each candidate label becomes a hypothesis ("This example is {label}.")
// paired with the text; how strongly the model says the text entails it is the label's score.
// As in transformers 4.36.2's ZeroShotClassificationPipeline.

import type { Tensor } from '../engine/tensor.js';
import { ConfigError } from '../model/config.js';
import { InputError } from '../model/inputs.js';
import { BasePipeline, checkTexts } from './basePipeline.js';
import { softmaxRow } from './scores.js';

export interface ZeroShotResult {
  readonly sequence: string;
  /** Best first. */
  readonly labels: string[];
  readonly scores: number[];
}

export interface ZeroShotOptions {
  /** The hypothesis made of each label; '{}' stands for the label (default "This example is {}."). */
  readonly hypothesisTemplate?: string;
  /** Score each label on its own (entailment against contradiction) instead of sharing 1 among them. */
  readonly multiLabel?: boolean;
}

/** HF's `_parse_labels`: a comma-separated string is split and trimmed, empty names dropped. */
export function parseCandidateLabels(labels: string | readonly string[]): string[] {
  const list = typeof labels === 'string' ? labels.split(',').map((l) => l.trim()).filter((l) => l.length > 0) : [...labels];
  if (list.length === 0 || !list.every((l) => typeof l === 'string')) throw new InputError('zero-shot-classification: give at least one candidate label');
  return list;
}

/**
 * HF's `entailment_id`: the first label in label2id whose name starts with "entail", any case.
 * Where there is none HF logs a warning and reads index −1 (the last label); that silently gives
 * meaningless scores, so here it is an error.
 */
export function entailmentId(label2id: ReadonlyMap<string, number>): number {
  for (const [label, id] of label2id) if (label.toLowerCase().startsWith('entail')) return id;
  throw new ConfigError(`zero-shot-classification: the model has no "entailment" label (its labels: ${[...label2id.keys()].join(', ')}); it needs an NLI classifier`);
}

/**
 * HF's `postprocess` scores, from each label's [numLabels] logits. One label, or `multiLabel`:
 * per label, softmax over [contradiction, entailment] logits, where contradiction is index 0 —
 * or the last index when entailment is 0 — whatever its name (HF's rule). Otherwise softmax of the
 * entailment logits across the labels.
 */
export function zeroShotScores(logits: readonly (readonly number[])[], entailment: number, multiLabel: boolean): number[] {
  if (multiLabel || logits.length === 1) {
    return logits.map((row) => {
      const contradiction = entailment === 0 ? row.length - 1 : 0;
      return softmaxRow([row[contradiction], row[entailment]])[1];
    });
  }
  return softmaxRow(logits.map((row) => row[entailment]));
}

/**
 * Labels best first, as HF's `reversed(scores.argsort())`: numpy sorts these few scores stably
 * (insertion sort below 16 elements), so of equal scores the later label comes first.
 */
export function rankLabels(labels: readonly string[], scores: readonly number[]): { labels: string[]; scores: number[] } {
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => scores[a] - scores[b])
    .reverse();
  return { labels: order.map((i) => labels[i]), scores: order.map((i) => scores[i]) };
}

export class ZeroShotClassificationPipeline extends BasePipeline {
  async run(input: string, candidateLabels: string | readonly string[], options?: ZeroShotOptions): Promise<ZeroShotResult>;
  async run(input: readonly string[], candidateLabels: string | readonly string[], options?: ZeroShotOptions): Promise<ZeroShotResult[]>;
  async run(input: string | readonly string[], candidateLabels: string | readonly string[], options: ZeroShotOptions = {}): Promise<ZeroShotResult | ZeroShotResult[]> {
    const texts = checkTexts('zero-shot-classification', input);
    const labels = parseCandidateLabels(candidateLabels);
    const template = options.hypothesisTemplate ?? 'This example is {}.';
    if (!template.includes('{}')) {
      throw new InputError(`zero-shot-classification: the hypothesis template ${JSON.stringify(template)} has no {} where the label goes`);
    }
    const { numLabels, label2id } = this.model.config;
    const entailment = entailmentId(label2id);
    // config.json's label2id is read unchecked, as transformers reads it; HF fails here with an IndexError.
    if (entailment < 0 || entailment >= numLabels) {
      throw new ConfigError(`zero-shot-classification: label2id puts the entailment label at ${entailment}, but the model has ${numLabels} outputs`);
    }
    const pairs = texts.flatMap((text) => labels.map((label) => [text, template.replace('{}', label)] as [string, string]));
    // HF truncates only the text (TruncationStrategy.ONLY_FIRST), never the hypothesis.
    const rows = await this.batched(
      pairs,
      async ({ encodings, out }) => {
        const logits = await (out.logits as Tensor).data(); // [batch, numLabels]
        return encodings.map((_, r) => Array.from(logits.subarray(r * numLabels, (r + 1) * numLabels)));
      },
      'only_first',
    );
    const results = texts.map((sequence, t) => {
      const scores = zeroShotScores(rows.slice(t * labels.length, (t + 1) * labels.length), entailment, options.multiLabel ?? false);
      return { sequence, ...rankLabels(labels, scores) };
    });
    return typeof input === 'string' ? results[0] : results;
  }
}
