// Making tensors from host data, and moving them between backends.

import type { Backend } from '../backend.js';
import { DTYPES, dtypeOfArray, isDType, type DType, type TypedArray } from '../dtype.js';
import { narrowToHalves } from '../halfFloat.js';
import { OpError } from '../errors.js';
import { getBackend } from '../select.js';
import { checkShape, formatShape, sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(op: string, values: NestedArray, shape: Shape): number[] {
  const flat: number[] = [];
  const walk = (v: NestedArray, axis: number) => {
    if (axis === shape.length) {
      if (typeof v !== 'number') throw new OpError(op, `ragged nested array: expected a number at depth ${axis}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new OpError(op, `ragged nested array: every row at depth ${axis} must have length ${shape[axis]}`);
    }
    for (const x of v) walk(x, axis + 1);
  };
  walk(values, 0);
  return flat;
}

/**
 * A tensor from host values: a typed array (its dtype is the array's: a Uint16Array holds float16
 * bit patterns) or numbers (float32 unless `dtype` says otherwise; float16 rounds them to nearest),
 * flat with `shape`, or nested (shape inferred). On backends that keep data in host memory a typed
 * array is taken over, not copied: do not mutate it afterwards.
 */
export function tensor(values: TypedArray | NestedArray, shape?: Shape, dtype?: DType, backend: Backend = getBackend()): Tensor {
  const op = 'tensor';
  if (dtype !== undefined && !isDType(dtype)) throw new OpError(op, `unsupported dtype ${String(dtype)} (supported: ${DTYPES.join(', ')})`);
  let data: TypedArray;
  if (ArrayBuffer.isView(values)) {
    const arrayType = dtypeOfArray(values);
    if (!arrayType) throw new OpError(op, `unsupported typed array ${values.constructor.name} (use Float32Array, Int32Array, Int8Array or Uint16Array of float16 bits)`);
    if (dtype !== undefined && dtype !== arrayType) throw new OpError(op, `dtype ${dtype} does not match the ${values.constructor.name} given`);
    data = values;
    shape ??= [values.length];
  } else {
    const nestedShape = inferShape(values);
    const numbers = flatten(op, values, nestedShape);
    shape ??= nestedShape;
    data = fromNumbers(op, numbers, dtype ?? 'float32');
  }
  checkShape(op, 'shape', shape);
  if (sizeOf(shape) !== data.length) {
    throw new OpError(op, `${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  const type = dtypeOfArray(data) as DType;
  return Tensor.fromStorage(backend, backend.upload(data, type), shape, type);
}

function fromNumbers(op: string, numbers: number[], dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(numbers);
    case 'float16':
      return narrowToHalves(numbers);
    case 'int32':
      return Int32Array.from(numbers, (v) => checkInteger(op, v, dtype, 2147483647));
    case 'int8':
      return Int8Array.from(numbers, (v) => checkInteger(op, v, dtype, 127));
  }
}

function checkInteger(op: string, v: number, dtype: DType, max: number): number {
  if (!Number.isInteger(v) || v < -max - 1 || v > max) throw new OpError(op, `${v} is not an ${dtype} value`);
  return v;
}

/** A rank-0 tensor holding one number. */
export function scalar(value: number, dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  return tensor([value], [], dtype, backend);
}

/** A float32 tensor of zeros. */
export function zeros(shape: Shape, backend: Backend = getBackend()): Tensor {
  return tensor(new Float32Array(sizeOf(shape)), shape, 'float32', backend);
}

/** A copy of `t` on another backend (reads it back, then uploads). */
export async function copyTo(t: Tensor, backend: Backend): Promise<Tensor> {
  return tensor(await t.data(), t.shape, t.dtype, backend);
}
