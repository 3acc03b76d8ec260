// layerNorm(x, residual, hasResidual, gamma, beta, y, n, eps, begin, end): LayerNorm over each
// row r in [begin, end) of v = x + residual (residual read only when hasResidual ≠ 0), x an
// [rows, n] matrix.
//
// The numerics are the CPU reference's (kernels/cpu/layerNorm.ts), in float64 like it: v is
// rounded to float32 (Hugging Face adds the residual in float32), then two passes — the mean,
// then the variance as the mean squared deviation from it — and (v − mean)·inv·γ + β rounded
// once to float32. f64x2 vectors hold two of a row's floats each, so four floats take two.

import { f32, f32x4, f64, f64x2, i32, v128 } from '../emit/expr.js';
import type { ModuleBuilder } from '../emit/module.js';
import { demotePair, promoteHigh, sumLanes } from './lanes.js';
import { rowAddress, rowPass } from './rows.js';

export function emitLayerNorm(m: ModuleBuilder): void {
  const f = m.function('layerNorm', {
    x: 'i32', residual: 'i32', hasResidual: 'i32', gamma: 'i32', beta: 'i32', y: 'i32', n: 'i32', eps: 'f64', begin: 'i32', end: 'i32',
  });
  const { x, residual, hasResidual, gamma, beta, y, n, eps, begin, end } = f.params;
  const r = f.local('i32', 'r');
  const at = f.local('i32', 'at');
  const bytes = f.local('i32', 'bytes');
  const vectorBytes = f.local('i32', 'vectorBytes');
  const xRow = f.local('i32', 'xRow');
  const resRow = f.local('i32', 'resRow');
  const yRow = f.local('i32', 'yRow');
  const v = f.local('v128', 'v');
  const g = f.local('v128', 'g');
  const b = f.local('v128', 'b');
  const low = f.local('v128', 'low');
  const high = f.local('v128', 'high');
  const lanes = f.local('v128', 'lanes');
  const meanLanes = f.local('v128', 'meanLanes');
  const invLanes = f.local('v128', 'invLanes');
  const total = f.local('f64', 'total');
  const mean = f.local('f64', 'mean');
  const inv = f.local('f64', 'inv');
  const s = f.local('f32', 's');
  const d = f.local('f64', 'd');

  f.set(bytes, i32.shl(n, 2));
  f.set(vectorBytes, i32.and(bytes, ~15));
  f.forRange(r, begin, end, 1, () => {
    f.set(xRow, rowAddress(x, r, bytes));
    f.set(resRow, rowAddress(residual, r, bytes));
    f.set(yRow, rowAddress(y, r, bytes));

    // Pass 1: v = x + residual in float32, kept in y; its float64 sum.
    f.set(lanes, f64x2.splat(0));
    f.set(total, 0);
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        f.set(v, v128.load(i32.add(xRow, at)));
        f.if(hasResidual, () => f.set(v, f32x4.add(v, v128.load(i32.add(resRow, at)))));
        f.storeV128(i32.add(yRow, at), v);
        f.set(lanes, f64x2.add(f64x2.add(lanes, f64x2.promoteLowF32x4(v)), promoteHigh(v)));
      },
      scalar: () => {
        f.set(s, f32.load(i32.add(xRow, at)));
        f.if(hasResidual, () => f.set(s, f32.add(s, f32.load(i32.add(resRow, at)))));
        f.storeF32(i32.add(yRow, at), s);
        f.set(total, f64.add(total, f64.promoteF32(s)));
      },
    });
    f.set(mean, f64.div(f64.add(total, sumLanes(lanes)), f64.convertI32(n)));
    f.set(meanLanes, f64x2.splat(mean));

    // Pass 2: the variance, Σ (v − mean)² / n.
    f.set(lanes, f64x2.splat(0));
    f.set(total, 0);
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        f.set(v, v128.load(i32.add(yRow, at)));
        f.set(low, f64x2.sub(f64x2.promoteLowF32x4(v), meanLanes));
        f.set(high, f64x2.sub(promoteHigh(v), meanLanes));
        f.set(lanes, f64x2.add(f64x2.add(lanes, f64x2.mul(low, low)), f64x2.mul(high, high)));
      },
      scalar: () => {
        f.set(d, f64.sub(f64.promoteF32(f32.load(i32.add(yRow, at))), mean));
        f.set(total, f64.add(total, f64.mul(d, d)));
      },
    });
    f.set(inv, f64.div(1, f64.sqrt(f64.add(f64.div(f64.add(total, sumLanes(lanes)), f64.convertI32(n)), eps))));
    f.set(invLanes, f64x2.splat(inv));

    // Pass 3: y = (v − mean)·inv·γ + β.
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        f.set(v, v128.load(i32.add(yRow, at)));
        f.set(g, v128.load(i32.add(gamma, at)));
        f.set(b, v128.load(i32.add(beta, at)));
        f.set(low, f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(f64x2.promoteLowF32x4(v), meanLanes), invLanes), f64x2.promoteLowF32x4(g)), f64x2.promoteLowF32x4(b)));
        f.set(high, f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(promoteHigh(v), meanLanes), invLanes), promoteHigh(g)), promoteHigh(b)));
        f.storeV128(i32.add(yRow, at), demotePair(low, high));
      },
      scalar: () => {
        const gs = f64.promoteF32(f32.load(i32.add(gamma, at)));
        const bs = f64.promoteF32(f32.load(i32.add(beta, at)));
        const value = f64.add(f64.mul(f64.mul(f64.sub(f64.promoteF32(f32.load(i32.add(yRow, at))), mean), inv), gs), bs);
        f.storeF32(i32.add(yRow, at), f32.demoteF64(value));
      },
    });
  });
}
