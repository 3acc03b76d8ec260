// linear with a float16 weight: the weight stays in wasm memory as half floats (2 bytes each),
// and each work item (a panel of NR output columns) widens its panel to float32 in scratch, in
// the packed layout of gemm.ts, then runs the float32 panel kernel over it. Widening is exact, so
// the result is the float32 product on the weight's float32 values, as the CPU computes it. The
// panel is widened once per call for all M rows (K·NR conversions against M·K·NR multiply-adds).

import { f32x4, i32, i32x4, v128, type Expr, type Local } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/func.js';
import type { ModuleBuilder } from '../emit/module.js';
import { NR, packRemainder, storeTransposed } from './gemm.js';

const HALF = 2;

/**
 * Four half-float bit patterns (u16 in i32 lanes) to float32, exactly: exponent and mantissa
 * shifted into float32's places are the value times 2⁻¹¹², for normal and subnormal halves alike,
 * so one multiply by 2¹¹² finishes them; an all-ones exponent (±∞, NaN) is set to float32's.
 */
export function widenHalves(f: FunctionBuilder, h: Local<'v128'>, magnitude: Local<'v128'>): Expr<'v128'> {
  f.set(magnitude, i32x4.shl(v128.and(h, i32x4.const(0x7fff)), 13));
  const finite = f32x4.mul(magnitude, 2 ** 112);
  const special = v128.or(magnitude, i32x4.const(0x7f800000));
  const isSpecial = i32x4.eq(v128.and(h, i32x4.const(0x7c00)), i32x4.const(0x7c00));
  return v128.or(v128.bitselect(special, finite, isSpecial), i32x4.shl(v128.and(h, i32x4.const(0x8000)), 16));
}

/**
 * packPanelF16(src, K, N, p, dst): panel p of the half-float weight [N, K] at src, widened to
 * float32 in gemm.ts's panel layout at dst (K·NR floats, zero past row N). A full panel widens
 * four k of each of its NR rows at a time and transposes each 4×4 block with two rounds of
 * shuffles; the rest (a ragged last panel, K mod 4) goes one value at a time.
 */
export function emitPackPanelF16(m: ModuleBuilder): FunctionBuilder {
  const f = m.function('packPanelF16', { src: 'i32', K: 'i32', N: 'i32', p: 'i32', dst: 'i32' });
  const { src, K, N, p, dst } = f.params;
  const k = f.local('i32', 'k');
  const j = f.local('i32', 'j');
  const n = f.local('i32', 'n');
  const first = f.local('i32', 'first');
  const rowBytes = f.local('i32', 'rowBytes');
  const vectorK = f.local('i32', 'vectorK');
  const h = f.local('v128', 'h');
  const magnitude = f.local('v128', 'magnitude');
  const rows = f.locals('v128', 'row', NR);
  const pairs = f.locals('v128', 'pair', 4);

  f.set(rowBytes, i32.mul(K, HALF));
  f.set(first, i32.add(src, i32.mul(i32.mul(p, NR), rowBytes)));
  f.set(vectorK, 0);
  f.if(i32.leS(i32.mul(i32.add(p, 1), NR), N), () => {
    f.set(vectorK, i32.and(K, ~3));
    f.forRange(k, 0, vectorK, 4, () => {
      rows.forEach((row, r) => {
        f.set(h, v128.load16x4U(i32.add(i32.add(first, i32.mul(rowBytes, r)), i32.mul(k, HALF))));
        f.set(row, widenHalves(f, h, magnitude));
      });
      storeTransposed(f, rows, pairs, dst, k);
    });
  });
  packRemainder(f, { k, j, n }, vectorK, K, N, p, dst, (out) => {
    f.set(h, i32x4.splat(i32.load16U(i32.add(src, i32.mul(i32.add(i32.mul(n, K), k), HALF)))));
    f.storeF32(out, f32x4.extractLane(widenHalves(f, h, magnitude), 0));
  });
  return f;
}
