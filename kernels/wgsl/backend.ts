// The WebGPU backend: tensor storage is a GPUBuffer, kernels are WGSL compute shaders.
//
// Execution model. Kernels do not run when called: each records a dispatch into the backend's one
// open compute pass and command encoder, so a whole forward pass becomes a single command buffer.
// Nothing is submitted until someone reads a result (or calls `flush`). `read` appends a copy into
// a mappable staging buffer, submits, and waits for the mapping.
//
// Errors. WebGPU reports validation errors asynchronously, but kernels are synchronous, so errors
// are collected (an error scope around every pipeline compile, and in debug mode around every
// dispatch; a listener for the rest) and thrown from the next `read` or `flush`, naming the
// kernel. A lost device makes every later call throw at once.

/// <reference types="@webgpu/types" />

import type { Backend, BackendMemory, OutputSpec } from '../../engine/backend.js';
import { allocate, bytesPerElement, viewOf, type DType, type TypedArray } from '../../engine/dtype.js';
import type { RecordedWork, RecordingBackend } from '../../engine/recording.js';
import type { DegradedBackend } from '../../engine/select.js';
import { adapterName, formatAdapterReport, type AdapterReport } from './adapterReport.js';
import type { AttentionVersion } from './attention.js';
import { BindingCache } from './bindingCache.js';
import { BufferPool, type FirstWriter } from './bufferPool.js';
import { elapsedMs, GpuTimer, QUERY_RESOLVE_USAGE, RESOLVED_TIMESTAMP_BYTES, TIMESTAMP_FEATURE, type TimestampRequest } from './gpuTimer.js';
import type { Grid } from './grid.js';
import { CommandLog, WebGpuRecording, type RecordingHost } from './recording.js';
import type { MatmulVersion } from './matmulVersions.js';
import { TUNINGS, tuningFor, type Tuning, type TuningName } from './tuning.js';
import type { Uniforms } from './uniforms.js';
import { chooseWeightPaths, type WeightPaths } from './weightPaths.js';

/** GPUBufferUsage and GPUMapMode values (fixed by the spec; Node has no such globals). */
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;
const TENSOR_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** How many bytes uploads let Dawn hold in staging memory before sending the copies on. */
const UPLOAD_FLUSH_BYTES = 16 * 2 ** 20;

export interface WebGpuOptions {
  /** Keep Dawn's bounds checks (default true; see gpu.ts). Only benchmarks should turn them off. */
  readonly robustness?: boolean;
  /**
   * Check every dispatch for validation errors (slow: it submits after each kernel). Default:
   * on when the environment variable ROBERTA_WEBGPU_DEBUG=1.
   */
  readonly debug?: boolean;
  /** Extra flags for Dawn's `create()` in Node, e.g. `adapter=NAME`. */
  readonly dawnFlags?: readonly string[];
  readonly powerPreference?: GPUPowerPreference;
  /** Which matrix-product kernel to use; 'auto' (default) chooses by shape. */
  readonly matmul?: MatmulVersion | 'auto';
  /** The attention op as one fused kernel (default) or as its separate kernels (attention.ts). */
  readonly attention?: AttentionVersion;
  /** Free buffer bytes kept for reuse (default 256 MiB). */
  readonly maxPooledBytes?: number;
  /** Workgroup sizes and matmul choices for a GPU or a software adapter (default: as the adapter is). */
  readonly tuning?: TuningName;
  /**
   * Open the device with the 'timestamp-query' feature, so `gpuTime` can measure GPU time: true
   * requires it (an error on an adapter without it), 'if-available' takes it where offered.
   * Default off; recording without it does no timestamp work at all.
   */
  readonly timestamps?: TimestampRequest;
  /** Turn a fast int8/float16 path off (false) to run the portable one, or require it (true); default: where available (weightPaths.ts). */
  readonly weightPaths?: Partial<WeightPaths>;
}

export interface WebGpuMemory extends BackendMemory {
  /** Every GPU buffer the backend holds — tensors, the pool, uniforms, staging — and their bytes. */
  readonly deviceBuffers: number;
  readonly deviceBytes: number;
  /** Bytes of the buffers recordings keep (recording.ts), no tensor's and not the pool's. */
  readonly recordedBytes: number;
}

/** A compiled kernel variant: its pipeline and the layout its bind groups follow. */
export interface CompiledPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroupLayout: GPUBindGroupLayout;
}

export class WebGpuError extends Error {
  override readonly name = 'WebGpuError';
}

export class WebGpuBackend implements Backend<GPUBuffer>, RecordingBackend<GPUBuffer>, DegradedBackend {
  readonly name = 'webgpu';
  readonly description: string;
  readonly degraded?: string;
  readonly debug: boolean;
  /** The matrix-product kernel every matmul and linear uses; 'auto' lets the tuning pick per shape. */
  matmulVersion: MatmulVersion | 'auto';
  /** How the attention op runs: one fused kernel, or the matmul, scale, softmax and matmul kernels. */
  attentionVersion: AttentionVersion;
  readonly tuning: Tuning;
  /** The WGSL the int8 and float16 weight kernels use on this device (weightPaths.ts). */
  readonly weightPaths: WeightPaths;

  private readonly pool: BufferPool;
  private readonly bindings: BindingCache;
  private readonly live = new Set<GPUBuffer>();
  private liveBytes = 0;
  private readonly pipelines = new Map<string, CompiledPipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** The query set `gpuTime` writes, made on its first use. */
  private timer: GpuTimer | null = null;
  /** Bytes `upload` and `uploadFrom` have written since their last empty submit. */
  private uploadedSinceFlush = 0;
  /** Error scopes not yet looked at, each with what was being done. */
  private checks: { readonly what: string; readonly error: Promise<GPUError | null> }[] = [];
  private uncaptured: GPUError[] = [];
  private lost: string | null = null;
  private disposed = false;
  private dispatches = 0;
  private submissions = 0;
  /** What ops record while a recording is being made (recording.ts). */
  private log: CommandLog | null = null;
  /** Buffers recordings own: freed tensors over them do not return them to the pool. */
  private readonly kept = new Set<GPUBuffer>();
  /** What recordings see of this backend. */
  private readonly recordingHost: RecordingHost;

  constructor(
    readonly device: GPUDevice,
    private readonly report: AdapterReport,
    options: WebGpuOptions = {},
  ) {
    this.description = `webgpu: WGSL kernels on ${adapterName(report)}`;
    if (report.software) this.degraded = `software adapter (${report.description || report.architecture}): WebGPU runs on the CPU here, no faster than the cpu backend`;
    this.debug = options.debug ?? (typeof process !== 'undefined' && process.env?.ROBERTA_WEBGPU_DEBUG === '1');
    this.matmulVersion = options.matmul ?? 'auto';
    this.attentionVersion = options.attention ?? 'fused';
    this.tuning = options.tuning ? TUNINGS[options.tuning] : tuningFor(report);
    this.weightPaths = chooseWeightPaths(report.wgslLanguageFeatures, device.features, options.weightPaths);
    this.pool = new BufferPool(device, options.maxPooledBytes ?? 256 * 2 ** 20, (buffer) => this.bindings.forgetBuffer(buffer));
    this.bindings = new BindingCache(device, this.pool);
    const backend = this;
    this.recordingHost = {
      device,
      pool: this.pool,
      kept: this.kept,
      isLive: (buffer) => this.live.has(buffer),
      computePass: () => this.computePass(),
      copyEncoder: () => this.copyEncoder(),
      output: (bytes) => this.allocate(bytes, 'gpu', 'output'),
      submit: () => this.submit(),
      get submissions() {
        return backend.submissions;
      },
      dispatched: (count) => {
        this.dispatches += count;
      },
    };
    device.addEventListener('uncapturederror', (event) => {
      // Ours to report (from the next read), so the implementation need not print it too.
      event.preventDefault();
      this.uncaptured.push((event as GPUUncapturedErrorEvent).error);
    });
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = `the WebGPU device was lost (${info.reason}): ${info.message}`;
    });
  }

  /** The adapter: vendor, architecture, software or hardware, features, key limits. */
  adapterReport(): AdapterReport {
    return this.report;
  }

  /** The adapter report as text, one line per topic. */
  adapterReportText(): string {
    return formatAdapterReport(this.report);
  }

  // ---- storage -------------------------------------------------------------------------------

  upload(data: TypedArray, _dtype: DType): GPUBuffer {
    const buffer = this.allocate(wordBytes(data.byteLength), 'host', 'upload');
    this.writeFromHost(buffer, 0, data);
    return buffer;
  }

  uploadFrom(dtype: DType, size: number, fill: (write: (bytes: Uint8Array, byteOffset: number) => void) => void): GPUBuffer {
    const bytes = size * bytesPerElement(dtype);
    const buffer = this.allocate(wordBytes(bytes), 'host', 'upload');
    try {
      fill((piece, byteOffset) => {
        // writeBuffer needs 4-byte multiples (int8/float16 tensors may end mid-word: writeFromHost
        // pads their last piece), and the pool's buffer may be larger than the tensor.
        const ragged = piece.byteLength % 4 !== 0 && byteOffset + piece.byteLength !== bytes;
        if (byteOffset % 4 !== 0 || ragged || byteOffset + piece.byteLength > bytes) {
          throw new WebGpuError(`webgpu: uploadFrom: a piece of ${piece.byteLength} bytes at byte ${byteOffset} is not whole 4-byte elements within the tensor's ${bytes} bytes`);
        }
        this.writeFromHost(buffer, byteOffset, piece);
      });
    } catch (error) {
      this.free(buffer);
      throw error;
    }
    return buffer;
  }

  /**
   * Dawn copies what writeBuffer is given into staging memory (host memory, on a discrete GPU
   * too) and recycles it once a submit carrying the copy has completed. Building a model uploads
   * every weight while submitting nothing, so without a flush the whole model would sit in
   * staging at once (roberta-base on an H100: peak RSS 750 MiB instead of 430). An empty submit
   * sends the pending copies on without submitting the open encoder, so the recorded kernels
   * and the pool's rule for host writes (bufferPool.ts) are unaffected.
   */
  private writeFromHost(buffer: GPUBuffer, byteOffset: number, data: TypedArray | Uint8Array): void {
    if (data.byteLength % 4 !== 0) data = padToWords(data);
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
    this.log?.uploads.push({ buffer, byteOffset, data });
    this.uploadedSinceFlush += data.byteLength;
    if (this.uploadedSinceFlush >= UPLOAD_FLUSH_BYTES) {
      this.device.queue.submit([]);
      this.uploadedSinceFlush = 0;
    }
  }

  /** Storage for a kernel's output; its contents are garbage until the kernel writes them. */
  output(spec: OutputSpec): GPUBuffer {
    return this.allocate(wordBytes(spec.size * bytesPerElement(spec.dtype)), 'gpu', 'output');
  }

  async read(storage: GPUBuffer, dtype: DType, size: number): Promise<TypedArray> {
    this.checkUsable('read');
    this.checkNotRecording('read');
    const bytes = wordBytes(size * bytesPerElement(dtype));
    if (bytes === 0) {
      await this.flush();
      return allocate(dtype, 0);
    }
    const staging = this.pool.acquire(bytes, USAGE.MAP_READ | USAGE.COPY_DST, 'host', 'read');
    this.copyEncoder().copyBufferToBuffer(storage, 0, staging, 0, bytes);
    this.submit();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (error) {
      await this.throwPendingErrors();
      throw new WebGpuError(`webgpu: reading a result failed: ${(error as Error).message}`);
    }
    const mapped = staging.getMappedRange(0, bytes);
    const copy = viewOf(dtype, mapped.slice(0), 0, size);
    staging.unmap();
    this.pool.releaseIdle(staging);
    await this.throwPendingErrors();
    return copy;
  }

  free(storage: GPUBuffer): void {
    if (this.disposed) return;
    if (!this.live.delete(storage)) throw new WebGpuError('webgpu: free() of a buffer this backend does not hold (freed twice, or from another backend)');
    this.liveBytes -= storage.size;
    if (!this.kept.has(storage)) this.pool.release(storage);
  }

  memory(): WebGpuMemory {
    const device = this.pool.allocated;
    let recordedBytes = 0;
    for (const buffer of this.kept) recordedBytes += buffer.size;
    return { buffers: this.live.size, bytes: this.liveBytes, pooledBytes: this.pool.pooledBytes, deviceBuffers: device.buffers, deviceBytes: device.bytes, recordedBytes };
  }

  /** The kernel variants compiled so far, by pipeline key (e.g. `matmulBlocked(a,bT,16,bias,gelu,a4,b4)`). */
  compiledKernels(): string[] {
    return [...this.pipelines.keys()];
  }

  // ---- recording work ------------------------------------------------------------------------

  /**
   * The compute pipeline for one kernel variant, compiled on first use, and its bind group layout.
   * `key` names the variant (it appears in error messages); `source` builds its WGSL.
   */
  pipeline(key: string, source: () => string): CompiledPipeline {
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    this.checkUsable(key);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: key, code: source() });
    const pipeline = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const compiled = { pipeline, bindGroupLayout: pipeline.getBindGroupLayout(0) };
    const error = this.device.popErrorScope().then((e) => {
      if (e) this.pipelines.delete(key); // compile it again (and fail again, loudly) if used again
      return e;
    });
    this.watch(`compiling the WGSL of kernel "${key}"`, error);
    this.pipelines.set(key, compiled);
    return compiled;
  }

  /**
   * Records one dispatch: binding 0 is the uniform struct, bindings 1… are `buffers` in order.
   * Uniform buffers and bind groups are reused across dispatches (bindingCache.ts).
   */
  dispatch(label: string, compiled: CompiledPipeline, uniforms: Uniforms, buffers: readonly GPUBuffer[], grid: Grid): void {
    this.checkUsable(label);
    if (grid[0] * grid[1] * grid[2] === 0) return;
    if (this.debug) this.device.pushErrorScope('validation');
    const bindGroup = this.bindings.bindGroup(label, compiled.pipeline, compiled.bindGroupLayout, uniforms.bytes(), buffers);
    const pass = this.computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.dispatches++;
    this.log?.commands.push({ kind: 'dispatch', label, pipeline: compiled.pipeline, layout: compiled.bindGroupLayout, uniforms: uniforms.bytes().slice(), buffers: [...buffers], grid });
    if (this.debug) {
      this.submit();
      this.watch(`running kernel "${label}"`, this.device.popErrorScope());
    }
  }

  /** Dispatches recorded since the backend was made: what a forward costs in kernels, for tests and benchmarks. */
  get dispatchCount(): number {
    return this.dispatches;
  }

  /** Records a plain copy of `bytes` bytes (a cast to the same dtype). */
  copy(source: GPUBuffer, destination: GPUBuffer, bytes: number): void {
    this.checkUsable('copy');
    if (bytes === 0) return;
    this.copyEncoder().copyBufferToBuffer(source, 0, destination, 0, bytes);
    this.log?.commands.push({ kind: 'copy', source, destination, bytes });
  }

  // ---- recording and replay (recording.ts) ---------------------------------------------------

  startRecording(): void {
    this.checkUsable('record');
    this.checkNotRecording('record');
    // Debug mode submits after every kernel, and a submit may destroy pooled buffers the work still needs.
    if (this.debug) throw new WebGpuError('webgpu: record: recording is not available in debug mode (ROBERTA_WEBGPU_DEBUG=1)');
    this.log = new CommandLog();
  }

  finishRecording(inputs: readonly TypedArray[], outputs: readonly { readonly storage: GPUBuffer; readonly bytes: number }[]): { work: RecordedWork<GPUBuffer>; outputs: GPUBuffer[] } {
    const log = this.log;
    this.log = null;
    if (!log) throw new WebGpuError('webgpu: finishRecording without startRecording');
    const recording = new WebGpuRecording(log, inputs, outputs.map((o) => ({ buffer: o.storage, bytes: wordBytes(o.bytes) })), this.recordingHost);
    return { work: recording, outputs: recording.copyOutputs() };
  }

  abortRecording(): void {
    this.log = null;
  }

  /** Whether `gpuTime` works here: the device was opened with the 'timestamp-query' feature. */
  get canTimeGpu(): boolean {
    return this.device.features.has(TIMESTAMP_FEATURE);
  }

  /**
   * Runs `record` and measures, on the GPU's own clock, how long the GPU takes to run the
   * dispatches it records: they go into a compute pass of their own that writes a timestamp as it
   * begins and as it ends. Submits and waits. Only dispatches can be timed: a copy, a read or a
   * debug-mode check inside `record` would end the pass early, and is refused with an error.
   */
  async gpuTime<T>(record: () => T): Promise<{ result: T; gpuMs: number }> {
    this.checkUsable('gpuTime');
    if (!this.canTimeGpu) throw new WebGpuError(`webgpu: gpuTime needs the '${TIMESTAMP_FEATURE}' feature: create the backend with { timestamps: true } (or 'if-available', then check canTimeGpu)`);
    this.timer ??= new GpuTimer(this.device);
    this.endPass();
    const timed = this.commandEncoder().beginComputePass({ label: 'timed kernels', timestampWrites: this.timer.passWrites });
    this.pass = timed;
    const result = record();
    if (this.pass !== timed) {
      throw new WebGpuError('webgpu: gpuTime: the timed work ended its compute pass early (a copy, a read, or debug mode\'s submit after each kernel); only dispatches can be timed');
    }
    this.endPass();
    const resolved = this.pool.acquire(RESOLVED_TIMESTAMP_BYTES, QUERY_RESOLVE_USAGE | USAGE.COPY_SRC, 'gpu', 'timestamps');
    try {
      this.timer.resolve(this.commandEncoder(), resolved);
      const gpuMs = elapsedMs((await this.read(resolved, 'int32', RESOLVED_TIMESTAMP_BYTES / 4)) as Int32Array);
      if (gpuMs < 0) throw new WebGpuError(`webgpu: gpuTime: the GPU's timestamps ran backwards (by ${-gpuMs} ms); this adapter cannot time the work`);
      return { result, gpuMs };
    } finally {
      this.pool.release(resolved);
    }
  }

  /** Submits recorded work, waits for the GPU to finish it, and throws any error it raised. */
  async flush(): Promise<void> {
    this.checkUsable('flush');
    this.checkNotRecording('flush');
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    await this.throwPendingErrors();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder = null;
    this.pass = null;
    this.pipelines.clear();
    this.pool.destroyAll();
    this.live.clear();
    this.liveBytes = 0;
    this.device.destroy();
  }

  // ---- internals -----------------------------------------------------------------------------

  private allocate(bytes: number, firstWriter: FirstWriter, label: string): GPUBuffer {
    this.checkUsable(label);
    const limit = Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize);
    if (bytes > limit) {
      throw new WebGpuError(`webgpu: a tensor of ${bytes} bytes exceeds this device's largest storage buffer (${limit} bytes: maxStorageBufferBindingSize/maxBufferSize)`);
    }
    const buffer = this.pool.acquire(bytes, TENSOR_USAGE, firstWriter, label);
    this.log?.allocated.add(buffer);
    this.live.add(buffer);
    this.liveBytes += buffer.size;
    return buffer;
  }

  /**
   * The open compute pass, which records every dispatch until a copy or a submit: one pass for a
   * whole forward costs less host time than a pass per dispatch, and WebGPU still orders the
   * dispatches and makes each one's writes visible to the next (each is its own usage scope).
   */
  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.commandEncoder().beginComputePass({ label: 'kernels' });
    return this.pass;
  }

  /** The encoder, with no pass open, for a copy. */
  private copyEncoder(): GPUCommandEncoder {
    this.endPass();
    return this.commandEncoder();
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'roberta-ts' });
    return this.encoder;
  }

  private submit(): void {
    this.endPass();
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
    }
    this.submissions++;
    this.pool.submitted();
  }

  private watch(what: string, error: Promise<GPUError | null>): void {
    // Never rejected: an unread, rejected promise would crash Node as an unhandled rejection.
    this.checks.push({ what, error: error.catch(() => null) });
  }

  private async throwPendingErrors(): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    const errors = await Promise.all(checks.map((c) => c.error));
    const first = errors.findIndex((e) => e !== null);
    const uncaptured = this.uncaptured;
    this.uncaptured = [];
    if (first >= 0) throw new WebGpuError(`webgpu: ${checks[first].what} failed: ${errors[first]?.message}`);
    if (uncaptured.length > 0) {
      const hint = this.debug ? '' : ' (with ROBERTA_WEBGPU_DEBUG=1, errors name the kernel that caused them)';
      throw new WebGpuError(`webgpu: the GPU reported an error${hint}: ${uncaptured[0].message}`);
    }
    if (this.lost) throw new WebGpuError(`webgpu: ${this.lost}`);
  }

  /** Reading back or waiting inside recorded work would make it depend on more than its kernels. */
  private checkNotRecording(what: string): void {
    if (this.log) throw new WebGpuError(`webgpu: ${what} while recording: recorded work may only run kernels (read its outputs after the recording)`);
  }

  private checkUsable(what: string): void {
    if (this.disposed) throw new WebGpuError(`webgpu: ${what}: the backend was disposed`);
    if (this.lost) throw new WebGpuError(`webgpu: ${what}: ${this.lost}; create a new backend`);
  }
}

/** GPU buffers hold whole 4-byte words (writeBuffer and copies move multiples of 4): int8 and float16 tensors round up. */
function wordBytes(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

/** `data`'s bytes followed by zeros up to a whole number of words. */
function padToWords(data: ArrayBufferView): Uint8Array {
  const padded = new Uint8Array(wordBytes(data.byteLength));
  padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return padded;
}
