// roberta-ts on one backend, as a BenchEngine.

import { bytesPerElement } from '../../engine/dtype.js';
import type { BackendPreference } from '../../engine/select.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { WeightPrecision } from '../../model/precision.js';
import type { AnyRobertaModel } from '../../model/roberta.js';
import { runForward } from '../forwardBench.js';
import type { BenchEngine } from './engine.js';

export interface OurEngine extends BenchEngine {
  readonly model: AnyRobertaModel;
  /** For `auto`: which backend was picked and why, one line per backend considered. */
  readonly selection: readonly string[];
  /** Bytes the model's parameters take on the backend (int8 1, float16 2, float32 4 per element; a tied weight once). */
  readonly weightBytes: number;
}

/** Bytes the model's parameters take on its backend (a tied weight once). */
export function weightBytes(model: AnyRobertaModel): number {
  return model.params.parameters().reduce((sum, { tensor }) => sum + tensor.size * bytesPerElement(tensor.dtype), 0);
}

/** `dtype` other than fp32 adds it to the name: `roberta-ts wasm q8`. */
export async function loadOurEngine(dir: string, backend: BackendPreference, dtype: WeightPrecision = 'fp32'): Promise<OurEngine> {
  const start = performance.now();
  const model = await fromPretrained(dir, { backend, dtype });
  const loadMs = performance.now() - start;
  return {
    name: `roberta-ts ${model.backend.name}${dtype === 'fp32' ? '' : ` ${dtype}`}`,
    weightBytes: weightBytes(model),
    description: model.backend.description,
    loadMs,
    model,
    selection: model.selection?.lines ?? [],
    bind: (inputs) => () => runForward(model, inputs),
    dispose: async () => model.dispose(),
  };
}
