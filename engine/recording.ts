// Record once, replay with new inputs: a function of tensors run once on a backend that can keep
// what it recorded (WebGPU: kernels/wgsl/recording.ts), then run again by writing new input data
// and re-issuing the recorded kernels, without calling a single op. That skips all the host work of
// deciding the kernels — the point on a device backend, where that host work is the latency of a
// small forward.
//
// The recorded function must depend on its inputs' values only through kernels: the same shapes
// must record the same kernels whatever the data (true of a RoBERTa forward in inference; not of
// anything that reads a tensor back, or draws dropout masks). Its inputs are the first uploads it
// makes, in order; the backend checks their bytes against the inputs it is given.

import type { Backend } from './backend.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

/** Storage-level recorded work, as a backend keeps it. */
export interface RecordedWork<S> {
  /** Writes `inputs` into the recorded inputs' storage and runs the work again: new storage with copies of its outputs. */
  replay(inputs: readonly TypedArray[]): S[];
  dispose(): void;
}

/** A backend that can record work for replay. */
export interface RecordingBackend<S = unknown> extends Backend<S> {
  /** Starts noting every upload, allocation and kernel. */
  startRecording(): void;
  /**
   * Stops noting, and keeps the work as a recording: `inputs` are the data of its first uploads,
   * `outputs` the storage (and byte sizes) of what it returned. The caller gets fresh copies of the
   * outputs, and must free the returned tensors' storage (the recording keeps it).
   */
  finishRecording(inputs: readonly TypedArray[], outputs: readonly { readonly storage: S; readonly bytes: number }[]): { work: RecordedWork<S>; outputs: S[] };
  /** Stops noting, keeping nothing (the recorded function threw). */
  abortRecording(): void;
}

export function canRecord(backend: Backend): backend is RecordingBackend {
  const candidate = backend as Partial<RecordingBackend>;
  return typeof candidate.startRecording === 'function' && typeof candidate.finishRecording === 'function';
}

export class RecordingUnsupportedError extends Error {
  override readonly name = 'RecordingUnsupportedError';
}

export class Recording {
  private constructor(
    private readonly backend: RecordingBackend,
    private readonly work: RecordedWork<unknown>,
    private readonly outputs: readonly { readonly shape: Shape; readonly dtype: DType }[],
  ) {}

  /**
   * Runs `run` once on `backend`, recording it; `inputs` are the data of its first uploads. Returns
   * the recording and what this run computed (new tensors the caller owns).
   */
  static record(backend: Backend, inputs: readonly TypedArray[], run: () => readonly Tensor[]): { recording: Recording; outputs: Tensor[] } {
    if (!canRecord(backend)) throw new RecordingUnsupportedError(`${backend.name}: this backend cannot record work for replay (webgpu can)`);
    backend.startRecording();
    let produced: readonly Tensor[];
    try {
      produced = run();
    } catch (error) {
      backend.abortRecording();
      throw error;
    }
    let finished: ReturnType<RecordingBackend['finishRecording']>;
    try {
      finished = backend.finishRecording(
        inputs,
        produced.map((t) => ({ storage: t.info().storage, bytes: t.size * bytesPerElement(t.dtype) })),
      );
    } finally {
      // The recording keeps this storage (or, on failure, the pool takes it back).
      for (const t of produced) t.dispose();
    }
    const recording = new Recording(backend, finished.work, produced.map((t) => ({ shape: t.shape, dtype: t.dtype })));
    return { recording, outputs: recording.wrap(finished.outputs) };
  }

  /** The recorded work on new input data (same sizes): new output tensors, as the recorded run returned them. */
  replay(inputs: readonly TypedArray[]): Tensor[] {
    return this.wrap(this.work.replay(inputs));
  }

  /** Releases what the recording keeps; outputs it returned stay valid. */
  dispose(): void {
    this.work.dispose();
  }

  private wrap(storage: readonly unknown[]): Tensor[] {
    return storage.map((s, i) => Tensor.fromStorage(this.backend, s, this.outputs[i].shape, this.outputs[i].dtype));
  }
}
