// Recording work once and replaying it with new inputs (engine/recording.ts is the interface).
//
// Why. Dawn cannot reuse a command buffer, so each forward encodes its ~100 dispatches again. The
// Dawn calls themselves are cheap (setPipeline, setBindGroup, dispatchWorkgroups: ≈ 3 µs each); what
// costs is the JavaScript that decides them: ops checking shapes, kernels choosing variants and
// packing uniform structs, bind groups found in their cache. That is ≈ 1.2 ms for a roberta-base
// forward when the JIT's code and data are in the caches, and 4–8 ms right after a read on a
// 2-core machine where SwiftShader has just run on both cores. A recording keeps what those
// decisions produced — pipelines, bind groups, buffers, workgroup counts — and a replay only
// writes the new inputs and encodes the dispatches again.
//
// What a recording owns. Every buffer the recorded work allocated: its inputs, constants it
// uploaded (a scalar operand), every intermediate, and the buffers it wrote its outputs to. They
// leave the pool for the recording's life, so nothing else writes them, and buffers the work freed
// and took again are shared the same way in every replay. That sharing is why a replay repeats
// every host write, the constants too: a constant's buffer, freed after its last reader, may hold
// a later kernel's output by the end. (Repeating the writes before the work is what the recorded
// run did too: a host write lands before the encoder runs, and the pool hands a host writer no
// buffer that the open encoder uses.) Buffers that were live before recording began (weights) are only referenced: the
// recording checks they are still live before each replay. Its uniform structs live in one buffer
// of its own, with bind groups of its own, so the binding cache may forget or reuse its entries.
//
// Outputs. A replay writes its outputs into the recording's buffers, then copies each into fresh
// storage that the caller owns like any tensor's: the results of one replay survive the next.

/// <reference types="@webgpu/types" />

import type { TypedArray } from '../../engine/dtype.js';
import type { BufferPool } from './bufferPool.js';
import type { Grid } from './grid.js';

const USAGE_UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST

/** A dispatch as a kernel asked for it, or a buffer copy; in recording order. */
export type LoggedCommand =
  | {
      readonly kind: 'dispatch';
      readonly label: string;
      readonly pipeline: GPUComputePipeline;
      readonly layout: GPUBindGroupLayout;
      /** The uniform struct's bytes (binding 0); bindings 1… are `buffers`. */
      readonly uniforms: Uint8Array;
      readonly buffers: readonly GPUBuffer[];
      readonly grid: Grid;
    }
  | { readonly kind: 'copy'; readonly source: GPUBuffer; readonly destination: GPUBuffer; readonly bytes: number };

/** What the backend notes while recording. */
export class CommandLog {
  readonly commands: LoggedCommand[] = [];
  /** Host writes, in order: the first ones are the recorded work's inputs. */
  readonly uploads: { readonly buffer: GPUBuffer; readonly byteOffset: number; readonly data: ArrayBufferView }[] = [];
  /** Every buffer handed out while recording (some freed and reused within the work). */
  readonly allocated = new Set<GPUBuffer>();
}

/** What a recording needs of its backend. */
export interface RecordingHost {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  /** Buffers recordings own: freeing the tensor over one does not return it to the pool. */
  readonly kept: Set<GPUBuffer>;
  /** Whether a tensor holds `buffer` now. */
  isLive(buffer: GPUBuffer): boolean;
  /** The open compute pass (one is begun if none is open). */
  computePass(): GPUComputePassEncoder;
  /** The command encoder with no pass open, for a copy. */
  copyEncoder(): GPUCommandEncoder;
  /** Storage for a tensor the caller will own. */
  output(bytes: number): GPUBuffer;
  /** Submits the recorded work; `submissions` counts the submits so far. */
  submit(): void;
  readonly submissions: number;
  /** Counts replayed dispatches like recorded ones (dispatchCount). */
  dispatched(count: number): void;
}

export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

type ReplayedCommand =
  | { readonly kind: 'dispatch'; readonly pipeline: GPUComputePipeline; readonly bindGroup: GPUBindGroup; readonly grid: Grid }
  | { readonly kind: 'copy'; readonly source: GPUBuffer; readonly destination: GPUBuffer; readonly bytes: number };

export class WebGpuRecording {
  private readonly commands: ReplayedCommand[];
  private readonly dispatchesPerReplay: number;
  /** The buffers the first `inputs.length` uploads wrote, and their sizes in bytes. */
  private readonly inputs: { readonly buffer: GPUBuffer; readonly bytes: number }[];
  /** The later uploads (constants), with what they wrote. */
  private readonly constants: { readonly buffer: GPUBuffer; readonly byteOffset: number; readonly bytes: Uint8Array }[];
  private readonly outputs: readonly { readonly buffer: GPUBuffer; readonly bytes: number }[];
  /** Buffers the work reads that were live before it was recorded (weights). */
  private readonly external: GPUBuffer[];
  /** Every buffer the recording keeps: what its work allocated, and its uniform structs. */
  private readonly owned: GPUBuffer[];
  private readonly uniformBuffer: GPUBuffer | null;
  /** Bytes from one dispatch's uniform struct to the next in `uniformBuffer`. */
  private uniformStride = 0;
  /** `host.submissions` when this recording's commands were last encoded. */
  private encodedIn: number;
  private disposed = false;

  /**
   * Takes over the buffers `log`'s work allocated. `inputs` are the data of its first uploads, in
   * order; `outputs` the buffers of the tensors it returned, with their sizes in bytes.
   */
  constructor(
    log: CommandLog,
    inputs: readonly TypedArray[],
    outputs: readonly { readonly buffer: GPUBuffer; readonly bytes: number }[],
    private readonly host: RecordingHost,
  ) {
    this.inputs = inputs.map((data, i) => {
      const upload = log.uploads[i];
      if (!upload || upload.byteOffset !== 0 || !sameBytes(upload.data, data)) {
        throw new RecordingError(`webgpu: recording: input ${i} (${data.byteLength} bytes) is not what upload ${i} of the recorded work wrote: its inputs must be its first uploads, in order`);
      }
      return { buffer: upload.buffer, bytes: data.byteLength };
    });
    this.constants = log.uploads.slice(inputs.length).map(({ buffer, byteOffset, data }) => ({ buffer, byteOffset, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() }));
    const outputBuffers = new Set(outputs.map((o) => o.buffer));
    for (const output of outputs) {
      if (!log.allocated.has(output.buffer)) throw new RecordingError('webgpu: recording: an output was not computed by the recorded work (a weight or a tensor made before); return a copy of it');
    }
    for (const buffer of log.allocated) {
      if (host.isLive(buffer) && !outputBuffers.has(buffer)) {
        throw new RecordingError(`webgpu: recording: the recorded work left a tensor alive that it did not return ("${buffer.label}"); dispose it inside the recorded function`);
      }
    }
    // Out of the pool: the free ones now; the outputs when the caller frees their tensors.
    const taken: GPUBuffer[] = [];
    for (const buffer of log.allocated) {
      if (outputBuffers.has(buffer) || host.pool.take(buffer)) {
        taken.push(buffer);
        continue;
      }
      for (const back of taken) if (!outputBuffers.has(back)) host.pool.release(back);
      throw new RecordingError(`webgpu: recording: a buffer the recorded work used ("${buffer.label}") was destroyed while recording`);
    }
    this.owned = taken;
    for (const buffer of taken) host.kept.add(buffer);
    this.outputs = outputs;
    const external = new Set<GPUBuffer>();
    const bound = (buffer: GPUBuffer) => {
      if (!log.allocated.has(buffer)) external.add(buffer);
    };
    for (const command of log.commands) {
      if (command.kind === 'dispatch') command.buffers.forEach(bound);
      else [command.source, command.destination].forEach(bound);
    }
    this.external = [...external];
    const dispatches = log.commands.filter((c) => c.kind === 'dispatch');
    this.dispatchesPerReplay = dispatches.length;
    this.uniformBuffer = dispatches.length === 0 ? null : this.writeUniforms(dispatches);
    if (this.uniformBuffer) {
      this.owned.push(this.uniformBuffer);
      host.kept.add(this.uniformBuffer);
    }
    let slot = 0;
    this.commands = log.commands.map((command) => (command.kind === 'copy' ? command : { kind: 'dispatch', pipeline: command.pipeline, bindGroup: this.bindGroup(command, slot++), grid: command.grid }));
    this.encodedIn = host.submissions;
  }

  /** Copies of the outputs the recorded work computed, in fresh storage. */
  copyOutputs(): GPUBuffer[] {
    return this.outputs.map(({ buffer, bytes }) => {
      const copy = this.host.output(bytes);
      if (bytes > 0) this.host.copyEncoder().copyBufferToBuffer(buffer, 0, copy, 0, bytes);
      return copy;
    });
  }

  /** Writes `inputs` (the same sizes as recorded) and the constants, encodes the recorded work again; returns copies of its outputs. */
  replay(inputs: readonly TypedArray[]): GPUBuffer[] {
    if (this.disposed) throw new RecordingError('webgpu: replay: the recording was disposed');
    if (inputs.length !== this.inputs.length) throw new RecordingError(`webgpu: replay: ${inputs.length} inputs for a recording of ${this.inputs.length}`);
    inputs.forEach((data, i) => {
      if (data.byteLength !== this.inputs[i].bytes) throw new RecordingError(`webgpu: replay: input ${i} has ${data.byteLength} bytes, the recording's has ${this.inputs[i].bytes}: record this shape of its own`);
    });
    if (this.external.some((buffer) => !this.host.isLive(buffer))) {
      throw new RecordingError('webgpu: replay: a tensor the recorded work reads (a weight?) has been disposed since: was the model disposed? Record again');
    }
    // A host write lands before the encoder that is still open runs: if the last replay's
    // dispatches wait there, they must go first, or they would read these inputs.
    if (this.encodedIn === this.host.submissions) this.host.submit();
    const queue = this.host.device.queue;
    inputs.forEach((data, i) => queue.writeBuffer(this.inputs[i].buffer, 0, data.buffer, data.byteOffset, data.byteLength));
    for (const { buffer, byteOffset, bytes } of this.constants) queue.writeBuffer(buffer, byteOffset, bytes.buffer, 0, bytes.byteLength);
    for (const command of this.commands) {
      if (command.kind === 'dispatch') {
        const pass = this.host.computePass();
        pass.setPipeline(command.pipeline);
        pass.setBindGroup(0, command.bindGroup);
        pass.dispatchWorkgroups(command.grid[0], command.grid[1], command.grid[2]);
      } else {
        this.host.copyEncoder().copyBufferToBuffer(command.source, 0, command.destination, 0, command.bytes);
      }
    }
    this.host.dispatched(this.dispatchesPerReplay);
    const copies = this.copyOutputs();
    this.encodedIn = this.host.submissions;
    return copies;
  }

  /** Gives the buffers back to the pool (after any pending work that uses them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const buffer of this.owned) {
      this.host.kept.delete(buffer);
      this.host.pool.release(buffer);
    }
  }

  /** Every dispatch's uniform struct in one buffer, each at an offset the device allows a binding to start at. */
  private writeUniforms(dispatches: readonly Extract<LoggedCommand, { kind: 'dispatch' }>[]): GPUBuffer {
    const alignment = this.host.device.limits.minUniformBufferOffsetAlignment;
    this.uniformStride = Math.ceil(Math.max(...dispatches.map((d) => d.uniforms.byteLength)) / alignment) * alignment;
    const bytes = new Uint8Array(this.uniformStride * dispatches.length);
    dispatches.forEach((d, i) => bytes.set(d.uniforms, i * this.uniformStride));
    const buffer = this.host.pool.acquire(bytes.byteLength, USAGE_UNIFORM, 'host', 'recorded uniforms');
    this.host.device.queue.writeBuffer(buffer, 0, bytes.buffer, 0, bytes.byteLength);
    return buffer;
  }

  private bindGroup(dispatch: Extract<LoggedCommand, { kind: 'dispatch' }>, slot: number): GPUBindGroup {
    const uniforms = { buffer: this.uniformBuffer as GPUBuffer, offset: slot * this.uniformStride, size: dispatch.uniforms.byteLength };
    return this.host.device.createBindGroup({
      label: `${dispatch.label} (recorded)`,
      layout: dispatch.layout,
      entries: [{ binding: 0, resource: uniforms }, ...dispatch.buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
    });
  }
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}
