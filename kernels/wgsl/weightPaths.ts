// Which WGSL the int8 and float16 weight kernels are built from on this device. Both have a fast
// path that needs something optional and a portable path that any WebGPU runs:
// - int8 products: `dot4I8Packed` (four int8 multiply-adds from two packed u32 words, one
//   instruction on GPUs with a dot-product unit) where the WGSL language feature
//   'packed_4x8_integer_dot_product' is offered; else each byte is sign-extended with extractBits.
// - float16 weights: read as `f16` (`enable f16`) where the device was opened with 'shader-f16';
//   else each u32 word holds two halves, widened with unpack2x16float. Either way the products sum
//   in f32, so both give the same numbers.
// The portable paths can be forced (tests run them on an adapter that has the fast ones); a fast
// path cannot be forced where the feature is missing: its shader would not compile.

/// <reference types="@webgpu/types" />

import { WebGpuError } from './backend.js';

export const PACKED_DOT_LANGUAGE_FEATURE = 'packed_4x8_integer_dot_product';
export const SHADER_F16_FEATURE: GPUFeatureName = 'shader-f16';

export interface WeightPaths {
  /** int8 products with `dot4I8Packed`; false: bytes sign-extended one by one. */
  readonly packedDot: boolean;
  /** float16 weights bound as `array<f16>`; false: as `array<u32>`, two halves a word. */
  readonly shaderF16: boolean;
}

/**
 * The paths for a device whose WGSL offers `languageFeatures` and that was opened with
 * `deviceFeatures`; `request` may turn a fast path off (false), or insist on it (true: an error
 * when the feature is missing).
 */
export function chooseWeightPaths(languageFeatures: readonly string[], deviceFeatures: ReadonlySet<string>, request: Partial<WeightPaths> = {}): WeightPaths {
  const choose = (what: keyof WeightPaths, available: boolean, feature: string): boolean => {
    if (request[what] === true && !available) throw new WebGpuError(`webgpu: weightPaths.${what} was asked for, but this device lacks ${feature}`);
    return request[what] ?? available;
  };
  return {
    packedDot: choose('packedDot', languageFeatures.includes(PACKED_DOT_LANGUAGE_FEATURE), `the WGSL language feature '${PACKED_DOT_LANGUAGE_FEATURE}'`),
    shaderF16: choose('shaderF16', deviceFeatures.has(SHADER_F16_FEATURE), `the '${SHADER_F16_FEATURE}' feature`),
  };
}

/** One line for the adapter report: which path each weight kernel takes by default. */
export function describeWeightPaths(paths: WeightPaths): string {
  const int8 = paths.packedDot ? `int8 dot4I8Packed (${PACKED_DOT_LANGUAGE_FEATURE})` : 'int8 unpacked with extractBits (no packed_4x8_integer_dot_product)';
  const half = paths.shaderF16 ? `fp16 as f16 (${SHADER_F16_FEATURE})` : `fp16 unpacked with unpack2x16float (no ${SHADER_F16_FEATURE})`;
  return `${int8}, ${half}`;
}
