// Every op validates its arguments before any backend sees them, and says what is wrong in
// terms a user can act on: the op, the argument, the shapes (`matmul: inner dimensions differ:
// a is [2,3], b is [4,5]`).

export class OpError extends Error {
  override readonly name = 'OpError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/** A backend asked to hold a dtype it has no kernels for (gpu.js and half-precision or int8 weights). */
export class UnsupportedDTypeError extends Error {
  override readonly name = 'UnsupportedDTypeError';
  constructor(
    readonly backend: string,
    readonly dtype: string,
    hint: string,
  ) {
    super(`the ${backend} backend cannot hold ${dtype} weights: ${hint}`);
  }
}
