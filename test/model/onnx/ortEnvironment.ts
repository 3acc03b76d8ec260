// Jest's node environment for tests that use onnxruntime-node (opt in per file with the docblock
// `@jest-environment ./test/model/onnx/ortEnvironment.ts`).
//
// Jest runs each test file in its own V8 context, with its own Float32Array, BigInt64Array, ...
// onnxruntime-node's native binding creates output arrays in Node's main context, and
// onnxruntime-common then checks them with `data instanceof Float32Array` against the test
// context's constructor, which fails ("A float32 tensor's data must be type of Float32Array").
// Jest already shares ArrayBuffer and Uint8Array with the main context for the same reason (see
// jest-environment-node); this shares the other typed arrays. onnxruntime-web needs none of this:
// it runs entirely inside the test's context.

import { TestEnvironment } from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OrtEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    for (const name of TYPED_ARRAYS) (this.global as Record<string, unknown>)[name] = globalThis[name];
  }
}
