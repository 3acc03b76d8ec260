// Finding an adapter (gpu.ts), with the surroundings faked so every path runs on any machine: a
// Dawn that finds nothing, the SwiftShader fallback, a user's own VK_ICD_FILENAMES, a missing
// SwiftShader, a browser without WebGPU.

/// <reference types="@webgpu/types" />

import { findAdapter, SWIFTSHADER_ICD, SWIFTSHADER_INSTALL, type AdapterEnvironment } from '../../../kernels/wgsl/gpu.js';

const request = { robustness: true, dawnFlags: [] };
const ADAPTER = { info: { description: 'fake' } } as unknown as GPUAdapter;

/**
 * A Linux environment whose Dawn finds `adapters[i]` on its i-th instance. Unless `manifests`
 * says otherwise, one Vulkan driver manifest is where the loader looks (/usr/share/vulkan/icd.d).
 */
function fakeNode(
  adapters: (GPUAdapter | null)[],
  options: { icd?: string; swiftShaderInstalled?: boolean; manifests?: Record<string, string[]>; env?: Record<string, string> } = {},
) {
  const calls = { dawnFlags: [] as string[][], setEnv: [] as [string, string][] };
  const env: AdapterEnvironment = {
    browserGpu: () => undefined,
    isNode: () => true,
    async dawn(flags) {
      const adapter = adapters[calls.dawnFlags.length] ?? null;
      calls.dawnFlags.push([...flags]);
      return { requestAdapter: async () => adapter } as unknown as GPU;
    },
    fileExists: async (path) => path === SWIFTSHADER_ICD && (options.swiftShaderInstalled ?? true),
    listDir: async (path) => (options.manifests ?? { '/usr/share/vulkan/icd.d': ['nvidia_icd.json'] })[path] ?? [],
    platform: () => 'linux',
    getEnv: (name) => (name === 'VK_ICD_FILENAMES' ? options.icd : options.env?.[name]),
    async setEnv(name, value) {
      calls.setEnv.push([name, value]);
    },
  };
  return { env, calls };
}

/** Every no-adapter error tells how to get one in Node. */
function expectHowToGetOne(message: string): void {
  expect(message).toContain('no WebGPU adapter');
  expect(message).toContain(SWIFTSHADER_INSTALL);
  expect(message).toContain(`VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
}

describe('findAdapter', () => {
  it('uses the first adapter Dawn finds, leaving the environment alone', async () => {
    const { env, calls } = fakeNode([ADAPTER]);
    await expect(findAdapter(request, env)).resolves.toEqual({ adapter: ADAPTER, source: 'dawn', swiftShaderFallback: false, wgslLanguageFeatures: [] });
    expect(calls.setEnv).toEqual([]);
  });

  it('falls back to SwiftShader by setting VK_ICD_FILENAMES and asking a new instance', async () => {
    const { env, calls } = fakeNode([null, ADAPTER]);
    await expect(findAdapter(request, env)).resolves.toEqual({ adapter: ADAPTER, source: 'dawn', swiftShaderFallback: true, wgslLanguageFeatures: [] });
    expect(calls.setEnv).toEqual([['VK_ICD_FILENAMES', SWIFTSHADER_ICD]]);
    expect(calls.dawnFlags).toHaveLength(2);
  });

  it('fails with how to get an adapter when even SwiftShader gives none', async () => {
    const { env } = fakeNode([null, null]);
    const error = await findAdapter(request, env).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expectHowToGetOne((error as Error).message);
    expect((error as Error).message).toContain('not even SwiftShader');
  });

  it('names a VK_ICD_FILENAMES the user set, and does not override it', async () => {
    const { env, calls } = fakeNode([null, ADAPTER], { icd: '/opt/broken_icd.json' });
    const error = (await findAdapter(request, env).catch((e: Error) => e)) as Error;
    expectHowToGetOne(error.message);
    expect(error.message).toContain('VK_ICD_FILENAMES=/opt/broken_icd.json');
    expect(calls.setEnv).toEqual([]);
  });

  it('says when SwiftShader is not installed', async () => {
    const { env, calls } = fakeNode([null, ADAPTER], { swiftShaderInstalled: false });
    const error = (await findAdapter(request, env).catch((e: Error) => e)) as Error;
    expectHowToGetOne(error.message);
    expect(error.message).toContain(`${SWIFTSHADER_ICD} is missing`);
    expect(calls.setEnv).toEqual([]);
  });

  it('asks Dawn to drop its bounds checks only when robustness is off', async () => {
    const { env, calls } = fakeNode([ADAPTER, ADAPTER]);
    await findAdapter({ robustness: true, dawnFlags: ['adapter=X'] }, env);
    await findAdapter({ robustness: false, dawnFlags: ['adapter=X'] }, env);
    expect(calls.dawnFlags).toEqual([['adapter=X'], ['adapter=X', 'enable-dawn-features=disable_robustness,allow_unsafe_apis']]);
  });

  it('goes straight to SwiftShader where the Vulkan loader has no driver manifest to load', async () => {
    const { env, calls } = fakeNode([ADAPTER], { manifests: { '/etc/vulkan/icd.d': ['README'] } });
    await expect(findAdapter(request, env)).resolves.toEqual({ adapter: ADAPTER, source: 'dawn', swiftShaderFallback: true, wgslLanguageFeatures: [] });
    expect(calls.setEnv).toEqual([['VK_ICD_FILENAMES', SWIFTSHADER_ICD]]);
    expect(calls.dawnFlags).toHaveLength(1); // no instance that could only warn "Found no drivers"
  });

  it('asks Dawn first wherever the loader could find a driver: a manifest on its search path, or variables naming one', async () => {
    const found = async (options: Parameters<typeof fakeNode>[1]) => {
      const { env, calls } = fakeNode([ADAPTER, ADAPTER], options);
      await findAdapter(request, env);
      return calls.setEnv.length === 0;
    };
    expect(await found({ manifests: { '/etc/vulkan/icd.d': ['nvidia_icd.json'] } })).toBe(true);
    expect(await found({ manifests: { '/home/u/.local/share/vulkan/icd.d': ['x.json'] }, env: { HOME: '/home/u' } })).toBe(true);
    expect(await found({ manifests: { '/opt/data/vulkan/icd.d': ['x.json'] }, env: { XDG_DATA_DIRS: '/opt/data:/usr/share' } })).toBe(true);
    expect(await found({ manifests: {}, env: { VK_DRIVER_FILES: '/opt/nvidia_icd.json' } })).toBe(true);
    expect(await found({ manifests: {}, swiftShaderInstalled: false })).toBe(true);
    expect(await found({ manifests: {} })).toBe(false);
  });

  it('turns off resource suballocation on SwiftShader, found or named by the user, and only there', async () => {
    const fallback = fakeNode([null, ADAPTER]);
    await findAdapter({ robustness: false, dawnFlags: [] }, fallback.env);
    expect(fallback.calls.dawnFlags).toEqual([
      ['enable-dawn-features=disable_robustness,allow_unsafe_apis'],
      ['enable-dawn-features=disable_robustness,allow_unsafe_apis,disable_resource_suballocation'],
    ]);
    const named = fakeNode([ADAPTER], { icd: SWIFTSHADER_ICD });
    await findAdapter(request, named.env);
    expect(named.calls.dawnFlags).toEqual([['enable-dawn-features=disable_resource_suballocation']]);
  });

  it("uses the browser's navigator.gpu when there is one, and explains when it has no adapter", async () => {
    const browser = (adapter: GPUAdapter | null): AdapterEnvironment => ({
      ...fakeNode([]).env,
      isNode: () => false,
      browserGpu: () => ({ requestAdapter: async () => adapter }) as unknown as GPU,
    });
    await expect(findAdapter(request, browser(ADAPTER))).resolves.toEqual({ adapter: ADAPTER, source: 'navigator.gpu', swiftShaderFallback: false, wgslLanguageFeatures: [] });
    await expect(findAdapter(request, browser(null))).rejects.toThrow(/no WebGPU adapter: navigator.gpu gave no adapter/);
    await expect(findAdapter(request, { ...browser(null), browserGpu: () => undefined })).rejects.toThrow(/this environment has no navigator.gpu/);
  });
});
