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
  /** Query rows per workgroup of the fused attention kernel, one invocation each; they share every k and v tile. */
  readonly attentionRows: number;
  /** Keys per k and v tile of the fused attention kernel (fewer where workgroup memory would not hold them). */
  readonly attentionKeys: number;
  /** T: the int8 product (quantizedLinear) runs T×T invocations per workgroup, each computing 4×4 outputs. */
  readonly int8Threads: number;
}

/** Tiny products are dominated by setup, and matrix–vector shapes would leave tiles empty: naive. */
const isTiny = ({ M, N, K, batches }: ProductShape) => M * N * K * batches < 1 << 15 || Math.min(M, N) < 4;

const blocksOf64 = ({ M, N, batches }: ProductShape) => Math.ceil(M / 64) * Math.ceil(N / 64) * batches;

const HARDWARE: Tuning = {
  name: 'hardware',
  // About the row length (short rows leave fewer invocations idle), from 32 up to 256.
  rowWorkgroupSize: (n) => Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(n, 1))))),
  blockedThreads: 16,
  // Blocking pays only when there are enough 64×64 blocks to keep most cores of a large GPU busy;
  // with fewer, 16×16 tiles spread the work wider. On an H100 (132 cores; bench/RESULTS.md), in
  // GPU time: 128×3072×768 (24 blocks) tiled 0.092 ms, blocked 0.229; 128×768×3072 (96 blocks)
  // blocked 0.059, tiled 0.085; and roberta-base end to end, one version for all: 1×512 tokens
  // blocked 17.9 ms, tiled 24.5; 8×512 tokens blocked 63.5 ms, tiled 158.
  chooseMatmul: (shape) => (isTiny(shape) ? 'naive' : blocksOf64(shape) >= 64 ? 'blocked' : 'tiled'),
  // Each k and v tile loaded serves 64 query rows; between two barriers an invocation does
  // 16 · (D + Dv) multiply-adds, plenty to hide them.
  attentionRows: 64,
  attentionKeys: 16,
  // As the blocked f32 matmul; unmeasured on a GPU so far.
  int8Threads: 16,
};

const SOFTWARE: Tuning = {
  name: 'software',
  rowWorkgroupSize: () => 4,
  blockedThreads: 4,
  // With 4×4 invocations a block is only 16×16, so blocking pays from small sizes on; the tiled
  // version's 256-invocation workgroups are the slowest of the three there.
  chooseMatmul: (shape) => (isTiny(shape) ? 'naive' : 'blocked'),
  // From 8 rows on, the tiles' loads stop mattering (for 12 heads × 128 × 64: 4 rows 165 ms,
  // 16 rows 130 ms, 64 rows 125 ms). SwiftShader's compile time grows with the keys per tile
  // (0.7 s at 8, 1.8 s at 32, for heads of 64) while the speed does not change.
  attentionRows: 16,
  attentionKeys: 8,
  // Small workgroups, as for every kernel here.
  int8Threads: 4,
};

export const TUNINGS: Readonly<Record<TuningName, Tuning>> = { hardware: HARDWARE, software: SOFTWARE };

export function tuningFor(report: AdapterReport): Tuning {
  return report.software ? SOFTWARE : HARDWARE;
}
