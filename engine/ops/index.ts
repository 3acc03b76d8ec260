// The public ops. Model code calls these (`ops.matmul(a, b)`), never a backend: each validates its
// arguments at the boundary, computes the output shape, and dispatches to the kernel registered
// for the backend its inputs live on.

export { attention } from './attention.js';
export { copyTo, scalar, tensor } from './creation.js';
export { add, cast, div, equal, gelu, geluNew, mul, notEqual, relu, scale, sigmoid, sub, tanh, unary } from './elementwise.js';
export { concat, cumsum, gather, select, slice } from './indexing.js';
export { permute, reshape, transpose } from './layout.js';
export { linear, matmul, type MatmulOptions } from './linalg.js';
export { layerNorm, softmax } from './normalization.js';
export { argmax, topk } from './reduction.js';
