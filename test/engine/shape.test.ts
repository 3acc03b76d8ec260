// Shape arithmetic the ops and kernels rely on.

import { broadcastShapes, broadcastStrides, formatShape, sizeOf, stridesOf } from '../kernels/engine.js';
import { normalizeAxis } from '../../engine/shape.js';

describe('shapes', () => {
  it('sizes, formats and row-major strides', () => {
    expect([sizeOf([]), sizeOf([2, 3, 4]), sizeOf([5, 0])]).toEqual([1, 24, 0]);
    expect([formatShape([]), formatShape([2, 3])]).toEqual(['[]', '[2,3]']);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
  });

  it('broadcasts like NumPy: trailing axes aligned, 1 stretches', () => {
    expect(broadcastShapes('op', [2, 1, 5], [3, 1])).toEqual([2, 3, 5]);
    expect(broadcastShapes('op', [], [4])).toEqual([4]);
    expect(broadcastShapes('op', [1, 12, 16, 16], [1, 1, 1, 16])).toEqual([1, 12, 16, 16]);
    expect(() => broadcastShapes('op', [2, 3], [4], ['x', 'mask'])).toThrow('op: shapes cannot be broadcast: x is [2,3], mask is [4]');
  });

  it('reads a broadcast input with stride 0 on stretched and missing axes', () => {
    expect(broadcastStrides([3, 1], [2, 3, 5])).toEqual([0, 1, 0]);
    expect(broadcastStrides([2, 3, 5], [2, 3, 5])).toEqual([15, 5, 1]);
    expect(broadcastStrides([], [2, 2])).toEqual([0, 0]);
  });

  it('resolves negative axes and refuses out-of-range ones', () => {
    expect([normalizeAxis('op', -1, 3), normalizeAxis('op', 0, 3)]).toEqual([2, 0]);
    expect(() => normalizeAxis('op', 3, 3)).toThrow('op: axis 3 is out of range for a tensor of rank 3');
    expect(() => normalizeAxis('op', -4, 3)).toThrow('op: axis -4 is out of range for a tensor of rank 3');
  });
});
