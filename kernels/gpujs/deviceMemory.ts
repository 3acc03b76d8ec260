// Where float32 values live between kernels, per gpu.js mode.
//
//  - webgpu: in GPUBuffers. Kernels run with `pipeline: true`, so each result stays on the device
//    as a buffer handle that the next kernel binds directly; nothing is read back until a tensor's
//    data is asked for.
//  - webasm, cpu (and the GL modes): in host Float32Arrays. These modes have no device memory to
//    keep results in — a webasm kernel copies its arguments into its WebAssembly memory on every
//    call and copies the result out — so a result is simply the array the kernel returns.
//
// A kernel reads an argument as an array of 1 to 3 dimensions ([x], [x, y], [x, y, z], x fastest);
// the same values can be passed with different dims to different kernels (a reshape is free).

import { cpuCount } from '../../platform/host.js';
import { gpujs, webGpuHandle, type WebGpuContext, type WebGpuHandle } from './gpujs.js';

/** float32 values where the mode's kernels read them. */
export type DeviceArray = Float32Array | WebGpuHandle;

/** One array argument of a kernel call, and how to let go of it once the call was issued. */
export interface KernelArgument {
  readonly value: unknown;
  release(): void;
}

export interface DeviceMemory {
  /** Whether kernels return device-resident results (`pipeline: true`). */
  readonly pipeline: boolean;
  /** Worker threads webasm kernels split work across (1 for the other modes). */
  readonly threads: number;
  upload(data: Float32Array): DeviceArray;
  read(array: DeviceArray, size: number): Promise<Float32Array>;
  argument(array: DeviceArray, dims: readonly number[]): KernelArgument;
  /** Takes over what a kernel call returned (after awaiting it) as `size` values. */
  adopt(result: unknown, size: number): DeviceArray;
  release(array: DeviceArray): void;
  /** Resolves when the device has finished all work submitted so far. */
  settle(): Promise<void>;
}

export class HostMemory implements DeviceMemory {
  readonly pipeline = false;

  constructor(readonly threads = 1) {}

  upload(data: Float32Array): DeviceArray {
    return data;
  }

  async read(array: DeviceArray, size: number): Promise<Float32Array> {
    return hostArray(array).slice(0, size);
  }

  argument(array: DeviceArray, dims: readonly number[]): KernelArgument {
    // gpu.js's typings say number[]; Input takes any array-like and reads it as `dims`.
    const { Input } = gpujs();
    return { value: new Input(hostArray(array) as unknown as number[], [...dims] as [number]), release: () => {} };
  }

  adopt(result: unknown, size: number): DeviceArray {
    return flatten(result, size);
  }

  release(): void {}

  async settle(): Promise<void> {}
}

/** The webasm mode is host memory whose kernels split work across every core. */
export const webasmMemory = (): HostMemory => new HostMemory(cpuCount());

function hostArray(array: DeviceArray): Float32Array {
  if (!(array instanceof Float32Array)) throw new Error('gpujs: a GPU buffer reached a host-memory mode (internal error)');
  return array;
}

/**
 * A kernel with 2-D or 3-D output returns rows (and planes) of Float32Arrays. webasm returns them
 * as views of one fresh array, which is taken as it is; the cpu mode allocates every row
 * separately, which is copied into one.
 */
function flatten(result: unknown, size: number): Float32Array {
  const rows: Float32Array[] = [];
  const collect = (value: unknown): void => {
    if (value instanceof Float32Array) rows.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else throw new Error(`gpujs: a kernel returned ${typeof value}, expected Float32Array rows (internal error)`);
  };
  collect(result);
  const first = rows[0];
  let expectedOffset = first.byteOffset;
  const contiguous = rows.every((row) => {
    const ok = row.buffer === first.buffer && row.byteOffset === expectedOffset;
    expectedOffset += row.byteLength;
    return ok;
  });
  const total = rows.reduce((sum, row) => sum + row.length, 0);
  if (total !== size) throw new Error(`gpujs: a kernel returned ${total} values, expected ${size} (internal error)`);
  if (contiguous) return new Float32Array(first.buffer, first.byteOffset, size);
  const out = new Float32Array(size);
  let at = 0;
  for (const row of rows) {
    out.set(row, at);
    at += row.length;
  }
  return out;
}

// GPUBufferUsage / GPUMapMode values, fixed by the WebGPU spec (the globals exist only where a
// WebGPU implementation installed them).
const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const STORAGE = 0x0080;
const MAP_MODE_READ = 0x0001;

export class WebGpuMemory implements DeviceMemory {
  readonly pipeline = true;
  readonly threads = 1;

  constructor(private readonly context: WebGpuContext) {}

  upload(data: Float32Array): DeviceArray {
    const { device } = this.live();
    // A binding cannot be empty: an empty tensor still gets one float of buffer.
    const buffer = device.createBuffer({ size: Math.max(4, data.byteLength), usage: STORAGE | COPY_SRC | COPY_DST });
    if (data.byteLength > 0) device.queue.writeBuffer(buffer, 0, data);
    return webGpuHandle(buffer, [Math.max(1, data.length)], this.context);
  }

  async read(array: DeviceArray, size: number): Promise<Float32Array> {
    const { device } = this.live();
    const bytes = size * 4;
    if (bytes === 0) return new Float32Array(0);
    const staging = device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(handle(array).buffer, 0, staging, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_MODE_READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  argument(array: DeviceArray, dims: readonly number[]): KernelArgument {
    // A second handle on the same buffer, with the dims this kernel indexes it by. Dropping it
    // once the call is issued is safe: WebGPU keeps a buffer alive for work already submitted.
    const view = webGpuHandle(handle(array).buffer, [...dims], this.context);
    return { value: view, release: () => view.delete() };
  }

  adopt(result: unknown): DeviceArray {
    return handle(result);
  }

  release(array: DeviceArray): void {
    handle(array).delete();
  }

  settle(): Promise<void> {
    return this.live().device.queue.onSubmittedWorkDone();
  }

  private live(): WebGpuContext {
    if (this.context.isLost) throw new Error('gpujs: the WebGPU device was lost; create the backend again');
    return this.context;
  }
}

function handle(value: unknown): WebGpuHandle {
  if (value instanceof Float32Array || typeof value !== 'object' || value === null || !('buffer' in value) || !('delete' in value)) {
    throw new Error('gpujs: expected a WebGPU buffer handle (internal error)');
  }
  return value as WebGpuHandle;
}
