// The `roberta bench --json` contract that external performance checks parse: exactly one JSON
// line, with these fields and types, and timings that make sense together.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredBackends } from '../../engine/select.js';
import { benchInputs } from '../../bench/inputs.js';
import { createWebGpuBackend } from '../../kernels/wgsl/create.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { disposeOutput } from '../../model/roberta.js';
import { runBench } from './runBench.js';

const TINY = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'models', 'tiny');

interface BenchLine {
  readonly [key: string]: unknown;
}

function parseOneLine(stdout: string): BenchLine {
  expect(stdout.endsWith('\n')).toBe(true);
  const lines = stdout.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as BenchLine;
}

describe('roberta bench --json', () => {
  it('prints one line with the contract fields, runs as asked, median ≥ min > 0', async () => {
    const run = await runBench(['--model', TINY, '--batch', '2', '--seq', '8', '--runs', '3', '--warmup', '0', '--backend', 'cpu', '--json']);
    expect(run.code).toBe(0);
    const line = parseOneLine(run.stdout);
    expect(line.backend).toBe('cpu');
    expect(line.batch).toBe(2);
    expect(line.seq).toBe(8);
    expect(line.runs).toBe(3);
    for (const key of ['median_ms', 'min_ms', 'tokens_per_s', 'peak_rss_mb', 'cold_ms', 'p90_ms']) {
      expect(typeof line[key]).toBe('number');
      expect(Number.isFinite(line[key])).toBe(true);
    }
    // Recording costs are a device backend's: the CPU computes as it goes.
    expect(line).not.toHaveProperty('dispatches');
    expect(line).not.toHaveProperty('record_ms');
    const median = line.median_ms as number;
    const min = line.min_ms as number;
    expect(min).toBeGreaterThan(0);
    expect(median).toBeGreaterThanOrEqual(min);
    expect(line.p90_ms as number).toBeGreaterThanOrEqual(median);
    // 2 × 8 tokens per call at the median time (both fields are rounded, hence the tolerance).
    const tokensPerSecond = (2 * 8 * 1000) / median;
    expect(Math.abs((line.tokens_per_s as number) - tokensPerSecond) / tokensPerSecond).toBeLessThan(1e-3);
    expect(line.peak_rss_mb as number).toBeGreaterThan(10);
    const machine = line.machine as Record<string, unknown>;
    expect(typeof machine.cpu).toBe('string');
    expect(machine.cores).toBeGreaterThanOrEqual(1);
    expect(machine.node).toBe(process.version);
  });

  it('on webgpu also says what recording one forward costs: its dispatches and host time', async () => {
    const run = await runBench(['--model', TINY, '--batch', '2', '--seq', '8', '--runs', '3', '--warmup', '1', '--backend', 'webgpu', '--json']);
    expect(run.code).toBe(0);
    const line = parseOneLine(run.stdout);
    expect(line.backend).toBe('webgpu');
    // The tiny model's forward, counted here on a backend of our own.
    const gpu = await createWebGpuBackend();
    const model = await fromPretrained(TINY, { backend: gpu });
    const before = gpu.dispatchCount;
    disposeOutput(model.forward(benchInputs(model.config, 2, 8)));
    const dispatches = gpu.dispatchCount - before;
    model.dispose();
    await gpu.dispose();
    expect(line.dispatches).toBe(dispatches);
    const [record, recordMin] = [line.record_ms as number, line.record_min_ms as number];
    expect(recordMin).toBeGreaterThan(0);
    expect(record).toBeGreaterThanOrEqual(recordMin);
    // Recording is part of each timed call, which also waits for the GPU and reads the result.
    expect(record).toBeLessThanOrEqual(line.max_ms as number);
  });

  it('--replay times a forward recorded once and replayed: the same dispatches, replay true; only on webgpu', async () => {
    const args = ['--model', TINY, '--batch', '2', '--seq', '8', '--runs', '3', '--warmup', '1', '--backend', 'webgpu', '--json'];
    const [plain, replayed] = [parseOneLine((await runBench(args)).stdout), parseOneLine((await runBench([...args, '--replay'])).stdout)];
    expect(plain.replay).toBe(false);
    expect(replayed.replay).toBe(true);
    expect(replayed.dispatches).toBe(plain.dispatches);
    expect(replayed.record_ms as number).toBeGreaterThan(0);
    const onCpu = await runBench(['--model', TINY, '--seq', '4', '--runs', '1', '--backend', 'cpu', '--replay', '--json']);
    expect(onCpu.code).toBe(2);
    expect(onCpu.stderr).toMatch(/--replay needs the webgpu backend \(this run uses cpu\)/);
  });

  it('--backend auto names the backend it picked and why', async () => {
    const run = await runBench(['--model', TINY, '--seq', '4', '--runs', '1', '--backend', 'auto', '--json']);
    expect(run.code).toBe(0);
    const line = parseOneLine(run.stdout);
    expect(registeredBackends()).toContain(line.backend);
    expect(line.backend_requested).toBe('auto');
    const selection = line.backend_selection as string[];
    expect(selection.at(-1)).toMatch(new RegExp(`^${String(line.backend)}: chosen`));
  });

  it('without --json prints a readable summary', async () => {
    const run = await runBench(['--model', TINY, '--seq', '4', '--runs', '2', '--backend', 'cpu']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/batch 1 × seq 4/);
    expect(run.stdout).toMatch(/median [\d.]+ ms, min [\d.]+ ms/);
    expect(run.stdout).toMatch(/tokens\/s/);
  });

  it('rejects bad shapes and counts as usage errors naming the problem', async () => {
    const tooLong = await runBench(['--model', TINY, '--seq', '63', '--backend', 'cpu', '--json']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/seq 63 exceeds the model's 62 positions/);
    const noRuns = await runBench(['--model', TINY, '--runs', '0', '--json']);
    expect(noRuns.code).toBe(2);
    expect(noRuns.stderr).toMatch(/--runs must be an integer ≥ 1, got 0/);
    const badPreset = await runBench(['--random', 'huge']);
    expect(badPreset.code).toBe(2);
    expect(badPreset.stderr).toMatch(/--random must be one of base, tiny, got "huge"/);
  });
});
