// The peers: Microsoft's ONNX Runtime running the same model, exported by `exportOnnx` from the
// same weights, on the same inputs.
//   - onnxruntime-node: the native CPU build (MLAS kernels, AVX-512 where the CPU has it) — what a
//     server would run.
//   - onnxruntime-web on WebAssembly with SIMD and threads — what transformers.js runs on a CPU,
//     in the browser or in Node; the honest peer of our wasm backend.
// Both packages expose the same API (onnxruntime-common); they are imported only when used.

import type * as OrtNode from 'onnxruntime-node';
import type { BenchInputs } from '../inputs.js';
import type { BenchEngine } from './engine.js';

export type OrtFlavor = 'onnxruntime-node' | 'onnxruntime-web';

type Ort = Pick<typeof OrtNode, 'InferenceSession' | 'Tensor'>;

function int64Tensor(ort: Ort, rows: readonly (readonly number[])[]): OrtNode.Tensor {
  const data = BigInt64Array.from(rows.flatMap((row) => row.map((id) => BigInt(id))));
  return new ort.Tensor('int64', data, [rows.length, rows[0]!.length]);
}

export async function loadOrtEngine(flavor: OrtFlavor, onnxPath: string, threads: number): Promise<BenchEngine> {
  let ort: Ort;
  let description: string;
  let options: OrtNode.InferenceSession.SessionOptions;
  if (flavor === 'onnxruntime-node') {
    ort = await import('onnxruntime-node');
    description = `onnxruntime-node (native CPU execution provider), ${threads} intra-op threads`;
    options = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  } else {
    const web = await import('onnxruntime-web');
    web.env.wasm.numThreads = threads;
    web.env.wasm.simd = true;
    ort = web as unknown as Ort; // the same onnxruntime-common API as the node package
    description = `onnxruntime-web ${web.env.versions.web ?? ''} (WebAssembly SIMD-128), ${threads} threads`;
    options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  }
  const start = performance.now();
  const session = await ort.InferenceSession.create(onnxPath, options);
  const loadMs = performance.now() - start;
  const output = session.outputNames.includes('logits') ? 'logits' : 'last_hidden_state';
  if (!session.outputNames.includes(output)) throw new Error(`${onnxPath}: outputs ${session.outputNames.join(', ')} include neither logits nor last_hidden_state`);
  return {
    name: flavor,
    description,
    loadMs,
    bind(inputs: BenchInputs) {
      const feeds = { input_ids: int64Tensor(ort, inputs.inputIds), attention_mask: int64Tensor(ort, inputs.attentionMask) };
      return async () => (await session.run(feeds, [output]))[output]!.data as Float32Array;
    },
    dispose: () => session.release(),
  };
}
