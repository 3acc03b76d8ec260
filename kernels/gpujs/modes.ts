// Which gpu.js backend ("mode") compiles the kernels. gpu.js 2.24 can target:
//   webgpu     WGSL compute shaders over storage buffers (needs navigator.gpu and an adapter)
//   webasm     WebAssembly with f32x4 SIMD, split over worker threads under the async contract
//   headlessgl WebGL 1 through the optional `gl` package (headless-gl) — Node's GL route
//   cpu        the kernel as plain JavaScript, float64 arithmetic with float32 storage
// (and webgl/webgl2 in a browser). `auto` lets gpu.js choose, in its own order:
// headlessgl → webgl2 → webgl → webasm → cpu; it never picks webgpu by itself.

import { HostMemory, WebGpuMemory, webasmMemory, type DeviceMemory } from './deviceMemory.js';
import { gpujs, modeOfClass, type GpuInstance } from './gpujs.js';
import { openWebGpuMode, type WebGpuMode } from './webgpuMode.js';

export type GpujsMode = 'auto' | 'webgpu' | 'webasm' | 'headlessgl' | 'cpu';
export const GPUJS_MODES: readonly GpujsMode[] = ['auto', 'webgpu', 'webasm', 'headlessgl', 'cpu'];

/** The environment variable that picks the mode of the registered `gpujs` backend. */
export const GPUJS_MODE_ENV = 'ROBERTA_GPUJS_MODE';

export function parseGpujsMode(value: string, source: string): GpujsMode {
  if ((GPUJS_MODES as readonly string[]).includes(value)) return value as GpujsMode;
  throw new Error(`${source}: unknown gpu.js mode "${value}" (expected one of ${GPUJS_MODES.join(', ')})`);
}

/** A gpu.js instance set up for one mode, and what that mode means for the backend. */
export interface ModeSetup {
  /** The mode gpu.js actually compiles for (never 'auto'). */
  readonly mode: string;
  readonly gpu: GpuInstance;
  readonly memory: DeviceMemory;
  /** One line for reports. */
  readonly detail: string;
  /** Set when the mode works but is no faster than the CPU reference here. */
  readonly degraded?: string;
}

const unavailable = (mode: GpujsMode, why: string) => new Error(`gpujs: mode "${mode}" is not available: ${why}`);

export async function setUpMode(mode: GpujsMode): Promise<ModeSetup> {
  const { GPU } = gpujs();
  switch (mode) {
    case 'webgpu':
      return setUpWebGpu();
    case 'webasm':
      if (!GPU.isWebAssemblySupported) throw unavailable(mode, 'this runtime has no WebAssembly');
      return hostMode('webasm', new GPU({ mode: 'webasm' }));
    case 'headlessgl':
      if (!GPU.isHeadlessGLSupported) {
        throw unavailable(mode, 'the optional gl package could not be built (gpu.js reaches WebGL in Node only through headless-gl, `npm install gl`)');
      }
      return hostMode('headlessgl', new GPU({ mode: 'headlessgl' }));
    case 'cpu':
      return hostMode('cpu', new GPU({ mode: 'cpu' }));
    case 'auto': {
      const gpu = new GPU();
      return hostMode(modeOfClass(gpu.Kernel), gpu);
    }
  }
}

function hostMode(mode: string, gpu: GpuInstance): ModeSetup {
  switch (mode) {
    case 'webasm': {
      const memory = webasmMemory();
      return { mode, gpu, memory, detail: `WebAssembly SIMD, ${memory.threads} worker threads` };
    }
    case 'cpu':
      return { mode, gpu, memory: new HostMemory(), detail: 'kernels as plain JavaScript', degraded: 'gpu.js cpu mode runs kernels as plain single-threaded JavaScript' };
    default:
      // The GL modes: results are read back after every kernel (see README.md, "Modes").
      return { mode, gpu, memory: new HostMemory(), detail: 'WebGL, results read back after each kernel' };
  }
}

async function setUpWebGpu(): Promise<ModeSetup> {
  let opened: WebGpuMode;
  try {
    opened = await openWebGpuMode();
  } catch (error) {
    throw unavailable('webgpu', (error as Error).message);
  }
  const info = opened.context.adapter.info;
  const adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software = info.isFallbackAdapter || /swiftshader|llvmpipe/i.test(adapter);
  return {
    mode: 'webgpu',
    gpu: opened.gpu,
    memory: new WebGpuMemory(opened.context),
    detail: `WebGPU on ${adapter}`,
    degraded: software ? `gpu.js webgpu mode on a software adapter (${adapter})` : undefined,
  };
}
