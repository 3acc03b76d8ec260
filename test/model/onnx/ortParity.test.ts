/** @jest-environment ./test/model/onnx/ortEnvironment.ts */
// The exported files, run by ONNX Runtime (onnxruntime-node), against what Hugging Face computed
// (the fixtures) and against our own CPU forward pass: every output, at the fixture's batch and
// sequence sizes and at others (the axes are dynamic).

import '../../../index.js';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { disposeOutput, namedOutputs } from '../../../model/roberta.js';
import { exportOnnx } from '../../../model/onnx/export.js';
import type { HostTensor } from '../../../model/weights/hostTensor.js';
import { makeTempDir } from '../../tempDir.js';
import { FIXTURE_MODELS, fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type FixtureModel } from '../fixtureModels.js';
import { fixtureTensors, writeVariant } from './variantModels.js';

const TOLERANCE = 1e-4;
const tmp = makeTempDir('onnx-parity');

interface Output {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}
type Outputs = Map<string, Output>;
/** [batch, seq], or [batch, choices, seq] for multiple choice. */
type Ids = number[][] | number[][][];

function dimsOf(ids: Ids): number[] {
  const dims: number[] = [];
  for (let t: unknown = ids; Array.isArray(t); t = t[0]) dims.push(t.length);
  return dims;
}

function int64(ids: Ids): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(ids.flat(2) as number[], BigInt), dimsOf(ids));
}

async function runOrt(session: ort.InferenceSession, feeds: Record<string, Ids>): Promise<Outputs> {
  const results = await session.run(Object.fromEntries(Object.entries(feeds).map(([name, rows]) => [name, int64(rows)])));
  return new Map(Object.entries(results).map(([name, t]) => [name, { dims: t.dims, data: t.data as Float32Array }]));
}

/** Our CPU forward pass, outputs under HF's names. */
async function runOurs(dir: string, inputIds: Ids, attentionMask: Ids): Promise<Outputs> {
  const model = await fromPretrained(dir);
  try {
    const out = model.forward({ inputIds, attentionMask }, { outputHiddenStates: true, outputAttentions: true });
    const outputs: Outputs = new Map();
    for (const [name, t] of namedOutputs(out)) outputs.set(name, { dims: t.shape, data: (await t.data()) as Float32Array });
    disposeOutput(out);
    return outputs;
  } finally {
    model.dispose();
  }
}

/**
 * Which axes of an output are the row and sequence axes (independent of what the file declares).
 * Rows are the batch, or for multiple choice the choices of its one example (whose hidden states
 * are over batch · choices rows, and whose logits are [1, choices]).
 */
function axesOf(name: string, rank: number, multipleChoice: boolean): ('rows' | 'sequence' | null)[] {
  if (name.startsWith('attentions.')) return ['rows', null, 'sequence', 'sequence'];
  if (name === 'start_logits' || name === 'end_logits') return ['rows', 'sequence'];
  if (name === 'logits' && multipleChoice) return [null, 'rows'];
  if (name === 'pooler_output' || rank === 2) return ['rows', null];
  return ['rows', 'sequence', null];
}

/** HF's expected tensor cut down to the first `rows` rows and `seq` positions. */
function sliceExpected(name: string, t: HostTensor, rows: number, seq: number, multipleChoice: boolean): Output {
  const axes = axesOf(name, t.shape.length, multipleChoice);
  const dims = t.shape.map((d, i) => (axes[i] === 'rows' ? rows : axes[i] === 'sequence' ? seq : d));
  const out = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  out.forEach((_, flat) => {
    let rest = flat;
    let source = 0;
    for (let i = dims.length - 1; i >= 0; i--) {
      source += (rest % dims[i]) * strides[i];
      rest = Math.floor(rest / dims[i]);
    }
    out[flat] = t.data[source];
  });
  return { dims, data: out };
}

/** Compares every output of `got` with `want`; returns the largest difference. */
function expectClose(label: string, got: Outputs, want: Outputs): number {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  let worst = 0;
  for (const [name, w] of want) {
    const g = got.get(name)!;
    expect({ name, dims: [...g.dims] }).toEqual({ name, dims: [...w.dims] });
    const diff = maxAbsDiff(g.data, w.data);
    if (!(diff <= TOLERANCE)) throw new Error(`${label}: "${name}" differs by max |Δ| = ${diff}`);
    worst = Math.max(worst, diff);
  }
  return worst;
}

function expectedOutputs(name: FixtureModel, rows: number, seq: number): Outputs {
  const outputs: Outputs = new Map();
  for (const [key, t] of fixtureExpected(name)) {
    if (!['input_ids', 'attention_mask', 'position_ids'].includes(key)) outputs.set(key, sliceExpected(key, t, rows, seq, name === 'tiny-mc'));
  }
  return outputs;
}

/** The first `rows` rows (multiple choice: the first `rows` choices of each example), cut to `seq` positions. */
function cutIds(ids: Ids, rows: number, seq: number): Ids {
  const cut = (m: number[][]) => m.slice(0, rows).map((r) => r.slice(0, seq));
  return Array.isArray(ids[0][0]) ? (ids as number[][][]).map(cut) : cut(ids as number[][]);
}

/**
 * The fixture's rows (all, all but the last, the first), each time cut to the longest real length
 * among them: HF's outputs on the cut-down batch are its full outputs cut down, since padded keys
 * get attention probability exactly 0.
 */
function cutSizes(mask: Ids): [rows: number, seq: number][] {
  const rows = Array.isArray(mask[0][0]) ? (mask as number[][][])[0] : (mask as number[][]);
  const realLength = (r: number[]) => r.reduce((a, b) => a + b, 0);
  return [rows.length, rows.length - 1, 1].map((n) => [n, Math.max(...rows.slice(0, n).map(realLength))]);
}

async function exportAndLoad(dir: string, file: string, options: Parameters<typeof exportOnnx>[2] = {}): Promise<ort.InferenceSession> {
  const path = join(tmp, file);
  await exportOnnx(dir, path, options);
  return ort.InferenceSession.create(path);
}

describe('export-onnx: onnxruntime-node runs the file and matches Hugging Face', () => {
  for (const name of FIXTURE_MODELS) {
    it(`${name}: every output (hidden states, attentions, heads) within ${TOLERANCE} of HF and of our CPU forward, at several batch/sequence sizes`, async () => {
      const session = await exportAndLoad(fixtureDir(name), `${name}.onnx`, { hiddenStates: true, attentions: true });
      const { input_ids: ids, attention_mask: mask } = fixtureInputs(name);
      expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);

      // The dynamic axes as the file declares them, read back by ORT.
      const declared = Object.fromEntries(session.outputMetadata.map((m) => [m.name, m.isTensor ? m.shape : null]));
      const rowsAxis = name === 'tiny-mc' ? 'batch_x_choices' : 'batch';
      expect(declared['last_hidden_state']).toEqual([rowsAxis, 'sequence', 32]);
      expect(declared['attentions.0']).toEqual([rowsAxis, 4, 'sequence', 'sequence']);

      // E.g. 3 × 12, 2 × 9 and 1 × 5 for rows of 5, 9 and 12 real tokens.
      const sizes = cutSizes(mask);
      expect(new Set(sizes.map(([, seq]) => seq)).size).toBeGreaterThan(1); // the sequence axis is cut too
      for (const [rows, seq] of sizes) {
        const [cutIdsOf, cutMask] = [cutIds(ids, rows, seq), cutIds(mask, rows, seq)];
        const onnx = await runOrt(session, { input_ids: cutIdsOf, attention_mask: cutMask });
        expectClose(`${name} ${rows}×${seq} vs HF`, onnx, expectedOutputs(name, rows, seq));
        expectClose(`${name} ${rows}×${seq} vs our CPU forward`, onnx, await runOurs(fixtureDir(name), cutIdsOf, cutMask));
      }
      await session.release();
    });
  }

  for (const name of ['tiny-cls', 'tiny-mc'] as const) {
    it(`${name}: with --token-type-ids the file takes token_type_ids (zeros reproduce HF)`, async () => {
      const session = await exportAndLoad(fixtureDir(name), `${name}-types.onnx`, { tokenTypeIds: true });
      expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
      const { input_ids: ids, attention_mask: mask } = fixtureInputs(name);
      const dims = dimsOf(ids); // [batch, seq], or [batch, choices, seq] for multiple choice
      const declared = session.inputMetadata.map((m) => (m.isTensor ? m.shape : null));
      expect(declared).toEqual(Array(3).fill(name === 'tiny-mc' ? ['batch', 'choices', 'sequence'] : ['batch', 'sequence']));
      const zeros = JSON.parse(JSON.stringify(ids), (_, v) => (typeof v === 'number' ? 0 : v)) as Ids; // ids' shape, every entry 0
      const all = await runOrt(session, { input_ids: ids, attention_mask: mask, token_type_ids: zeros });
      const expected = expectedOutputs(name, dims.length === 3 ? dims[1] : dims[0], dims[dims.length - 1]);
      const keys = ['last_hidden_state', 'logits'];
      expectClose(`${name} with token_type_ids`, new Map(keys.map((k) => [k, all.get(k)!])), new Map(keys.map((k) => [k, expected.get(k)!])));
      await session.release();
    });
  }

  it('an untied masked-LM decoder (lm_head.decoder.weight present) is used instead of the word embeddings', async () => {
    // decoder = 2 × word embeddings, so logits = 2·(HF's logits − bias) + bias.
    const dir = writeVariant('tiny-mlm', {
      tensors: (t) => {
        const words = t.get('roberta.embeddings.word_embeddings.weight')!;
        t.set('lm_head.decoder.weight', { ...words, data: (words.data as Float32Array).map((v) => 2 * v) });
      },
    });
    const session = await exportAndLoad(dir, 'tiny-mlm-untied.onnx');
    const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-mlm');
    const logits = (await runOrt(session, { input_ids: ids, attention_mask: mask })).get('logits')!;
    const bias = fixtureTensors('tiny-mlm').get('lm_head.bias')!.data;
    const want = fixtureExpected('tiny-mlm').get('logits')!.data.map((v, i) => 2 * (v - bias[i % bias.length]) + bias[i % bias.length]);
    expect(maxAbsDiff(logits.data, want)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(logits.data, (await runOurs(dir, ids, mask)).get('logits')!.data)).toBeLessThanOrEqual(TOLERANCE);
    await session.release();
  });

  for (const act of ['gelu_new', 'relu', 'silu', 'tanh'] as const) {
    it(`hidden_act "${act}" matches our CPU forward (and differs from HF's exact-GELU model)`, async () => {
      const dir = writeVariant('tiny', { config: { hidden_act: act } });
      const session = await exportAndLoad(dir, `tiny-${act}.onnx`);
      const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny');
      const onnx = await runOrt(session, { input_ids: ids, attention_mask: mask });
      const ours = await runOurs(dir, ids, mask);
      expectClose(`tiny with ${act}`, onnx, new Map(['last_hidden_state', 'pooler_output'].map((k) => [k, ours.get(k)!])));
      // The variant really is another model: a graph that kept the exact GELU would fail above.
      expect(maxAbsDiff(onnx.get('last_hidden_state')!.data, fixtureExpected('tiny').get('last_hidden_state')!.data)).toBeGreaterThan(TOLERANCE);
      await session.release();
    });
  }
});
