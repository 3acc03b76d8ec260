// A tiny protobuf *decoder*, written for the tests independently of model/onnx/protobuf.ts, so the
// writer's bytes are checked by a second reading of the wire format rather than by themselves.

export type ProtoValue = bigint | Uint8Array | number; // VARINT | LEN | I32 (read as float)

export interface ProtoField {
  readonly field: number;
  readonly wireType: number;
  readonly value: ProtoValue;
}

function readVarint(bytes: Uint8Array, start: number): { value: bigint; end: number } {
  let value = 0n;
  for (let pos = start, shift = 0n; pos < bytes.length && shift < 70n; pos++, shift += 7n) {
    value |= BigInt(bytes[pos] & 0x7f) << shift;
    if ((bytes[pos] & 0x80) === 0) return { value, end: pos + 1 };
  }
  throw new Error(`protobuf: unterminated varint at byte ${start}`);
}

export function decodeFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    pos = tag.end;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (wireType === 0) {
      const v = readVarint(bytes, pos);
      fields.push({ field, wireType, value: v.value });
      pos = v.end;
    } else if (wireType === 2) {
      const length = readVarint(bytes, pos);
      const end = length.end + Number(length.value);
      if (end > bytes.length) throw new Error(`protobuf: field ${field} runs past the end (${end} > ${bytes.length})`);
      fields.push({ field, wireType, value: bytes.subarray(length.end, end) });
      pos = end;
    } else if (wireType === 5) {
      fields.push({ field, wireType, value: new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true) });
      pos += 4;
    } else {
      throw new Error(`protobuf: unexpected wire type ${wireType} for field ${field}`);
    }
  }
  return fields;
}

/** The varints of a packed repeated field, as signed 64-bit values. */
export function decodePackedInts(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const v = readVarint(bytes, pos);
    values.push(BigInt.asIntN(64, v.value));
    pos = v.end;
  }
  return values;
}

/** Field access by number, for reading ONNX messages in tests. */
export class ProtoMessage {
  readonly fields: ProtoField[];

  constructor(bytes: Uint8Array) {
    this.fields = decodeFields(bytes);
  }

  has(field: number): boolean {
    return this.fields.some((f) => f.field === field);
  }

  all(field: number): ProtoValue[] {
    return this.fields.filter((f) => f.field === field).map((f) => f.value);
  }

  one(field: number): ProtoValue {
    const values = this.all(field);
    if (values.length !== 1) throw new Error(`expected field ${field} once, found it ${values.length} times`);
    return values[0];
  }

  int(field: number): bigint {
    return BigInt.asIntN(64, this.one(field) as bigint);
  }

  float(field: number): number {
    return this.one(field) as number;
  }

  bytes(field: number): Uint8Array {
    return this.one(field) as Uint8Array;
  }

  string(field: number): string {
    return new TextDecoder().decode(this.bytes(field));
  }

  strings(field: number): string[] {
    return this.all(field).map((v) => new TextDecoder().decode(v as Uint8Array));
  }

  message(field: number): ProtoMessage {
    return new ProtoMessage(this.bytes(field));
  }

  messages(field: number): ProtoMessage[] {
    return this.all(field).map((v) => new ProtoMessage(v as Uint8Array));
  }

  /** A repeated integer field, packed or not (parsers must accept both). */
  ints(field: number): bigint[] {
    return this.fields
      .filter((f) => f.field === field)
      .flatMap((f) => (f.wireType === 2 ? decodePackedInts(f.value as Uint8Array) : [BigInt.asIntN(64, f.value as bigint)]));
  }
}
