import { readdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import { fileSource } from '../../../platform/files.js';
import { lazySafetensorsTensor, openSafetensorsFile, parseSafetensors, safetensorsTensor } from '../../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../../model/weights/safetensorsWriter.js';
import { makeTempDir } from '../../tempDir.js';
import { MODELS_DIR, rawHeader, rawSafetensors, sameBits } from './fixtures.js';

const dir = makeTempDir('safetensors-file');

const tinyPath = join(MODELS_DIR, 'tiny', 'model.safetensors');
const MiB = 2 ** 20;

/** Writes `bytes` to a new file in the temporary directory and returns its path. */
function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The file descriptors this process has open (`/dev/fd` lists them on Linux and macOS). */
const openDescriptors = (): number => readdirSync('/dev/fd').length;

function openError(path: string): string {
  try {
    openSafetensorsFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('safetensors files read from disk on demand', () => {
  it('give the same tensors as the file read whole, each in a buffer of its own', () => {
    const whole = parseSafetensors(readFileSync(tinyPath), tinyPath);
    const file = openSafetensorsFile(tinyPath);
    expect([...file.entries.values()]).toEqual([...whole.entries.values()]);
    expect(file.bytes.byteLength).toBe(whole.bytes.byteLength);
    for (const name of file.entries.keys()) {
      const read = safetensorsTensor(file, name);
      const expected = safetensorsTensor(whole, name);
      expect([read.dtype, read.shape]).toEqual([expected.dtype, expected.shape]);
      expect(sameBits(read.data, expected.data)).toBe(true);
      // A fresh buffer holding only this tensor: garbage once the caller lets go of it.
      expect([read.data.byteOffset, read.data.buffer.byteLength]).toEqual([0, read.data.byteLength]);
    }
  });

  it('read only the header when opened, and only the tensor asked for when read', () => {
    const big = new Float32Array((32 * MiB) / 4);
    const path = writeTemp('big.safetensors', encodeSafetensors({ big: { dtype: 'F32', shape: [big.length], data: big }, small: { dtype: 'F32', shape: [3], data: [1, 2, 3] } }));
    // Array buffers alive in the process, garbage included: reading the 32 MiB tensor (or the
    // whole file) would show here whether or not it was collected since.
    const before = process.memoryUsage().arrayBuffers;
    const file = openSafetensorsFile(path);
    const small = safetensorsTensor(file, 'small');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
    expect(Array.from(small.data)).toEqual([1, 2, 3]);
  });

  it('reject a truncated or lying file when it is opened, with the same messages as in memory', () => {
    const bytes = readFileSync(tinyPath);
    const cutData = bytes.subarray(0, bytes.length - 4);
    expect(openError(writeTemp('cut-data.safetensors', cutData))).toMatch(
      /cut-data\.safetensors: tensor ".*": data_offsets \[\d+, \d+\] reach past the end of the data area \(\d+ bytes\)$/,
    );
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const cutHeader = writeTemp('cut-header.safetensors', bytes.subarray(0, 100));
    expect(openError(cutHeader)).toBe(
      `${cutHeader}: header length ${headerLength} runs past the end of the file (100 bytes): the file is truncated or not a safetensors file`,
    );
    const empty = writeTemp('empty.safetensors', new Uint8Array(3));
    expect(openError(empty)).toBe(`${empty}: 3 bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
    // The in-memory reader agrees on each.
    expect(() => parseSafetensors(cutData, 'x')).toThrow(/reach past the end of the data area/);
  });

  it('decode a tensor only when it is read, so a bad tensor fails then, by name, and the others still read', () => {
    const header = { mask: { dtype: 'BOOL', shape: [4], data_offsets: [0, 4] }, w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    const data = Buffer.concat([Uint8Array.from([1, 0, 0, 7]), new Uint8Array(Float32Array.from([0.5, -2]).buffer)]);
    const path = writeTemp('bad-bool.safetensors', rawSafetensors(header, data));
    const file = openSafetensorsFile(path);
    expect(Array.from(safetensorsTensor(file, 'w').data)).toEqual([0.5, -2]);
    expect(() => safetensorsTensor(file, 'mask')).toThrow(new CheckpointError(`${path}: tensor "mask": element 3 is byte 7, not a bool (0 or 1)`));
  });

  it('refuse to read a file that was changed or replaced after its header was checked', () => {
    const original = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: [1, 2] } });
    const path = writeTemp('changing.safetensors', original);
    const file = openSafetensorsFile(path);
    writeFileSync(path, encodeSafetensors({ a: { dtype: 'F32', shape: [4], data: [1, 2, 3, 4] } }));
    expect(() => safetensorsTensor(file, 'a')).toThrow(/changing\.safetensors: the file was changed or replaced after its header was read \(\d+ bytes, modified .*; now \d+ bytes, modified .*\); load it again$/);

    // Replaced by another file of the same size (as a download renames its finished file into place).
    writeFileSync(path, original);
    const reopened = openSafetensorsFile(path);
    const replacement = writeTemp('replacement.safetensors', encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: [7, 8] } }));
    renameSync(replacement, path);
    expect(() => safetensorsTensor(reopened, 'a')).toThrow(CheckpointError);
  });

  it('leave no file descriptor open, after reads that succeed and reads that fail', () => {
    const path = writeTemp('descriptors.safetensors', readFileSync(tinyPath));
    const before = openDescriptors();
    const file = openSafetensorsFile(path);
    for (const name of file.entries.keys()) safetensorsTensor(file, name);
    expect(openDescriptors()).toBe(before);
    writeFileSync(path, new Uint8Array(16));
    expect(() => safetensorsTensor(file, [...file.entries.keys()][0]!)).toThrow(CheckpointError);
    expect(openDescriptors()).toBe(before);
  });
});

describe('safetensors tensors streamed from disk (readInto)', () => {
  const w = Float32Array.from({ length: 37 }, (_, i) => i * 0.5 - 9);
  /** A file holding `w` (148 bytes: chunks of 64 end mid-tensor) and a small `b`; its path and w's bytes in the file. */
  function streamingFile(name: string): { path: string; begin: number; end: number } {
    const path = writeTemp(name, encodeSafetensors({ w: { dtype: 'F32', shape: [37], data: w }, b: { dtype: 'I32', shape: [2], data: [5, -6] } }));
    const entry = rawHeader(readFileSync(path)).entries.get('w')!;
    return { path, begin: entry.begin, end: entry.end };
  }

  it('pass the tensor in chunks of the chunk size, through one buffer reused across chunks and tensors', () => {
    const { path } = streamingFile('chunks.safetensors');
    const file = openSafetensorsFile(path, 64);
    const received = new Uint8Array(w.byteLength);
    const chunks: { offset: number; bytes: number; buffer: ArrayBufferLike }[] = [];
    lazySafetensorsTensor(file, 'w').readInto!((bytes, byteOffset) => {
      chunks.push({ offset: byteOffset, bytes: bytes.byteLength, buffer: bytes.buffer });
      received.set(bytes, byteOffset);
    });
    expect(chunks.map(({ offset, bytes }) => [offset, bytes])).toEqual([[0, 64], [64, 64], [128, 20]]);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(1);
    expect(sameBits(new Float32Array(received.buffer), w)).toBe(true);

    const ints: number[] = [];
    lazySafetensorsTensor(file, 'b').readInto!((bytes) => {
      expect(bytes.buffer).toBe(chunks[0]!.buffer);
      ints.push(...new Int32Array(bytes.slice().buffer));
    });
    expect(ints).toEqual([5, -6]);
  });

  it('give a read started inside another its own buffer, so neither overwrites the chunk the other is passing', () => {
    const { path } = streamingFile('nested.safetensors');
    const file = openSafetensorsFile(path, 64);
    const firstChunks: number[] = [];
    lazySafetensorsTensor(file, 'w').readInto!((outer, byteOffset) => {
      const before = outer.slice();
      lazySafetensorsTensor(file, 'b').readInto!((inner) => expect(inner.buffer).not.toBe(outer.buffer));
      expect(outer).toEqual(before);
      if (byteOffset === 0) firstChunks.push(...new Float32Array(outer.slice().buffer));
    });
    expect(firstChunks).toEqual(Array.from(w.subarray(0, 16)));
  });

  it('exist only where the bytes need no decoding and come from a file on disk', () => {
    const bytes = encodeSafetensors({ f32: { dtype: 'F32', shape: [1], data: [1] }, f16: { dtype: 'F16', shape: [1], data: [1] }, bf16: { dtype: 'BF16', shape: [1], data: [1] }, i64: { dtype: 'I64', shape: [1], data: [1] } });
    const onDisk = openSafetensorsFile(writeTemp('types.safetensors', bytes));
    const streams = (name: string) => lazySafetensorsTensor(onDisk, name).readInto !== undefined;
    expect(['f32', 'f16', 'bf16', 'i64'].map(streams)).toEqual([true, false, false, false]);
    expect(lazySafetensorsTensor(parseSafetensors(bytes, 'memory'), 'f32').readInto).toBeUndefined();
  });

  it('refuse a chunk size that would split elements', () => {
    expect(() => fileSource(tinyPath, 12)).toThrow(new RangeError('fileSource: chunkBytes must be a positive multiple of 8, got 12'));
    expect(() => openSafetensorsFile(tinyPath, 0)).toThrow(RangeError);
  });

  it('fail clearly, closing the file, when it was truncated after its header was checked, before or during the stream', () => {
    const { path, begin, end } = streamingFile('truncated.safetensors');
    const before = openDescriptors();
    const file = openSafetensorsFile(path, 64);
    const ignore = () => {};
    const original = readFileSync(path);
    truncateSync(path, end - 4);
    expect(() => lazySafetensorsTensor(file, 'w').readInto!(ignore)).toThrow(/truncated\.safetensors: the file was changed or replaced after its header was read/);
    expect(openDescriptors()).toBe(before);

    // Cut while the tensor is being passed on: its size was checked when the stream began.
    writeFileSync(path, original);
    const again = openSafetensorsFile(path, 64);
    const offsets: number[] = [];
    const cutAfterFirstChunk = (_: Uint8Array, byteOffset: number) => {
      offsets.push(byteOffset);
      truncateSync(path, begin + 100);
    };
    expect(() => lazySafetensorsTensor(again, 'w').readInto!(cutAfterFirstChunk)).toThrow(
      new CheckpointError(`${path}: the file ended at byte ${begin + 100}, expected ${end} bytes`),
    );
    expect(offsets).toEqual([0]);
    expect(openDescriptors()).toBe(before);
  });
});
