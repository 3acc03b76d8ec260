/** @jest-environment ./test/model/onnx/ortEnvironment.ts */
// export-onnx --dtype q8: the file holds int8 weights read by MatMulInteger, and onnxruntime-node
// running it gives our own q8 CPU forward's numbers. The integer sums are equal by construction
// (the same x_q and W_q), so what remains is the float ops around them (softmax, LayerNorm, erf)
// rounding differently, now and then moving an x_q by one step.

import '../../../index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { writeQuantizedModel } from '../../../cli/quantize.js';
import { quantizeWeight } from '../../../engine/quantize.js';
import { ConfigError } from '../../../model/config.js';
import { exportOnnx } from '../../../model/onnx/export.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { disposeOutput, namedOutputs } from '../../../model/roberta.js';
import { makeTempDir } from '../../tempDir.js';
import { FIXTURE_MODELS, fixtureDir, fixtureInputs, maxAbsDiff } from '../fixtureModels.js';
import { ProtoMessage } from './protoDecoder.js';
import { fixtureTensors } from './variantModels.js';

/**
 * Measured ≤ 7.2e-7 over every output of the six fixture models (a few float32 ulps). One x_q moved
 * by a step would move an output by ~1e-3, so this bound holds the integer parts equal.
 */
const TOLERANCE = 1e-5;

// onnx.proto field numbers and TensorProto.DataType values, written out independently of model/onnx.
const GRAPH = { node: 1, initializer: 5 };
const NODE = { opType: 4, input: 1 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const FLOAT = 1n;
const UINT8 = 2n;
const INT8 = 3n;

const tmp = makeTempDir('onnx-q8');

type Ids = number[][] | number[][][];

function int64(ids: Ids): ort.Tensor {
  const dims: number[] = [];
  for (let t: unknown = ids; Array.isArray(t); t = t[0]) dims.push(t.length);
  return new ort.Tensor('int64', BigInt64Array.from(ids.flat(2) as number[], BigInt), dims);
}

async function exportQ8(dir: string, file: string): Promise<string> {
  const path = join(tmp, file);
  await exportOnnx(dir, path, { dtype: 'q8', hiddenStates: true });
  return path;
}

describe('export-onnx --dtype q8', () => {
  let worst = 0;
  afterAll(() => console.log(`q8 ONNX (onnxruntime-node) vs our q8 CPU forward: max |Δ| ${worst.toExponential(2)} over every output`));

  for (const name of FIXTURE_MODELS) {
    it(`${name}: onnxruntime-node gives our q8 CPU outputs (every hidden state and head) within ${TOLERANCE}`, async () => {
      const { input_ids: ids, attention_mask: mask } = fixtureInputs(name);
      const session = await ort.InferenceSession.create(await exportQ8(fixtureDir(name), `${name}.onnx`));
      const results = await session.run({ input_ids: int64(ids), attention_mask: int64(mask) });
      await session.release();

      const model = await fromPretrained(fixtureDir(name), { backend: 'cpu', dtype: 'q8' });
      const out = model.forward({ inputIds: ids, attentionMask: mask }, { outputHiddenStates: true });
      const ours = namedOutputs(out);
      expect(Object.keys(results).sort()).toEqual([...ours.keys()].sort());
      for (const [key, t] of ours) {
        const got = results[key]!;
        expect({ key, dims: [...got.dims] }).toEqual({ key, dims: [...t.shape] });
        const diff = maxAbsDiff(got.data as Float32Array, (await t.data()) as Float32Array);
        if (!(diff <= TOLERANCE)) throw new Error(`${name}: "${key}" differs by max |Δ| = ${diff}`);
        worst = Math.max(worst, diff);
      }
      disposeOutput(out);
      model.dispose();
    });
  }

  it('tiny-mlm in onnxruntime-web (wasm, as in a browser): the same outputs there too', async () => {
    ortWeb.env.wasm.numThreads = 1; // no worker threads in tests
    const session = await ortWeb.InferenceSession.create(readFileSync(await exportQ8(fixtureDir('tiny-mlm'), 'tiny-mlm-web.onnx')), { executionProviders: ['wasm'] });
    const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-mlm');
    const feeds = { input_ids: int64(ids), attention_mask: int64(mask) };
    const web = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ortWeb.Tensor('int64', t.data as BigInt64Array, t.dims)])));
    await session.release();
    const model = await fromPretrained(fixtureDir('tiny-mlm'), { backend: 'cpu', dtype: 'q8' });
    const out = model.forward({ inputIds: ids, attentionMask: mask });
    expect(maxAbsDiff(web.logits!.data as Float32Array, (await out.logits!.data()) as Float32Array)).toBeLessThanOrEqual(TOLERANCE);
    disposeOutput(out);
    model.dispose();
  });

  it('tiny-cls: every quantized linear is MatMulInteger on an INT8 [in, out] initializer (our W_q transposed) and uint8 activations; the output projection stays float', () => {
    return exportQ8(fixtureDir('tiny-cls'), 'tiny-cls-graph.onnx').then((path) => {
      const graph = new ProtoMessage(readFileSync(path)).message(7); // ModelProto.graph
      const nodes = graph.messages(GRAPH.node);
      const initializers = new Map(graph.messages(GRAPH.initializer).map((t) => [t.string(TENSOR.name), t]));
      const opCount = (op: string) => nodes.filter((n) => n.string(NODE.opType) === op).length;
      // 2 layers × (query, key, value, attention output, intermediate, output) + classifier.dense.
      expect(opCount('MatMulInteger')).toBe(2 * 6 + 1);
      // Per token quantization once per value: the query, key and value share it.
      expect(opCount('ReduceMax')).toBe(2 * 4 + 1);
      // q·kᵀ and probs·v per layer, classifier.out_proj, and each quantized layer's s_x·s_w.
      expect(opCount('MatMul')).toBe(2 * 2 + 1 + 13);

      const tensors = fixtureTensors('tiny-cls');
      const query = 'roberta.encoder.layer.0.attention.self.query.weight';
      const t = initializers.get(`${query}.T`)!;
      expect(t.int(TENSOR.dataType)).toBe(INT8);
      expect(t.ints(TENSOR.dims)).toEqual([32n, 32n]);
      const stored = new Int8Array(new Uint8Array(t.bytes(TENSOR.rawData)).buffer);
      const { values, scales } = quantizeWeight(tensors.get(query)!.data, 32, 32);
      expect(stored).toEqual(Int8Array.from({ length: 32 * 32 }, (_, i) => values[(i % 32) * 32 + Math.floor(i / 32)]));
      const scale = initializers.get('encoder.layer.0.attention.self.query.weight_scale')!;
      expect(scale.ints(TENSOR.dims)).toEqual([1n, 32n]);
      expect(new Float32Array(new Uint8Array(scale.bytes(TENSOR.rawData)).buffer)).toEqual(scales);

      // No float copy of any quantized weight; the float matrices left are embeddings and out_proj.
      const floatMatrices = [...initializers.values()].filter((i) => i.int(TENSOR.dataType) === FLOAT && i.ints(TENSOR.dims).length === 2).map((i) => i.string(TENSOR.name)).filter((n) => !n.endsWith('.weight_scale'));
      expect(floatMatrices.sort()).toEqual([
        'classifier.out_proj.weight.T',
        'roberta.embeddings.position_embeddings.weight',
        'roberta.embeddings.token_type_embeddings.weight',
        'roberta.embeddings.word_embeddings.weight',
      ]);
      // Each reads x_q + 128 as uint8 with zero point 128 (onnxruntime-web's fast uint8 × int8 kernel), and int8 weights.
      const zeroPoint = initializers.get('activation_zero_point')!;
      expect([zeroPoint.int(TENSOR.dataType), [...zeroPoint.bytes(TENSOR.rawData)]]).toEqual([UINT8, [128]]);
      for (const n of nodes.filter((m) => m.string(NODE.opType) === 'MatMulInteger')) {
        const [, weight, zero] = n.strings(NODE.input);
        expect([initializers.get(weight!)?.int(TENSOR.dataType), zero]).toEqual([INT8, 'activation_zero_point']);
      }
    });
  });

  it('a `roberta quantize` folder exports (by default as q8) to the same file as its float original', async () => {
    const quantized = join(tmp, 'tiny-mlm-q8');
    await writeQuantizedModel(fixtureDir('tiny-mlm'), quantized, 'q8');
    const fromFolder = join(tmp, 'from-folder.onnx');
    await exportOnnx(quantized, fromFolder, { hiddenStates: true });
    expect(readFileSync(fromFolder).equals(readFileSync(await exportQ8(fixtureDir('tiny-mlm'), 'from-float.onnx')))).toBe(true);
    await expect(exportOnnx(quantized, join(tmp, 'no.onnx'), { dtype: 'fp32' })).rejects.toThrow(new ConfigError(`${quantized} holds q8 (int8) weights: export it with dtype q8, or export its float original`));
  });

  it('int8 word embeddings (--q8-embeddings) are refused in one line', async () => {
    const quantized = join(tmp, 'tiny-q8-embeddings');
    await writeQuantizedModel(fixtureDir('tiny'), quantized, 'q8', { int8Embeddings: true });
    await expect(exportOnnx(quantized, join(tmp, 'no.onnx'))).rejects.toThrow(/stores int8 word embeddings \(--q8-embeddings\), which the ONNX export does not write/);
  });
});
