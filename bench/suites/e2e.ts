// End-to-end forward latency and throughput of roberta-ts on every backend available here, at
// batch × seq ∈ {1, 8} × {16, 128, 512}, cold (first call) separate from warm (median and spread).

import { selectBackend, registeredBackends, getBackendByName, type DegradedBackend } from '../../engine/select.js';
import { loadRobertaConfig } from '../../model/config.js';
import { loadOurEngine } from '../engines/ours.js';
import { markdownTable, sig, type SuiteReport } from '../report.js';
import { EngineBudget, FULL_SHAPES, measureShape, QUICK_SHAPES, shapeLabel, type Shape, type ShapeMeasurement } from '../shapePlan.js';
import { forwardFlops } from '../forwardBench.js';
import type { SuiteContext } from './context.js';

export const WARMUP = 1;

export function shapesFor(quick: boolean, config: Parameters<typeof forwardFlops>[0]): Shape[] {
  // Cheapest first: each shape's measured rate predicts the next one's time (shapePlan.ts).
  const flops = (s: Shape) => forwardFlops(config, s.batch, s.seq);
  return [...(quick ? QUICK_SHAPES : FULL_SHAPES)].sort((a, b) => flops(a) - flops(b));
}

export function budgetOptions(context: SuiteContext) {
  return { budgetS: context.budgetS, warmup: WARMUP, minRuns: context.quick ? 2 : 3, maxRuns: context.quick ? 3 : 10 };
}

/** The measurement rows as a table; `engineColumn` names the first column. */
export function measurementTable(rows: readonly ShapeMeasurement[], engineColumn: string): string {
  return markdownTable(
    [engineColumn, 'batch×seq', 'cold ms', 'median ms', 'min ms', 'p90 ms', 'max ms', 'runs', 'tokens/s', 'GFLOP/s', 'note'],
    rows.map((r) => [
      r.engine,
      shapeLabel(r),
      sig(r.coldMs, 4),
      sig(r.medianMs, 4),
      sig(r.minMs, 4),
      sig(r.p90Ms, 4),
      sig(r.maxMs, 4),
      r.runs,
      sig(r.tokensPerSecond, 4),
      sig(r.gflops, 3),
      r.status === 'ran' ? undefined : `${r.status}: ${r.note}`,
    ]),
  );
}

export async function runE2eSuite(context: SuiteContext): Promise<SuiteReport> {
  const dir = await context.modelDir();
  const config = await loadRobertaConfig(dir);
  const shapes = shapesFor(context.quick, config);
  const rows: ShapeMeasurement[] = [];
  const backends: Array<{ name: string; description?: string; degraded?: string; loadMs?: number; unavailable?: string }> = [];
  for (const name of registeredBackends()) {
    let degraded: string | undefined;
    try {
      degraded = ((await getBackendByName(name)) as DegradedBackend).degraded;
    } catch (error) {
      backends.push({ name, unavailable: (error as Error).message.split('\n')[0] });
      continue;
    }
    context.log(`e2e: loading ${dir} on ${name}`);
    let engine;
    try {
      engine = await loadOurEngine(dir, name);
    } catch (error) {
      backends.push({ name, unavailable: `loading the model failed: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    backends.push({ name, description: engine.description, degraded, loadMs: engine.loadMs });
    try {
      const budget = new EngineBudget(budgetOptions(context), config, shapes.length);
      for (const shape of shapes) {
        rows.push((await measureShape(engine, config, shape, budget, WARMUP, context.log)).row);
      }
    } finally {
      await engine.dispose();
    }
  }
  const auto = await selectBackend('auto');
  const markdown = [
    `model: ${dir} (${config.numHiddenLayers} layers, hidden ${config.hiddenSize}, vocab ${config.vocabSize}); ${WARMUP} warm-up call after the cold one; ` +
      `budget ${context.budgetS} s of calls per backend, shapes from the cheapest up`,
    '',
    ...backends.map((b) =>
      b.unavailable !== undefined
        ? `- ${b.name}: unavailable: ${b.unavailable}`
        : `- ${b.description}; load ${sig(b.loadMs, 3)} ms${b.degraded ? ` (degraded: ${b.degraded})` : ''}`,
    ),
    `- \`--backend auto\` picks **${auto.report.chosen}**: ${auto.report.lines.join('; ')}`,
    '',
    measurementTable(rows, 'backend'),
  ].join('\n');
  return { suite: 'e2e', title: 'End-to-end forward pass (roberta-ts)', markdown, data: { model: dir, warmup: WARMUP, budget: budgetOptions(context), backends, auto: auto.report, measurements: rows } };
}
