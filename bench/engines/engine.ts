// An inference engine as the suites see it: something loaded once that runs a batch of token ids
// and hands back the result on the host. roberta-ts on each backend and the ONNX Runtime peers
// all take this shape, so one timing loop measures them alike.

import type { BenchInputs } from '../inputs.js';

export interface BenchEngine {
  /** Short name for tables: `roberta-ts wasm`, `onnxruntime-node`. */
  readonly name: string;
  /** One line: what it runs on (threads, adapter, execution provider). */
  readonly description: string;
  /** Time to load the model (weights, session, device upload). */
  readonly loadMs: number;
  /**
   * A call running these inputs once and resolving to the first output a caller would use
   * (logits, else the last hidden state) on the host. Per-input preparation that a real caller
   * would also do once (building ONNX tensors) happens here, outside the timed call.
   */
  bind(inputs: BenchInputs): () => Promise<ArrayLike<number>>;
  dispose(): Promise<void>;
}
