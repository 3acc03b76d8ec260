// Reusing bind groups and uniform buffers between dispatches.
//
// Every dispatch needs a bind group (its uniform struct and its tensors' buffers), and creating
// one is the most expensive call a kernel makes on the host: Dawn validates and translates the
// whole descriptor. When a roberta-base forward recorded ~170 dispatches (~100 now), creating
// their bind groups took 9.5 of the 15 ms it took to record one (b1×s16, Dawn on SwiftShader) — on
// a real GPU, where the kernels themselves take a few milliseconds, host time like that is the latency.
//
// Two facts make caching work. A uniform struct depends only on shapes and constants, so the
// same dispatch in the next call (or in the next layer) packs the same bytes: uniform buffers are
// kept by content and never rewritten, so any number of pending dispatches may share one. And
// tensor buffers come from a pool that hands them out last-in first-out, so a call with the same
// shapes binds the same buffers in the same order. A bind group is then found by its pipeline and
// the identities of its buffers. When the pool destroys a buffer, the bind groups naming it are
// dropped. Both caches are bounded; when one is full it starts over (a workload of ever-new
// shapes then costs what it would without a cache).

/// <reference types="@webgpu/types" />

import type { BufferPool } from './bufferPool.js';

const USAGE_UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST

export interface BindingCacheLimits {
  /** Uniform structs kept (each a buffer of 256 bytes at least). */
  readonly uniforms: number;
  readonly bindGroups: number;
}

export const DEFAULT_BINDING_CACHE_LIMITS: BindingCacheLimits = { uniforms: 4096, bindGroups: 8192 };

export class BindingCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly uniforms = new Map<string, GPUBuffer>();
  /** Bind groups by key, with the ids of the buffers they name. */
  private readonly groups = new Map<string, { readonly group: GPUBindGroup; readonly bufferIds: readonly number[] }>();
  /** For each buffer id, the keys of the cached bind groups that name it. */
  private readonly groupsNaming = new Map<number, string[]>();

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly limits: BindingCacheLimits = DEFAULT_BINDING_CACHE_LIMITS,
  ) {}

  /**
   * The bind group of a dispatch: binding 0 is a uniform buffer holding `uniformBytes`, bindings
   * 1… are `buffers` in order.
   */
  bindGroup(label: string, pipeline: GPUComputePipeline, layout: GPUBindGroupLayout, uniformBytes: Uint8Array, buffers: readonly GPUBuffer[]): GPUBindGroup {
    const uniform = this.uniform(uniformBytes);
    const bound = [uniform, ...buffers];
    const bufferIds = bound.map((b) => this.id(b));
    const key = `${this.id(pipeline)}:${bufferIds.join(',')}`;
    const cached = this.groups.get(key);
    if (cached) return cached.group;
    if (this.groups.size >= this.limits.bindGroups) this.forgetBindGroups();
    const group = this.device.createBindGroup({ label, layout, entries: bound.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    this.groups.set(key, { group, bufferIds });
    for (const id of bufferIds) {
      const keys = this.groupsNaming.get(id);
      if (keys) keys.push(key);
      else this.groupsNaming.set(id, [key]);
    }
    return group;
  }

  /** The pool destroyed `buffer`: a bind group naming it must never be used again. */
  forgetBuffer(buffer: GPUBuffer): void {
    const id = this.ids.get(buffer);
    if (id === undefined) return;
    for (const key of this.groupsNaming.get(id) ?? []) {
      // The other buffers the group named stop listing it too, or their lists would only grow.
      for (const other of this.groups.get(key)?.bufferIds ?? []) {
        const keys = other === id ? undefined : this.groupsNaming.get(other);
        const at = keys?.indexOf(key) ?? -1;
        if (at >= 0) keys?.splice(at, 1);
      }
      this.groups.delete(key);
    }
    this.groupsNaming.delete(id);
  }

  /** Forgets everything; the uniform buffers go back to the pool (after the pending work that reads them). */
  clear(): void {
    this.forgetBindGroups();
    for (const buffer of this.uniforms.values()) this.pool.release(buffer);
    this.uniforms.clear();
  }

  private uniform(bytes: Uint8Array): GPUBuffer {
    const key = contentKey(bytes);
    const cached = this.uniforms.get(key);
    if (cached) return cached;
    if (this.uniforms.size >= this.limits.uniforms) this.clear();
    // Written once, now, before any dispatch that reads it is submitted; never written again.
    const buffer = this.pool.acquire(bytes.byteLength, USAGE_UNIFORM, 'host', 'uniforms');
    this.device.queue.writeBuffer(buffer, 0, bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.uniforms.set(key, buffer);
    return buffer;
  }

  private forgetBindGroups(): void {
    this.groups.clear();
    this.groupsNaming.clear();
  }

  private id(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(object, id);
    }
    return id;
  }
}

/**
 * The struct's bytes as a string key, two bytes per character (structs are whole 16-byte rows).
 * `apply` takes the typed array as it is, where a spread first makes an array of it: this runs
 * once per dispatch, and the spread cost ≈ 3 µs a time (≈ 0.3 ms of a roberta-base forward's
 * recording on a 2-core machine), `apply` ≈ 0.5 µs.
 */
function contentKey(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return String.fromCharCode.apply(null, units as unknown as number[]);
}
