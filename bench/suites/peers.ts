// roberta-ts beside ONNX Runtime in the same run: the same weights (exported to ONNX by
// `exportOnnx`), the same token ids, the same shapes and budget. Shapes are interleaved across
// engines, so all see the same load on the machine. The first shape all engines ran also
// checks that they agree (max |Δ| of the outputs), so a fast wrong answer would show.
//
// Two precisions, each on its own weights: fp32 (ours on `auto`, both runtimes on the float
// export) and q8 (ours on wasm, both runtimes on `export-onnx --dtype q8`, the identical int8
// weights and per-token quantization). Issue #18's goals are ratios of these rows: wasm q8 against
// onnxruntime-web fp32 and against onnxruntime-web on the int8 graph, and q8's model memory.

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRobertaConfig } from '../../model/config.js';
import { exportOnnx } from '../../model/onnx/export.js';
import type { OnnxWeightPrecision } from '../../model/onnx/robertaGraph.js';
import { SAFETENSORS_FILE } from '../../model/weights/load.js';
import type { BenchEngine } from '../engines/engine.js';
import { loadOrtEngine } from '../engines/onnxruntime.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { loadOurEngine, weightBytes, type OurEngine } from '../engines/ours.js';
import { benchInputs } from '../inputs.js';
import { markdownTable, sig, type SuiteReport } from '../report.js';
import { EngineBudget, measureShape, shapeLabel, type ShapeMeasurement } from '../shapePlan.js';
import type { SuiteContext } from './context.js';
import { budgetOptions, measurementTable, shapesFor, WARMUP } from './e2e.js';

/**
 * Float32 engines summing in different orders differ by ~1e-6 on these outputs; a real bug by far
 * more. On the int8 graph ORT's own fused float kernels (LayerNorm, GELU, softmax) can move an x_q
 * by one step now and then, so agreement there is looser.
 */
const AGREEMENT_TOLERANCE: Readonly<Record<OnnxWeightPrecision, number>> = { fp32: 1e-3, q8: 2e-2 };

/** onnxruntime-web's threads: what transformers.js gets on a 2-core CPU with cross-origin isolation. */
export const ORT_WEB_THREADS = 2;

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** `<dir>/onnx/model.onnx` (q8: `model_q8.onnx`), exported again when missing or older than the weights. */
export async function ensureOnnx(dir: string, log: (line: string) => void, dtype: OnnxWeightPrecision = 'fp32'): Promise<string> {
  const out = join(dir, 'onnx', dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`);
  const exported = await mtimeMs(out);
  const sources = await Promise.all([join(dir, SAFETENSORS_FILE), join(dir, 'config.json')].map(mtimeMs));
  if (exported !== undefined && sources.every((m) => m !== undefined && m <= exported)) return out;
  log(`peers: exporting ${dir} to ${out}`);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await exportOnnx(dir, out, { dtype });
  return out;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

interface PeerGroup {
  readonly dtype: OnnxWeightPrecision;
  readonly ours: OurEngine;
  readonly onnxPath: string;
  readonly peers: BenchEngine[];
}

const MiB = 2 ** 20;

export async function runPeersSuite(context: SuiteContext): Promise<SuiteReport> {
  const dir = await context.modelDir();
  const config = await loadRobertaConfig(dir);
  const shapes = shapesFor(context.quick, config);

  const groups: PeerGroup[] = [];
  const notes: string[] = [];
  for (const dtype of ['fp32', 'q8'] as const) {
    const onnxPath = await ensureOnnx(dir, context.log, dtype);
    const ours = await loadOurEngine(dir, dtype === 'fp32' ? 'auto' : 'wasm', dtype);
    const selection = dtype === 'fp32' ? ` (\`auto\`: ${ours.selection.join('; ')})` : '';
    notes.push(`- ${ours.name}: ${ours.description}${selection}; load ${sig(ours.loadMs, 3)} ms; weights ${sig(ours.weightBytes / MiB, 4)} MiB`);
    const peers: BenchEngine[] = [];
    for (const [flavor, threads] of [['onnxruntime-node', context.machine.cores], ['onnxruntime-web', ORT_WEB_THREADS]] as const) {
      try {
        const engine = await loadOrtEngine(flavor, onnxPath, threads);
        const named = dtype === 'fp32' ? engine : { ...engine, name: `${engine.name} ${dtype}` };
        peers.push(named);
        notes.push(`- ${named.name}: ${engine.description}, ${onnxPath} (${sig((await stat(onnxPath)).size / MiB, 4)} MiB); session ${sig(engine.loadMs, 3)} ms`);
      } catch (error) {
        notes.push(`- ${flavor} ${dtype}: unavailable: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    groups.push({ dtype, ours, onnxPath, peers });
  }
  const engines = groups.flatMap((g) => [g.ours, ...g.peers]);
  // q8 with int8 word embeddings too (--q8-embeddings; the ONNX export does not write them): memory only.
  const withInt8Embeddings = await fromPretrained(dir, { backend: 'wasm', dtype: 'q8', int8Embeddings: true });
  const q8EmbeddingsBytes = weightBytes(withInt8Embeddings);
  withInt8Embeddings.dispose();

  const rows: ShapeMeasurement[] = [];
  const agreement: Array<{ shape: string; dtype: OnnxWeightPrecision; engine: string; reference: string; maxAbsDiff: number }> = [];
  try {
    const budgets = new Map(engines.map((e) => [e, new EngineBudget(budgetOptions(context), config, shapes.length)]));
    for (const shape of shapes) {
      const inputs = benchInputs(config, shape.batch, shape.seq);
      const outputs = new Map<BenchEngine, ArrayLike<number>>();
      for (const engine of engines) {
        const { row, output } = await measureShape(engine, config, shape, budgets.get(engine)!, WARMUP, context.log, inputs);
        rows.push(row);
        if (output !== undefined) outputs.set(engine, output);
      }
      for (const { dtype, ours, peers } of groups) {
        const reference = outputs.get(ours);
        if (agreement.some((a) => a.dtype === dtype) || reference === undefined || !peers.every((p) => outputs.has(p))) continue;
        for (const peer of peers) agreement.push({ shape: shapeLabel(shape), dtype, engine: peer.name, reference: ours.name, maxAbsDiff: maxAbsDifference(reference, outputs.get(peer)!) });
      }
    }
  } finally {
    for (const engine of engines) await engine.dispose();
  }

  const median = (engine: BenchEngine, label: string) => rows.find((r) => r.engine === engine.name && shapeLabel(r) === label)?.medianMs;
  // Each of ours against each peer of its own precision, and q8 against the fp32 peers too (the
  // issue's "wasm q8 ≤ 0.5× onnxruntime-web fp32").
  const fp32 = groups.find((g) => g.dtype === 'fp32')!;
  const pairs = groups.flatMap((g) => [...g.peers, ...(g.dtype === 'fp32' ? [] : fp32.peers)].map((peer) => [g.ours, peer] as const));
  const short = (name: string) => name.replace('roberta-ts ', '').replace('onnxruntime-', 'ort-');
  const comparison = markdownTable(
    ['batch×seq', ...engines.map((e) => `${e.name} median ms`), ...pairs.map(([a, b]) => `${short(a.name)} ÷ ${short(b.name)}`)],
    shapes.map((shape) => {
      const label = shapeLabel(shape);
      return [
        label,
        ...engines.map((e) => sig(median(e, label), 4)),
        ...pairs.map(([a, b]) => {
          const [mine, theirs] = [median(a, label), median(b, label)];
          return mine !== undefined && theirs !== undefined ? `${(mine / theirs).toFixed(2)}×` : undefined;
        }),
      ];
    }),
  );
  const [fp32Bytes, q8Bytes] = groups.map((g) => g.ours.weightBytes);
  const markdown = [
    `model: ${dir} and its ONNX exports (fp32 and q8); identical token ids for every engine; ratio > 1 means roberta-ts is slower`,
    '',
    ...notes,
    `- model memory (weights on the backend): q8 ${sig(q8Bytes! / MiB, 4)} MiB = ${((100 * q8Bytes!) / fp32Bytes!).toFixed(1)} % of fp32's ${sig(fp32Bytes! / MiB, 4)} MiB; q8 with int8 embeddings (--q8-embeddings) ${sig(q8EmbeddingsBytes / MiB, 4)} MiB = ${((100 * q8EmbeddingsBytes) / fp32Bytes!).toFixed(1)} %`,
    ...agreement.map((a) => `- outputs ${a.maxAbsDiff < AGREEMENT_TOLERANCE[a.dtype] ? 'agree' : 'DISAGREE'} at ${a.shape}: max |Δ| ${a.engine} vs ${a.reference} = ${a.maxAbsDiff.toExponential(2)} (tolerance ${AGREEMENT_TOLERANCE[a.dtype]})`),
    '',
    comparison,
    '',
    measurementTable(rows, 'engine'),
  ].join('\n');
  return {
    suite: 'peers',
    title: 'roberta-ts beside ONNX Runtime (same weights, same inputs; fp32 and q8)',
    markdown,
    data: {
      model: dir,
      onnx: Object.fromEntries(groups.map((g) => [g.dtype, g.onnxPath])),
      engines: engines.map((e) => ({ name: e.name, description: e.description, loadMs: e.loadMs })),
      weightBytes: { fp32: fp32Bytes, q8: q8Bytes, q8Int8Embeddings: q8EmbeddingsBytes },
      agreement,
      measurements: rows,
    },
  };
}
