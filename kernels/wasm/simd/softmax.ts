// softmax(x, y, n, maskRows, hasMask, begin, end): softmax over each row r in [begin, end) of
// x + mask, x an [rows, n] matrix. maskRows[r] is the byte address of the mask row that row r
// adds (the caller resolves the broadcasting), read only when hasMask ≠ 0.
//
// The numerics follow the CPU reference (kernels/cpu/softmax.ts): the masked score x + mask is
// rounded to float32 first, the row maximum is subtracted before exponentiating, and a row whose
// maximum is −∞ comes out uniform. The sum of the exponentials is accumulated in float64; the
// exponentials themselves are float32 (about 1 ulp, see activations.ts).

import { f32, f32x4, f64, f64x2, i32, v128 } from '../emit/expr.js';
import type { ModuleBuilder } from '../emit/module.js';
import type { SimdFeatures } from '../features.js';
import { exp } from './activations.js';
import { multiplyAdd } from './multiplyAdd.js';
import { promoteHigh, sumLanes } from './lanes.js';
import { rowAddress, rowPass } from './rows.js';

export function emitSoftmax(m: ModuleBuilder, features: SimdFeatures): void {
  const f = m.function('softmax', { x: 'i32', y: 'i32', n: 'i32', maskRows: 'i32', hasMask: 'i32', begin: 'i32', end: 'i32' });
  const { x, y, n, maskRows, hasMask, begin, end } = f.params;
  const r = f.local('i32', 'r');
  const at = f.local('i32', 'at');
  const bytes = f.local('i32', 'bytes');
  const vectorBytes = f.local('i32', 'vectorBytes');
  const xRow = f.local('i32', 'xRow');
  const yRow = f.local('i32', 'yRow');
  const maskRow = f.local('i32', 'maskRow');
  const v = f.local('v128', 'v');
  const maxLanes = f.local('v128', 'maxLanes');
  const max = f.local('f32', 'max');
  const sumLanes64 = f.local('v128', 'sumLanes64');
  const sum = f.local('f64', 'sum');
  const divisor = f.local('f32', 'divisor');
  const madd = multiplyAdd(features);

  f.set(bytes, i32.shl(n, 2));
  f.set(vectorBytes, i32.and(bytes, ~15));
  f.forRange(r, begin, end, 1, () => {
    f.set(xRow, rowAddress(x, r, bytes));
    f.set(yRow, rowAddress(y, r, bytes));
    f.if(hasMask, () => f.set(maskRow, i32.load(i32.add(maskRows, i32.shl(r, 2)))));

    // Pass 1: v = x + mask, kept in y, and its maximum. The tail goes through lane 0 of a splat.
    const masked = (load: typeof v128.load) => {
      f.set(v, load(i32.add(xRow, at)));
      f.if(hasMask, () => f.set(v, f32x4.add(v, load(i32.add(maskRow, at)))));
      // maxLanes < v ? v : maxLanes — a NaN never becomes the maximum, as in the reference.
      f.set(maxLanes, f32x4.pmax(maxLanes, v));
    };
    f.set(maxLanes, f32x4.const(-Infinity));
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        masked(v128.load);
        f.storeV128(i32.add(yRow, at), v);
      },
      scalar: () => {
        masked(v128.load32Splat);
        f.storeF32(i32.add(yRow, at), f32x4.extractLane(v, 0));
      },
    });
    f.set(max, f32.max(f32.max(f32x4.extractLane(maxLanes, 0), f32x4.extractLane(maxLanes, 1)), f32.max(f32x4.extractLane(maxLanes, 2), f32x4.extractLane(maxLanes, 3))));

    f.if(
      f32.eq(max, -Infinity),
      () => {
        // Every entry is −∞: uniform, as the reference.
        f.set(v, f32x4.splat(f32.demoteF64(f64.div(1, f64.convertI32(n)))));
        rowPass(f, at, vectorBytes, bytes, {
          vector: () => f.storeV128(i32.add(yRow, at), v),
          scalar: () => f.storeF32(i32.add(yRow, at), f32x4.extractLane(v, 0)),
        });
      },
      () => {
        // Pass 2: e = exp(v − max) in place, summed in float64.
        f.set(maxLanes, f32x4.splat(max));
        f.set(sumLanes64, f64x2.splat(0));
        f.set(sum, 0);
        rowPass(f, at, vectorBytes, bytes, {
          vector: () => {
            f.set(v, f32x4.sub(v128.load(i32.add(yRow, at)), maxLanes));
            f.set(v, exp(f, v, madd));
            f.storeV128(i32.add(yRow, at), v);
            f.set(sumLanes64, f64x2.add(f64x2.add(sumLanes64, f64x2.promoteLowF32x4(v)), promoteHigh(v)));
          },
          scalar: () => {
            f.set(v, f32x4.sub(v128.load32Splat(i32.add(yRow, at)), maxLanes));
            f.set(v, exp(f, v, madd));
            f.storeF32(i32.add(yRow, at), f32x4.extractLane(v, 0));
            f.set(sum, f64.add(sum, f64.promoteF32(f32x4.extractLane(v, 0))));
          },
        });
        // Pass 3: divide by the sum.
        f.set(divisor, f32.demoteF64(f64.add(sum, sumLanes(sumLanes64))));
        f.set(v, f32x4.splat(divisor));
        rowPass(f, at, vectorBytes, bytes, {
          vector: () => f.storeV128(i32.add(yRow, at), f32x4.div(v128.load(i32.add(yRow, at)), v)),
          scalar: () => f.storeF32(i32.add(yRow, at), f32.div(f32.load(i32.add(yRow, at)), divisor)),
        });
      },
    );
  });
}
