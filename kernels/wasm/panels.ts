// The inverse of `packWeight` (simd/gemm.ts) for a weight [N, K] whose panels fill exactly its
// own N·K floats (N a multiple of NR): element (n, k) sits in panel ⌊n / NR⌋ at k·NR + n mod NR.
// It runs only when something other than `linear` reads a weight packed in place — a `read`, or
// another op's input — so a plain loop is enough: it writes each row contiguously and reads one
// panel (K·NR floats, 24 KiB for K = 768) at a time, a few milliseconds per roberta-base weight.

import { NR } from './simd/gemm.js';

/** Writes the row-major [n, k] weight held as packed `panels` into `out` (n·k floats; never `panels` itself). */
export function unpackPanels(panels: Float32Array, n: number, k: number, out: Float32Array): void {
  for (let p = 0; p < n / NR; p++) {
    const panel = p * k * NR;
    for (let j = 0; j < NR; j++) {
      const row = (p * NR + j) * k;
      for (let i = 0; i < k; i++) out[row + i] = panels[panel + i * NR + j];
    }
  }
}

/**
 * An int8 weight [n, k] in the panel layout of simd/int8Gemm.ts: panel p, k pair q, column j
 * holds (W[p·NR + j, 2q], W[p·NR + j, 2q + 1]) at byte ((p·pairs + q)·NR + j)·2, zero past row n
 * and column k. Packing runs once per weight, in plain TypeScript: a byte shuffle (85 MB for
 * roberta-base, well under a second), not worth a kernel.
 */
export function packInt8Panels(weight: Int8Array, n: number, k: number, out: Int8Array): void {
  const pairs = Math.ceil(k / 2);
  const panels = Math.ceil(n / NR);
  for (let p = 0; p < panels; p++) {
    for (let j = 0; j < NR; j++) {
      const row = p * NR + j;
      for (let q = 0; q < pairs; q++) {
        const at = ((p * pairs + q) * NR + j) * 2;
        const i = 2 * q;
        out[at] = row < n ? weight[row * k + i] : 0;
        out[at + 1] = row < n && i + 1 < k ? weight[row * k + i + 1] : 0;
      }
    }
  }
}

/** The inverse of packInt8Panels, into `out` (n·k bytes; never `panels` itself). */
export function unpackInt8Panels(panels: Int8Array, n: number, k: number, out: Int8Array): void {
  const pairs = Math.ceil(k / 2);
  for (let row = 0; row < n; row++) {
    const p = Math.floor(row / NR);
    const j = row % NR;
    for (let i = 0; i < k; i++) out[row * k + i] = panels[((p * pairs + (i >> 1)) * NR + j) * 2 + (i & 1)];
  }
}
