// Packing a kernel's parameters into the bytes of its WGSL uniform struct. Fields are appended in
// the struct's declaration order; the packer applies WGSL's alignment rules for the only shapes
// our structs use: 4-byte scalars, structs of four u32s (16 bytes), and the `Strided` struct
// (16-byte aligned, 112 bytes) declared in common.wgsl.ts.

import { MAX_RANK, type StridedLayout } from './layout.js';

/** WGSL's uniform buffers must hold whole 16-byte rows. */
const ROW = 16;

export class Uniforms {
  private readonly view: DataView;
  private offset = 0;

  constructor(capacity = 256) {
    this.view = new DataView(new ArrayBuffer(capacity));
  }

  u32(value: number): this {
    this.setU32(this.claim(4, 4), value);
    return this;
  }

  f32(value: number): this {
    this.view.setFloat32(this.claim(4, 4), value, true);
    return this;
  }

  /** A `Strided` struct: shape, stridesA, stridesB as array<vec4<u32>, 2> each, then rank. */
  strided(layout: StridedLayout): this {
    const start = this.claim(ROW, 3 * 2 * ROW + ROW);
    [layout.shape, layout.stridesA, layout.stridesB].forEach((values, field) => {
      for (let i = 0; i < MAX_RANK; i++) this.view.setUint32(start + field * 2 * ROW + 4 * i, values[i] ?? 0, true);
    });
    this.view.setUint32(start + 3 * 2 * ROW, layout.shape.length, true);
    return this;
  }

  /** A struct of four u32s (attention's `Rows`): struct members of uniform structs start on a 16-byte row. */
  u32x4(values: readonly [number, number, number, number]): this {
    const start = this.claim(ROW, ROW);
    values.forEach((value, i) => this.setU32(start + 4 * i, value));
    return this;
  }

  /** The packed struct, padded to whole rows. */
  bytes(): Uint8Array {
    return new Uint8Array(this.view.buffer, 0, Math.max(ROW, Math.ceil(this.offset / ROW) * ROW));
  }

  private setU32(at: number, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`uniform u32 out of range: ${value}`);
    this.view.setUint32(at, value, true);
  }

  private claim(align: number, size: number): number {
    const at = Math.ceil(this.offset / align) * align;
    if (at + size > this.view.byteLength) throw new Error(`uniform struct larger than ${this.view.byteLength} bytes`);
    this.offset = at + size;
    return at;
  }
}
