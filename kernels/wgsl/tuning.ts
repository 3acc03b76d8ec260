// Kernel parameters that depend on the kind of adapter.
//
// GPUs want large workgroups: hundreds of invocations hide memory latency, and a barrier costs
// little. SwiftShader, the software adapter, runs a workgroup on one CPU thread, four invocations
// at a time (its SIMD width and subgroup size), and switches between those groups of four at every
// barrier; there, workgroups of four win by far (softmax over 128-wide rows: 30× faster than with
// 128 invocations per row).

import type { AdapterReport } from './adapterReport.js';
import type { MatmulVersion, ProductShape } from './matmulVersions.js';

export type TuningName = 'hardware' | 'software';

export interface Tuning {
  readonly name: TuningName;
  /** Invocations per workgroup of a row kernel (softmax, layerNorm, topk) for rows of length n: a power of two. */
  rowWorkgroupSize(n: number): number;
  /** T: the register-blocked matmul runs T×T invocations per workgroup, each computing 4×4 outputs. */
  readonly blockedThreads: number;
  /** The matmul version for a product of this shape. */
  chooseMatmul(shape: ProductShape): MatmulVersion;
}

/** Tiny products are dominated by setup, and matrix–vector shapes would leave tiles empty: naive. */
const isTiny = ({ M, N, K, batches }: ProductShape) => M * N * K * batches < 1 << 15 || Math.min(M, N) < 4;

const HARDWARE: Tuning = {
  name: 'hardware',
  // About the row length (short rows leave fewer invocations idle), from 32 up to 256.
  rowWorkgroupSize: (n) => Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(n, 1))))),
  blockedThreads: 16,
  // Blocking pays once the product fills its 64×64 blocks; in between, 16×16 tiles waste less.
  chooseMatmul: (shape) => (isTiny(shape) ? 'naive' : Math.min(shape.M, shape.N) >= 32 ? 'blocked' : 'tiled'),
};

const SOFTWARE: Tuning = {
  name: 'software',
  rowWorkgroupSize: () => 4,
  blockedThreads: 4,
  // With 4×4 invocations a block is only 16×16, so blocking pays from small sizes on; the tiled
  // version's 256-invocation workgroups are the slowest of the three there.
  chooseMatmul: (shape) => (isTiny(shape) ? 'naive' : 'blocked'),
};

export const TUNINGS: Readonly<Record<TuningName, Tuning>> = { hardware: HARDWARE, software: SOFTWARE };

export function tuningFor(report: AdapterReport): Tuning {
  return report.software ? SOFTWARE : HARDWARE;
}
