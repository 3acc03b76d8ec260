// The gpu.js package in a browser: its browser build (package.json's "browser" field), bundled.
// It has WebGL, WebGL2, WebGPU, webasm and cpu modes; its webasm workers start from Blob URLs.

import type * as GpuJs from 'gpu.js';
// The browser build's module.exports is the GPU class with every other export hung on it.
import gpujsExports from 'gpu.js';
import gpujsPackage from 'gpu.js/package.json' with { type: 'json' };

export const loadGpujs = (): typeof GpuJs => gpujsExports as unknown as typeof GpuJs;

export const gpujsVersion = (): string => gpujsPackage.version;

/** The browser build keeps its worker pool class to itself, so each webasm kernel has its own pool. */
export const webasmWorkerPoolClass = (): unknown => undefined;
