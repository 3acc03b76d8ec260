// The protobuf writer against the wire format: byte-exact examples from the protobuf encoding
// guide (https://protobuf.dev/programming-guides/encoding/), and round trips through the
// independent decoder in protoDecoder.ts.

import { ProtoWriter } from '../../../model/onnx/protobuf.js';
import { decodeFields, ProtoMessage } from './protoDecoder.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtoWriter: the encoding guide’s examples, byte for byte', () => {
  it('varint 150 in field 1 is 08 96 01', () => {
    const w = new ProtoWriter();
    w.int(1, 150);
    expect(hex(w.toBytes())).toBe('089601');
  });

  it('the string "testing" in field 2 is 12 07 74 65 73 74 69 6e 67', () => {
    const w = new ProtoWriter();
    w.string(2, 'testing');
    expect(hex(w.toBytes())).toBe('120774657374696e67');
  });

  it('a nested message {1: 150} in field 3 is 1a 03 08 96 01', () => {
    const w = new ProtoWriter();
    w.message(3, (inner) => inner.int(1, 150));
    expect(hex(w.toBytes())).toBe('1a03089601');
  });

  it('packed repeated 3, 270, 86942 in field 4 is 22 06 03 8e 02 9e a7 05', () => {
    const w = new ProtoWriter();
    w.packedInts(4, [3, 270, 86942]);
    expect(hex(w.toBytes())).toBe('2206038e029ea705');
  });

  it('int64 −1 is ten bytes of two’s complement; a float is 4 little-endian bytes after wire type 5', () => {
    const w = new ProtoWriter();
    w.int(1, -1);
    w.float(2, 1.5);
    expect(hex(w.toBytes())).toBe('08ffffffffffffffffff01' + '150000c03f');
  });

  it('an empty packed field is left out', () => {
    const w = new ProtoWriter();
    w.packedInts(1, []);
    expect(w.byteLength).toBe(0);
  });
});

describe('ProtoWriter: round trips through an independent decoder', () => {
  it('varints across the int64 range', () => {
    const values = [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 53n - 1n, -2n, -(2n ** 63n), 2n ** 63n - 1n];
    const w = new ProtoWriter();
    values.forEach((v, i) => w.int(i + 1, v));
    w.int(20, Number.MAX_SAFE_INTEGER);
    const m = new ProtoMessage(w.toBytes());
    values.forEach((v, i) => expect(m.int(i + 1)).toBe(v));
    expect(m.int(20)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('packed ints with negatives, floats, UTF-8 strings and deep nesting', () => {
    const w = new ProtoWriter();
    w.packedInts(1, [0, -1, 2 ** 40, 7]);
    w.float(2, -0.1);
    w.string(3, 'é 𝔘 ok');
    w.message(4, (a) => a.message(5, (b) => b.message(6, (c) => c.string(1, 'deep'))));
    const m = new ProtoMessage(w.toBytes());
    expect(m.ints(1)).toEqual([0n, -1n, 2n ** 40n, 7n]);
    expect(m.float(2)).toBe(Math.fround(-0.1));
    expect(m.string(3)).toBe('é 𝔘 ok');
    expect(m.message(4).message(5).message(6).string(1)).toBe('deep');
  });

  it('large payloads are kept by reference (weights are never copied), small ones merged', () => {
    const weights = new Uint8Array(4096).map((_, i) => i * 7);
    const w = new ProtoWriter();
    w.message(1, (tensor) => {
      tensor.string(8, 'w');
      tensor.bytes(9, weights);
    });
    w.string(2, 'after');
    const chunks = w.finish();
    expect(chunks).toContain(weights); // the very same array
    expect(chunks.length).toBe(3); // header bytes, the payload, the trailing field
    const bytes = w.toBytes();
    expect(bytes.byteLength).toBe(w.byteLength);
    const m = new ProtoMessage(bytes);
    expect(m.message(1).string(8)).toBe('w');
    expect(hex(m.message(1).bytes(9))).toBe(hex(weights));
    expect(m.string(2)).toBe('after');
    expect(decodeFields(bytes).map((f) => f.field)).toEqual([1, 2]);
  });

  it('refuses what protobuf cannot encode', () => {
    const w = new ProtoWriter();
    expect(() => w.int(0, 1)).toThrow('invalid field number 0');
    expect(() => w.int(1, 1.5)).toThrow('1.5 is not an integer');
    expect(() => w.int(1, 2 ** 60)).toThrow('not an integer that can be written exactly');
    expect(() => w.int(1, 2n ** 64n)).toThrow('does not fit in 64 bits');
    expect(() => w.int(1, -(2n ** 63n) - 1n)).toThrow('does not fit in 64 bits');
  });
});
