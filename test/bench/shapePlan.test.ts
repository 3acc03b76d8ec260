// Timing loops and the time budget that decides which shapes a slow engine skips.

import { forwardFlops, timeCalls } from '../../bench/forwardBench.js';
import type { BenchEngine } from '../../bench/engines/engine.js';
import { RANDOM_MODEL_PRESETS, randomModelConfig } from '../../bench/randomModel.js';
import { EngineBudget, measureShape } from '../../bench/shapePlan.js';
import { parseRobertaConfig } from '../../model/config.js';

const BASE = parseRobertaConfig(randomModelConfig(RANDOM_MODEL_PRESETS.base), 'base preset');
const OPTIONS = { budgetS: 100, warmup: 1, minRuns: 3, maxRuns: 10 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forwardFlops', () => {
  it("counts roberta-base's matrix products: ≈ 22.3 GFLOP for one 128-token sequence", () => {
    // Per layer: 2·128·768·(4·768 + 2·3072) for the projections and feed-forward, plus
    // 2·2·128²·768 for q·kᵀ and probs·v; times 12 layers.
    const perLayer = 2 * 128 * 768 * (4 * 768 + 2 * 3072) + 4 * 128 * 128 * 768;
    expect(forwardFlops(BASE, 1, 128)).toBe(12 * perLayer);
    expect(12 * perLayer).toBe(22_347_251_712);
  });
});

describe('timeCalls', () => {
  it('times the cold call apart, skips warm-up calls, and times the runs', async () => {
    const kinds: string[] = [];
    const t = await timeCalls(() => sleep(2), { runs: 3, warmup: 2, onCall: (kind) => kinds.push(kind) });
    expect(kinds).toEqual(['cold', 'warmup', 'warmup', 'run', 'run', 'run']);
    expect(t.runsMs).toHaveLength(3);
    expect(t.minMs).toBeGreaterThan(1);
    expect(t.medianMs).toBeGreaterThanOrEqual(t.minMs);
  });

  it('stops early once over its budget, but not before minRuns', async () => {
    const t = await timeCalls(() => sleep(10), { runs: 100, warmup: 0, budgetMs: 30, minRuns: 4 });
    expect(t.runs).toBeGreaterThanOrEqual(4);
    expect(t.runs).toBeLessThan(10);
  });
});

describe('EngineBudget', () => {
  it('runs the first shape, then skips a shape its measured rate says would not fit', () => {
    const budget = new EngineBudget(OPTIONS, BASE, 3);
    expect(budget.plan({ batch: 1, seq: 16 })).toEqual({ runs: 10, allowanceMs: 100_000 / 3 });
    // 1×16 took 1 s a call: at that rate a call costs 1 s per 1×16's worth of FLOPs.
    budget.record({ batch: 1, seq: 16 }, 15_000, 1000);
    const callMs = (batch: number, seq: number) => (1000 * forwardFlops(BASE, batch, seq)) / forwardFlops(BASE, 1, 16);
    // 1×128 (≈ 8.3 s a call) fits: what is left after the cold and warm-up calls, in whole runs.
    expect(budget.plan({ batch: 1, seq: 128 })).toEqual({ runs: Math.floor((85_000 - 2 * callMs(1, 128)) / callMs(1, 128)), allowanceMs: 85_000 / 2 });
    // 8×512 (≈ 280 s a call) does not.
    const big = budget.plan({ batch: 8, seq: 512 });
    expect(big).toEqual({
      skip: `predicted ${(callMs(8, 512) / 1000).toFixed(1)} s per call at ${(forwardFlops(BASE, 1, 16) / 1e9).toFixed(2)} GFLOP/s (measured at 1×16): 5 calls would not fit in the 85 s left of its 100 s budget`,
    });
  });
});

describe('measureShape', () => {
  const engine = (call: () => Promise<ArrayLike<number>>): BenchEngine => ({ name: 'fake', description: 'fake engine', loadMs: 0, bind: () => call, dispose: async () => {} });

  it('measures an engine and returns its last output', async () => {
    const { row, output } = await measureShape(engine(async () => [1, 2]), BASE, { batch: 1, seq: 16 }, new EngineBudget(OPTIONS, BASE, 1), 0, () => {});
    expect(row.status).toBe('ran');
    expect(row.runs).toBe(10);
    expect(row.tokensPerSecond).toBeGreaterThan(0);
    expect(Array.from(output!)).toEqual([1, 2]);
  });

  it('turns an engine error into a failed row that says what went wrong', async () => {
    const { row } = await measureShape(engine(() => Promise.reject(new Error('out of device memory\nmore'))), BASE, { batch: 1, seq: 16 }, new EngineBudget(OPTIONS, BASE, 1), 0, () => {});
    expect(row).toEqual({ engine: 'fake', batch: 1, seq: 16, status: 'failed', note: 'out of device memory' });
  });
});
