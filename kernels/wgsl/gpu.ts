// Finding a WebGPU implementation and an adapter on it.
//
// In a browser that is `navigator.gpu`. In Node it is Dawn, Chromium's WebGPU implementation,
// through the `webgpu` npm package, imported lazily. What the host offers (Dawn, files, the
// environment) comes from platform/webgpuHost.ts, which the browser bundle swaps for its twin.
//
// Without a hardware GPU, Node can still run on SwiftShader, Chromium's software Vulkan driver
// (Debian ships it in `chromium-common`). The Vulkan loader reads VK_ICD_FILENAMES each time an
// instance is created, so when no adapter turns up and the variable is unset, we set it to
// SwiftShader's driver and create a second instance; that one finds it.

/// <reference types="@webgpu/types" />

import { hostEnvironment } from '../../platform/webgpuHost.js';

/** Where Debian's chromium-common installs SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const SWIFTSHADER_INSTALL = 'apt-get update && apt-get install -y --no-install-recommends libvulkan1 chromium-common';
export const ICD_VARIABLE = 'VK_ICD_FILENAMES';

export interface AdapterRequest {
  /**
   * Dawn's robustness transform clamps every buffer access in bounds. Turning it off speeds
   * SwiftShader up several times but lets an indexing bug read or write out of bounds silently, so
   * it stays on unless a benchmark asks. (Browsers always keep it on.)
   */
  readonly robustness: boolean;
  /** Extra flags for Dawn's `create()` in Node, e.g. `adapter=NAME` or `backend=vulkan`. */
  readonly dawnFlags: readonly string[];
  readonly powerPreference?: GPUPowerPreference;
}

export interface FoundAdapter {
  readonly adapter: GPUAdapter;
  /** Which implementation: the browser's, or Dawn in Node. */
  readonly source: 'navigator.gpu' | 'dawn';
  /** Set when this module pointed the Vulkan loader at SwiftShader itself. */
  readonly swiftShaderFallback: boolean;
  /** The optional WGSL language features the implementation offers (its `wgslLanguageFeatures`), sorted. */
  readonly wgslLanguageFeatures: readonly string[];
}

/** What `findAdapter` needs from its surroundings (tests substitute their own). */
export interface AdapterEnvironment {
  /** The browser's WebGPU, if any. */
  browserGpu(): GPU | undefined;
  /** Whether this is Node (where Dawn may be loaded). */
  isNode(): boolean;
  /** A Dawn instance created with these flags. */
  dawn(flags: readonly string[]): Promise<GPU>;
  fileExists(path: string): Promise<boolean>;
  /** The names in a directory; none when it does not exist. */
  listDir(path: string): Promise<string[]>;
  /** Node's `process.platform`. */
  platform(): string;
  getEnv(name: string): string | undefined;
  /** Sets an environment variable where native code (the Vulkan loader) sees it. */
  setEnv(name: string, value: string): Promise<void>;
}

export async function findAdapter(request: AdapterRequest, env: AdapterEnvironment = hostEnvironment): Promise<FoundAdapter> {
  const gpu = env.browserGpu();
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: request.powerPreference });
    if (!adapter) throw new Error(noAdapterMessage('navigator.gpu gave no adapter: WebGPU is disabled or unsupported on this GPU/driver'));
    return { adapter, source: 'navigator.gpu', swiftShaderFallback: false, wgslLanguageFeatures: languageFeatures(gpu) };
  }
  if (!env.isNode()) throw new Error(noAdapterMessage('this environment has no navigator.gpu'));

  const userIcd = env.getEnv(ICD_VARIABLE);
  const swiftShaderInstalled = await env.fileExists(SWIFTSHADER_ICD);
  // On Linux Dawn reaches GPUs through the Vulkan loader alone. Where the loader has no driver
  // to load, asking it only prints Dawn's "Found no drivers" warnings on every run, so with
  // SwiftShader at hand that question is skipped.
  if (!(swiftShaderInstalled && (await noVulkanDriverListed(env)))) {
    const dawn = await env.dawn(dawnFlags(request, userIcd === SWIFTSHADER_ICD));
    const adapter = await dawn.requestAdapter({ powerPreference: request.powerPreference });
    if (adapter) return { adapter, source: 'dawn', swiftShaderFallback: false, wgslLanguageFeatures: languageFeatures(dawn) };
  }

  if (userIcd !== undefined) {
    throw new Error(noAdapterMessage(`Dawn found no adapter with ${ICD_VARIABLE}=${userIcd}: check that the file exists and names a Vulkan driver`));
  }
  if (!swiftShaderInstalled) {
    throw new Error(noAdapterMessage(`Dawn found no adapter, and SwiftShader is not installed (${SWIFTSHADER_ICD} is missing)`));
  }
  await env.setEnv(ICD_VARIABLE, SWIFTSHADER_ICD);
  const flags = dawnFlags(request, true);
  const dawn = await env.dawn(flags);
  const adapter = await dawn.requestAdapter({ powerPreference: request.powerPreference });
  if (adapter) return { adapter, source: 'dawn', swiftShaderFallback: true, wgslLanguageFeatures: languageFeatures(dawn) };
  throw new Error(
    noAdapterMessage(`Dawn found no adapter, not even SwiftShader at ${SWIFTSHADER_ICD} (is libvulkan1 installed? Dawn's flags may also rule Vulkan out: [${flags.join(', ')}])`),
  );
}

/** `gpu.wgslLanguageFeatures`, sorted; none where an implementation predates the attribute. */
function languageFeatures(gpu: GPU): string[] {
  return [...(gpu.wgslLanguageFeatures ?? [])].map(String).sort();
}

/**
 * Whether this is Linux with no Vulkan driver for the loader to find: no variable naming driver
 * manifests, and no manifest (*.json) in any directory of the loader's search path (its
 * documentation: the XDG config and data directories, /etc and /usr/local/etc, each + vulkan/icd.d).
 */
async function noVulkanDriverListed(env: AdapterEnvironment): Promise<boolean> {
  if (env.platform() !== 'linux') return false;
  if ([ICD_VARIABLE, 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'].some((name) => env.getEnv(name))) return false;
  const home = env.getEnv('HOME');
  const dirs = (name: string, fallback: string) => (env.getEnv(name) || fallback).split(':').filter((dir) => dir !== '');
  const roots = [
    ...dirs('XDG_CONFIG_HOME', home ? `${home}/.config` : ''),
    ...dirs('XDG_CONFIG_DIRS', '/etc/xdg'),
    '/etc',
    '/usr/local/etc',
    ...dirs('XDG_DATA_HOME', home ? `${home}/.local/share` : ''),
    ...dirs('XDG_DATA_DIRS', '/usr/local/share:/usr/share'),
  ];
  for (const root of roots) {
    if ((await env.listDir(`${root}/vulkan/icd.d`)).some((name) => name.endsWith('.json'))) return false;
  }
  return true;
}

/**
 * The flags for Dawn's `create()`: the caller's, plus Dawn features (toggles). On SwiftShader,
 * "device memory" is host memory that Dawn would otherwise suballocate from blocks of 8 MiB,
 * rounding each buffer under 4 MiB up to a power of two — roberta-base's 2.25 MiB attention
 * weights would take 4 MiB each, 89 MiB wasted in all, and zero-filled, so resident.
 */
function dawnFlags(request: AdapterRequest, swiftShader: boolean): string[] {
  const features = [...(request.robustness ? [] : ['disable_robustness', 'allow_unsafe_apis']), ...(swiftShader ? ['disable_resource_suballocation'] : [])];
  return features.length === 0 ? [...request.dawnFlags] : [...request.dawnFlags, `enable-dawn-features=${features.join(',')}`];
}

/** What went wrong, and the two ways to get an adapter in Node. */
export function noAdapterMessage(why: string): string {
  return [
    `webgpu: no WebGPU adapter: ${why}.`,
    'In a browser, use one with WebGPU enabled. In Node, either install a GPU driver with Vulkan support,',
    `or the SwiftShader software driver: \`${SWIFTSHADER_INSTALL}\`,`,
    `then run with ${ICD_VARIABLE}=${SWIFTSHADER_ICD} (set automatically when that file exists and the variable is unset).`,
  ].join('\n');
}
