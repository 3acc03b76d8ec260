// softmaxBackward(y, dy, dx, n, begin, end): the gradient through softmax for each row r in
// [begin, end) of [rows, n] matrices, from softmax's output y: dx = y ⊙ (dy − Σ dy ⊙ y).
//
// As the CPU reference (kernels/cpu/softmax.ts), the row's dot product Σ dy·y is accumulated in
// float64 from float64 products (exact for float32 inputs); the final y·(dy − dot) is float32.

import { f32, f32x4, f64, f64x2, i32, v128 } from '../emit/expr.js';
import type { ModuleBuilder } from '../emit/module.js';
import { promoteHigh, sumLanes } from './lanes.js';
import { rowAddress, rowPass } from './rows.js';

export function emitSoftmaxBackward(m: ModuleBuilder): void {
  const f = m.function('softmaxBackward', { y: 'i32', dy: 'i32', dx: 'i32', n: 'i32', begin: 'i32', end: 'i32' });
  const { y, dy, dx, n, begin, end } = f.params;
  const r = f.local('i32', 'r');
  const at = f.local('i32', 'at');
  const bytes = f.local('i32', 'bytes');
  const vectorBytes = f.local('i32', 'vectorBytes');
  const yRow = f.local('i32', 'yRow');
  const dyRow = f.local('i32', 'dyRow');
  const dxRow = f.local('i32', 'dxRow');
  const yv = f.local('v128', 'yv');
  const dyv = f.local('v128', 'dyv');
  const dotLanes = f.local('v128', 'dotLanes');
  const dot = f.local('f64', 'dot');
  const dotF32 = f.local('f32', 'dotF32');
  const dotSplat = f.local('v128', 'dotSplat');

  f.set(bytes, i32.shl(n, 2));
  f.set(vectorBytes, i32.and(bytes, ~15));
  f.forRange(r, begin, end, 1, () => {
    f.set(yRow, rowAddress(y, r, bytes));
    f.set(dyRow, rowAddress(dy, r, bytes));
    f.set(dxRow, rowAddress(dx, r, bytes));

    // Pass 1: dot = Σ dy·y in float64.
    f.set(dotLanes, f64x2.splat(0));
    f.set(dot, 0);
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        f.set(yv, v128.load(i32.add(yRow, at)));
        f.set(dyv, v128.load(i32.add(dyRow, at)));
        f.set(dotLanes, f64x2.add(dotLanes, f64x2.mul(f64x2.promoteLowF32x4(yv), f64x2.promoteLowF32x4(dyv))));
        f.set(dotLanes, f64x2.add(dotLanes, f64x2.mul(promoteHigh(yv), promoteHigh(dyv))));
      },
      scalar: () => {
        f.set(dot, f64.add(dot, f64.mul(f64.promoteF32(f32.load(i32.add(yRow, at))), f64.promoteF32(f32.load(i32.add(dyRow, at))))));
      },
    });
    f.set(dotF32, f32.demoteF64(f64.add(dot, sumLanes(dotLanes))));

    // Pass 2: dx = y·(dy − dot).
    f.set(dotSplat, f32x4.splat(dotF32));
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => f.storeV128(i32.add(dxRow, at), f32x4.mul(v128.load(i32.add(yRow, at)), f32x4.sub(v128.load(i32.add(dyRow, at)), dotSplat))),
      scalar: () => f.storeF32(i32.add(dxRow, at), f32.mul(f32.load(i32.add(yRow, at)), f32.sub(f32.load(i32.add(dyRow, at)), dotF32))),
    });
  });
}
