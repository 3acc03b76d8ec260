// The tensor engine's public surface.

export type { Backend, BackendMemory, BackendName, OutputSpec, TensorInfo } from './backend.js';
export { allocate, bytesPerElement, DTYPES, isDType, isWeightDType, type DType, type TypedArray, type WeightDType } from './dtype.js';
export { dequantizeWeight, INT8_LIMIT, quantizeWeight, type QuantizedWeight } from './quantize.js';
export { OpError, UnsupportedDTypeError } from './errors.js';
export type { BinaryOp, OpAttrs, OpName, UnaryFn } from './opTypes.js';
export { UNARY_FNS } from './opTypes.js';
export * as ops from './ops/index.js';
export { getKernel, hasKernel, registerKernel, registeredOps, type Kernel } from './registry.js';
export { backward } from './backward.js';
export { counterUniform, RandomStream } from './random.js';
export { keep, tidy } from './scope.js';
export { clearTape, noGrad, tapeLength } from './tape.js';
export {
  disposeBackends,
  getBackend,
  getBackendByName,
  registerBackend,
  registeredBackends,
  selectBackend,
  setBackend,
  type BackendFactory,
  type BackendPreference,
  type SelectionReport,
} from './select.js';
export { broadcastShapes, broadcastStrides, formatShape, sizeOf, stridesOf, type Shape } from './shape.js';
export { liveCounts, Tensor, type NestedArray } from './tensor.js';
