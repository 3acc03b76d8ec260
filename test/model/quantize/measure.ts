// How far a model loaded in another precision lands from Hugging Face's float32 outputs on the
// fixture models: max |Δ| per output, and how often the largest logit is the same one.

import { fromPretrained, type FromPretrainedOptions } from '../../../model/fromPretrained.js';
import { disposeOutput, namedOutputs } from '../../../model/roberta.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type FixtureModel } from '../fixtureModels.js';

/** The outputs a fixture's HF forward returned, other than its inputs and per-layer states. */
export const FINAL_OUTPUTS = ['last_hidden_state', 'pooler_output', 'logits', 'start_logits', 'end_logits'];

export interface Deviation {
  /** max |ours − HF| per output name. */
  readonly maxAbs: Readonly<Record<string, number>>;
  /** Rows (along the last axis) of the logits whose argmax is HF's, and how many rows there are. */
  readonly top1: { readonly agree: number; readonly rows: number };
}

/** The index of the largest of each row of `width` values. */
export function argmaxRows(values: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * width < values.length; r++) {
    let best = 0;
    for (let i = 1; i < width; i++) if (values[r * width + i] > values[r * width + best]) best = i;
    out.push(best);
  }
  return out;
}

/** The precision options of fromPretrained. */
export type PrecisionOptions = Pick<FromPretrainedOptions, 'dtype' | 'int8Embeddings'>;

/** Every final output of fixture `name` loaded from `dir` (default: the fixture's own folder) with `precision`, by HF's names. */
export async function finalOutputs(name: FixtureModel, precision: PrecisionOptions, dir = fixtureDir(name)): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
  const model = await fromPretrained(dir, { backend: 'cpu', ...precision });
  const inputs = fixtureInputs(name);
  const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask });
  const result = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [key, t] of namedOutputs(out)) if (FINAL_OUTPUTS.includes(key)) result.set(key, { shape: t.shape, data: (await t.data()) as Float32Array });
  disposeOutput(out);
  model.dispose();
  return result;
}

export async function deviationFromHuggingFace(name: FixtureModel, precision: PrecisionOptions): Promise<Deviation> {
  const expected = fixtureExpected(name);
  const ours = await finalOutputs(name, precision);
  const maxAbs: Record<string, number> = {};
  let agree = 0;
  let rows = 0;
  for (const [key, { shape, data }] of ours) {
    const want = expected.get(key)!;
    maxAbs[key] = maxAbsDiff(data, want.data);
    if (key === 'last_hidden_state' || key === 'pooler_output') continue;
    const width = shape[shape.length - 1];
    const a = argmaxRows(data, width);
    const b = argmaxRows(want.data, width);
    agree += a.filter((v, i) => v === b[i]).length;
    rows += a.length;
  }
  return { maxAbs, top1: { agree, rows } };
}
