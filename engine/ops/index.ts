// The public ops. Model code calls these (`ops.matmul(a, b)`), never a backend: each validates its
// arguments at the boundary, computes the output shape, and dispatches to the kernel registered
// for the backend its inputs live on.

export { attention, qkvAttention } from './attention.js';
export { copyTo, scalar, tensor, zeros } from './creation.js';
export { dropout } from './dropout.js';
export { add, cast, div, equal, gelu, geluNew, mul, notEqual, relu, scale, sigmoid, sub, tanh, unary, unaryBackward } from './elementwise.js';
export { concat, cumsum, gather, quantizedGather, scatterAdd, select, slice, type GatherOptions } from './indexing.js';
export { permute, reshape, transpose } from './layout.js';
export { linear, matmul, quantizedLinear, type MatmulOptions } from './linalg.js';
export { layerNorm, layerNormBackward, logSoftmax, softmax, softmaxBackward } from './normalization.js';
export { argmax, sumTo, topk } from './reduction.js';
