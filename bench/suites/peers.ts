// roberta-ts beside ONNX Runtime in the same run: the same weights (exported to ONNX by
// `exportOnnx`), the same token ids, the same shapes and budget. Shapes are interleaved across
// engines, so all three see the same load on the machine. The first shape all engines ran also
// checks that they agree (max |Δ| of the outputs), so a fast wrong answer would show.

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRobertaConfig } from '../../model/config.js';
import { exportOnnx } from '../../model/onnx/export.js';
import { SAFETENSORS_FILE } from '../../model/weights/load.js';
import type { BenchEngine } from '../engines/engine.js';
import { loadOrtEngine } from '../engines/onnxruntime.js';
import { loadOurEngine } from '../engines/ours.js';
import { benchInputs } from '../inputs.js';
import { markdownTable, sig, type SuiteReport } from '../report.js';
import { EngineBudget, measureShape, shapeLabel, type ShapeMeasurement } from '../shapePlan.js';
import type { SuiteContext } from './context.js';
import { budgetOptions, measurementTable, shapesFor, WARMUP } from './e2e.js';

/** Float32 engines summing in different orders differ by ~1e-6 on these outputs; a real bug by far more. */
const AGREEMENT_TOLERANCE = 1e-3;

/** onnxruntime-web's threads: what transformers.js gets on a 2-core CPU with cross-origin isolation. */
export const ORT_WEB_THREADS = 2;

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** `<dir>/onnx/model.onnx`, exported again when missing or older than the weights. */
export async function ensureOnnx(dir: string, log: (line: string) => void): Promise<string> {
  const out = join(dir, 'onnx', 'model.onnx');
  const exported = await mtimeMs(out);
  const sources = await Promise.all([join(dir, SAFETENSORS_FILE), join(dir, 'config.json')].map(mtimeMs));
  if (exported !== undefined && sources.every((m) => m !== undefined && m <= exported)) return out;
  log(`peers: exporting ${dir} to ${out}`);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await exportOnnx(dir, out);
  return out;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export async function runPeersSuite(context: SuiteContext): Promise<SuiteReport> {
  const dir = await context.modelDir();
  const config = await loadRobertaConfig(dir);
  const onnxPath = await ensureOnnx(dir, context.log);
  const shapes = shapesFor(context.quick, config);

  const engines: BenchEngine[] = [];
  const notes: string[] = [];
  const ours = await loadOurEngine(dir, 'auto');
  engines.push(ours);
  notes.push(`- ${ours.name}: ${ours.description} (\`auto\`: ${ours.selection.join('; ')}); load ${sig(ours.loadMs, 3)} ms`);
  for (const [flavor, threads] of [['onnxruntime-node', context.machine.cores], ['onnxruntime-web', ORT_WEB_THREADS]] as const) {
    try {
      const engine = await loadOrtEngine(flavor, onnxPath, threads);
      engines.push(engine);
      notes.push(`- ${engine.name}: ${engine.description}; session ${sig(engine.loadMs, 3)} ms`);
    } catch (error) {
      notes.push(`- ${flavor}: unavailable: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  const rows: ShapeMeasurement[] = [];
  const agreement: Array<{ shape: string; engine: string; maxAbsDiff: number }> = [];
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
      const reference = outputs.get(ours);
      if (agreement.length === 0 && reference !== undefined && outputs.size === engines.length) {
        for (const engine of engines.slice(1)) agreement.push({ shape: shapeLabel(shape), engine: engine.name, maxAbsDiff: maxAbsDifference(reference, outputs.get(engine)!) });
      }
    }
  } finally {
    for (const engine of engines) await engine.dispose();
  }

  const median = (engine: BenchEngine, label: string) => rows.find((r) => r.engine === engine.name && shapeLabel(r) === label)?.medianMs;
  const peers = engines.slice(1);
  const comparison = markdownTable(
    ['batch×seq', `${ours.name} median ms`, ...peers.flatMap((p) => [`${p.name} median ms`, `${ours.name.replace('roberta-ts ', '')} ÷ ${p.name.replace('onnxruntime-', 'ort-')}`])],
    shapes.map((shape) => {
      const label = shapeLabel(shape);
      const mine = median(ours, label);
      return [
        label,
        sig(mine, 4),
        ...peers.flatMap((p) => {
          const theirs = median(p, label);
          return [sig(theirs, 4), mine !== undefined && theirs !== undefined ? `${(mine / theirs).toFixed(2)}×` : undefined];
        }),
      ];
    }),
  );
  const markdown = [
    `model: ${dir} and its ONNX export ${onnxPath}; identical token ids for every engine; ratio > 1 means roberta-ts is slower`,
    '',
    ...notes,
    ...agreement.map((a) => `- outputs ${a.maxAbsDiff < AGREEMENT_TOLERANCE ? 'agree' : 'DISAGREE'} at ${a.shape}: max |Δ| ${a.engine} vs ${ours.name} = ${a.maxAbsDiff.toExponential(2)} (tolerance ${AGREEMENT_TOLERANCE})`),
    '',
    comparison,
    '',
    measurementTable(rows, 'engine'),
  ].join('\n');
  return { suite: 'peers', title: 'roberta-ts beside ONNX Runtime (same weights, same inputs)', markdown, data: { model: dir, onnx: onnxPath, engines: engines.map((e) => ({ name: e.name, description: e.description, loadMs: e.loadMs })), agreement, measurements: rows } };
}
