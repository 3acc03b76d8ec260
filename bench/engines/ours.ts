// roberta-ts on one backend, as a BenchEngine.

import type { BackendPreference } from '../../engine/select.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { AnyRobertaModel } from '../../model/roberta.js';
import { runForward } from '../forwardBench.js';
import type { BenchEngine } from './engine.js';

export interface OurEngine extends BenchEngine {
  readonly model: AnyRobertaModel;
  /** For `auto`: which backend was picked and why, one line per backend considered. */
  readonly selection: readonly string[];
}

export async function loadOurEngine(dir: string, backend: BackendPreference): Promise<OurEngine> {
  const start = performance.now();
  const model = await fromPretrained(dir, { backend });
  const loadMs = performance.now() - start;
  return {
    name: `roberta-ts ${model.backend.name}`,
    description: model.backend.description,
    loadMs,
    model,
    selection: model.selection?.lines ?? [],
    bind: (inputs) => () => runForward(model, inputs),
    dispose: async () => model.dispose(),
  };
}
