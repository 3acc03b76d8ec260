// Element types a tensor can hold. Activations are always float32 (or int32 for ids and indices);
// `int8` and `float16` are for weights only: a backend stores them compactly (1 and 2 bytes per
// element; GPU buffers round up to whole 4-byte words) and only the ops that read weights accept
// them (see WEIGHT_DTYPE_INPUTS in opTypes.ts). A float16 element is held as its IEEE-754 half
// bit pattern in a Uint16Array (halfFloat.ts converts); JavaScript has no half-float array.

export type DType = 'float32' | 'int32' | 'int8' | 'float16';

/** The dtypes of weights stored below 4 bytes per element, which only some op inputs take. */
export type WeightDType = 'int8' | 'float16';

/** The host-side array that holds a tensor's elements of each dtype. */
export type TypedArray = Float32Array | Int32Array | Int8Array | Uint16Array;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'int8', 'float16'];

export function isDType(value: unknown): value is DType {
  return (DTYPES as readonly unknown[]).includes(value);
}

export function isWeightDType(dtype: DType): dtype is WeightDType {
  return dtype === 'int8' || dtype === 'float16';
}

const BYTES: Readonly<Record<DType, number>> = { float32: 4, int32: 4, int8: 1, float16: 2 };

export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'int8':
      return new Int8Array(size);
    case 'float16':
      return new Uint16Array(size);
  }
}

/** A typed array of `dtype` over `size` elements of `buffer` from `byteOffset` (no copy). */
export function viewOf(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, size);
    case 'int32':
      return new Int32Array(buffer, byteOffset, size);
    case 'int8':
      return new Int8Array(buffer, byteOffset, size);
    case 'float16':
      return new Uint16Array(buffer, byteOffset, size);
  }
}

/** The dtype a typed array stores, or undefined for arrays a tensor cannot hold. */
export function dtypeOfArray(data: ArrayLike<number>): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'float16';
  return undefined;
}
