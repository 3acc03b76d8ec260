// What the adapter is and can do, for `roberta info` and for choosing kernels: vendor and
// architecture, whether it is a software rasteriser, the optional features that matter for
// inference, and the limits our kernels depend on.

/// <reference types="@webgpu/types" />

import { chooseWeightPaths, describeWeightPaths } from './weightPaths.js';

export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation (SwiftShader, llvmpipe/lavapipe, WARP): correct but slow. */
  readonly software: boolean;
  /** Which implementation: the browser's `navigator.gpu`, or Dawn in Node. */
  readonly source: 'navigator.gpu' | 'dawn';
  /** Dawn's bounds-checking transform (see gpu.ts). */
  readonly robustness: boolean;
  /** VK_ICD_FILENAMES was unset and no adapter found, so gpu.ts pointed it at SwiftShader. */
  readonly swiftShaderFallback: boolean;
  readonly features: {
    readonly shaderF16: boolean;
    readonly subgroups: boolean;
    readonly timestampQuery: boolean;
    /** Every feature the adapter offers, sorted. */
    readonly all: readonly string[];
  };
  /** The optional WGSL language features the implementation offers, sorted (e.g. packed_4x8_integer_dot_product). */
  readonly wgslLanguageFeatures: readonly string[];
  readonly limits: Readonly<Record<(typeof KEY_LIMITS)[number], number>>;
}

const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
] as const;

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|software|warp|basic render/i;

export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  // isFallbackAdapter is newer than some implementations; the names catch the rest.
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return fallback || SOFTWARE_NAMES.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

export function describeAdapter(adapter: GPUAdapter, how: Pick<AdapterReport, 'source' | 'robustness' | 'swiftShaderFallback' | 'wgslLanguageFeatures'>): AdapterReport {
  const info = adapter.info;
  const all = [...adapter.features].map(String).sort();
  const limits = Object.fromEntries(KEY_LIMITS.map((name) => [name, adapter.limits[name]])) as AdapterReport['limits'];
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftwareAdapter(info),
    ...how,
    features: { shaderF16: all.includes('shader-f16'), subgroups: all.includes('subgroups'), timestampQuery: all.includes('timestamp-query'), all },
    limits,
  };
}

/** The adapter's name as one short phrase: "google swiftshader (SwiftShader driver 5.0.0)". */
export function adapterName(report: AdapterReport): string {
  const name = [report.vendor, report.architecture, report.device].filter(Boolean).join(' ') || 'unknown adapter';
  return report.description ? `${name} (${report.description})` : name;
}

/** A multi-line, human-readable report. */
export function formatAdapterReport(report: AdapterReport): string {
  const yesNo = (v: boolean) => (v ? 'yes' : 'no');
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const l = report.limits;
  return [
    `adapter:      ${adapterName(report)}`,
    `kind:         ${report.software ? 'software (runs on the CPU)' : 'hardware'}, via ${report.source}${report.swiftShaderFallback ? ' (VK_ICD_FILENAMES set to SwiftShader)' : ''}, robustness ${report.robustness ? 'on' : 'off'}`,
    `features:     shader-f16 ${yesNo(report.features.shaderF16)}, subgroups ${yesNo(report.features.subgroups)}, timestamp-query ${yesNo(report.features.timestampQuery)}`,
    `buffers:      max ${mib(l.maxBufferSize)}, storage binding max ${mib(l.maxStorageBufferBindingSize)}, ${l.maxStorageBuffersPerShaderStage} per shader`,
    `workgroups:   ${l.maxComputeInvocationsPerWorkgroup} invocations, size ≤ ${l.maxComputeWorkgroupSizeX}×${l.maxComputeWorkgroupSizeY}×${l.maxComputeWorkgroupSizeZ}, ${l.maxComputeWorkgroupStorageSize} B shared, ${l.maxComputeWorkgroupsPerDimension} per dimension`,
    `weights:      ${describeWeightPaths(chooseWeightPaths(report.wgslLanguageFeatures, new Set(report.features.all)))}`,
    `all features: ${report.features.all.join(', ') || 'none'}`,
    `wgsl:         ${report.wgslLanguageFeatures.join(', ') || 'none'}`,
  ].join('\n');
}
