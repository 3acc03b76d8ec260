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
