// A minimal Protocol Buffers *writer*: just enough of the wire format to serialise an ONNX model.
// (https://protobuf.dev/programming-guides/encoding/)
//
// A message is a sequence of fields; each starts with a tag, the varint (field_number << 3 | wire
// type), followed by the value:
//   wire type 0 (VARINT)  an unsigned base-128 varint: 7 bits per byte, low bits first, the high bit
//                         set on every byte but the last. Negative int64 values are written as
//                         their 64-bit two's complement, so they always take 10 bytes.
//   wire type 2 (LEN)     a varint byte length, then that many bytes: strings, bytes, nested
//                         messages, and "packed" repeated numbers (all values back to back).
//                         Parsers accept packed and unpacked repeated numbers alike, so packed
//                         (the smaller) is used everywhere.
//   wire type 5 (I32)     4 little-endian bytes: a float.
//
// Model weights dominate an ONNX file, so the writer never copies large byte arrays: it keeps a
// list of chunks, where the small bytes it produces itself are gathered in a pending array and
// big payloads (tensor raw_data) are kept by reference. A nested message is written to its own
// writer first, because its length must precede it; its chunks are then taken over (small ones
// merged, big ones still by reference).

const WireType = { VARINT: 0, LEN: 2, I32: 5 } as const;
type WireTypeValue = (typeof WireType)[keyof typeof WireType];

/** Payloads at least this long are kept by reference instead of being copied into `pending`. */
const KEEP_BY_REFERENCE_BYTES = 256;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private chunkBytes = 0;

  /** Bytes written so far. */
  get byteLength(): number {
    return this.chunkBytes + this.pending.length;
  }

  /** An int32/int64/enum/bool field (wire type VARINT). */
  int(field: number, value: number | bigint): void {
    this.tag(field, WireType.VARINT);
    this.varint(value);
  }

  /** A `float` field (wire type I32). */
  float(field: number, value: number): void {
    this.tag(field, WireType.I32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pending.push(...bytes);
  }

  string(field: number, value: string): void {
    this.bytes(field, utf8.encode(value));
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WireType.LEN);
    this.varint(value.byteLength);
    this.append(value);
  }

  /** A nested message, written by `write` into a writer of its own. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.tag(field, WireType.LEN);
    this.varint(inner.byteLength);
    this.adopt(inner);
  }

  /** A packed `repeated int64` (or int32) field: one LEN field holding the varints back to back. */
  packedInts(field: number, values: readonly (number | bigint)[]): void {
    if (values.length === 0) return; // an empty repeated field is simply absent
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.tag(field, WireType.LEN);
    this.varint(inner.byteLength);
    this.adopt(inner);
  }

  /** The encoded message as chunks, in order: write them out one after another. */
  finish(): Uint8Array[] {
    this.flush();
    return [...this.chunks];
  }

  /** The encoded message as one array (a copy). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let offset = 0;
    for (const chunk of this.finish()) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private tag(field: number, wireType: WireTypeValue): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`protobuf: invalid field number ${field}`);
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`protobuf: ${value} is not an integer that can be written exactly`);
    }
    const big = BigInt(value);
    if (big < -(1n << 63n) || big >= 1n << 64n) throw new RangeError(`protobuf: ${value} does not fit in 64 bits`);
    // BigInt.asUintN gives the 64-bit two's complement of a negative int64.
    let v = BigInt.asUintN(64, big);
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private append(bytes: Uint8Array): void {
    if (bytes.byteLength < KEEP_BY_REFERENCE_BYTES) {
      for (const b of bytes) this.pending.push(b);
      return;
    }
    this.flush();
    this.chunks.push(bytes);
    this.chunkBytes += bytes.byteLength;
  }

  /** Takes over a nested writer's bytes: small chunks are merged, big ones kept by reference. */
  private adopt(inner: ProtoWriter): void {
    for (const chunk of inner.finish()) this.append(chunk);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.chunkBytes += this.pending.length;
    this.pending = [];
  }
}
