/** @jest-environment ./test/model/onnx/ortEnvironment.ts */
// `roberta bench --peers` times onnxruntime-web and onnxruntime-node on the same model (exported to
// ONNX beside it) and ids, and reports our median over theirs.

import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';
import { runBench } from './runBench.js';

it('adds both ONNX Runtime engines to the JSON line, with ratios consistent with the medians', async () => {
  const dir = join(makeTempDir('peers'), 'tiny-cls');
  cpSync(fixtureDir('tiny-cls'), dir, { recursive: true });
  const run = await runBench(['--model', dir, '--batch', '1', '--seq', '8', '--runs', '2', '--warmup', '0', '--backend', 'cpu', '--peers', '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const line = JSON.parse(run.stdout) as { median_ms: number; peers: { engine: string; median_ms: number; min_ms: number; ours_over_peer: number }[] };
  expect(line.peers.map((p) => p.engine)).toEqual(['onnxruntime-web', 'onnxruntime-node']);
  for (const peer of line.peers) {
    expect(peer.median_ms).toBeGreaterThanOrEqual(peer.min_ms);
    expect(peer.min_ms).toBeGreaterThan(0);
    expect(peer.ours_over_peer).toBeCloseTo(line.median_ms / peer.median_ms, 2);
  }
  expect(existsSync(join(dir, 'onnx', 'model.onnx'))).toBe(true);
});

it('with --dtype q8, both engines run the float export and then the q8 export (names ending in " q8")', async () => {
  const dir = join(makeTempDir('peers-q8'), 'tiny-cls');
  cpSync(fixtureDir('tiny-cls'), dir, { recursive: true });
  const run = await runBench(['--model', dir, '--batch', '1', '--seq', '8', '--runs', '2', '--warmup', '0', '--backend', 'cpu', '--dtype', 'q8', '--peers', '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const line = JSON.parse(run.stdout) as { median_ms: number; peers: { engine: string; ours_over_peer: number; median_ms: number }[] };
  expect(line.peers.map((p) => p.engine)).toEqual(['onnxruntime-web', 'onnxruntime-node', 'onnxruntime-web q8', 'onnxruntime-node q8']);
  for (const peer of line.peers) expect(peer.ours_over_peer).toBeCloseTo(line.median_ms / peer.median_ms, 2);
  expect(existsSync(join(dir, 'onnx', 'model_q8.onnx'))).toBe(true);
});
