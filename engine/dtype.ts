// Element types a tensor can hold. Everything is 4 bytes wide today; `float16` will slot in here
// (with its own typed array) when a backend learns half precision.

export type DType = 'float32' | 'int32';

/** The host-side array that holds a tensor's elements of each dtype. */
export type TypedArray = Float32Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'int32'];

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32';
}

export function bytesPerElement(_dtype: DType): number {
  return 4;
}

export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
}

/** The dtype a typed array stores, or undefined for arrays a tensor cannot hold. */
export function dtypeOfArray(data: ArrayLike<number>): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return undefined;
}
