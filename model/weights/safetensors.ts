// Reading safetensors files (https://github.com/huggingface/safetensors), the format Hugging Face
// saves weights in:
//
//   [8 bytes]  N, the header length, unsigned 64-bit little-endian
//   [N bytes]  UTF-8 JSON: { "__metadata__"?: {string: string},
//                            "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ... }
//   [rest]     the data area; offsets are relative to its start, little-endian, row-major
//
// A file from the internet is untrusted input, so every number in the header is checked against the
// file before it is used: a bad file must produce an error, never an out-of-bounds view or a tensor
// that silently reads its neighbour's bytes.

import { fileSource } from '../../platform/files.js';
import { READ_CHUNK_BYTES, memorySource, type ByteSource } from './byteSource.js';
import { ELEMENT_BYTES, decodeElements, hostDTypeOf, isElementType, storesHostElements, type ElementType } from './elementType.js';
import { CheckpointError } from './errors.js';
import { describeJson, isJsonObject, jsonSyntaxDetail } from './json.js';
import { elementCount, type CheckpointTensor, type HostTensor } from './hostTensor.js';

/** The reference implementation's limit; real headers are well under a megabyte. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: ElementType;
  readonly shape: readonly number[];
  /** The tensor's bytes within the whole file (already shifted past the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsFile {
  /** The path (or other name) used in error messages. */
  readonly source: string;
  /** The whole file; tensors' bytes are read from it when decoded. */
  readonly bytes: ByteSource;
  readonly metadata: ReadonlyMap<string, string>;
  /** In header order. */
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
}

/**
 * Reads and validates a file's header only; each tensor's bytes are read from disk when it is
 * decoded (safetensorsTensor), so the file is never in memory whole. `chunkBytes` is the size of
 * the chunks a tensor is streamed in (lazySafetensorsTensor's readInto).
 */
export function openSafetensorsFile(path: string, chunkBytes = READ_CHUNK_BYTES): SafetensorsFile {
  return readSafetensorsHeader(fileSource(path, chunkBytes), path);
}

/** Validates the header of an in-memory safetensors file; tensors decode to views of `bytes` where they can. */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  return readSafetensorsHeader(memorySource(bytes), source);
}

function readSafetensorsHeader(bytes: ByteSource, source: string): SafetensorsFile {
  const fail = (detail: string): never => {
    throw new CheckpointError(`${source}: ${detail}`);
  };
  if (bytes.byteLength < 8) {
    fail(`${bytes.byteLength} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  }
  const prefix = bytes.read(0, 8);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) {
    fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit: not a safetensors file?`);
  }
  const dataStart = 8 + headerLength;
  if (dataStart > bytes.byteLength) {
    fail(
      `header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes): ` +
        'the file is truncated or not a safetensors file',
    );
  }

  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.read(8, dataStart));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    return fail(`header is not valid JSON (${jsonSyntaxDetail(error)})`);
  }
  if (!isJsonObject(header)) return fail(`header must be a JSON object, got ${describeJson(header)}`);

  const dataLength = bytes.byteLength - dataStart;
  let metadata = new Map<string, string>();
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(value, fail);
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (!isJsonObject(value)) return fail(`${where}: expected an object, got ${describeJson(value)}`);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string' || !isElementType(dtype)) {
      return fail(`${where}: unknown dtype ${describeJson(dtype)} (supported: ${Object.keys(ELEMENT_BYTES).join(', ')})`);
    }
    if (!isArrayOf(shape, isNonNegativeInteger)) {
      return fail(`${where}: shape must be an array of non-negative integers, got ${describeJson(shape)}`);
    }
    if (!isArrayOf(offsets, isNonNegativeInteger) || offsets.length !== 2 || offsets[0]! > offsets[1]!) {
      return fail(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${describeJson(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      return fail(`${where}: data_offsets [${begin}, ${end}] reach past the end of the data area (${dataLength} bytes)`);
    }
    let count: number;
    try {
      count = elementCount(shape);
    } catch (error) {
      return fail(`${where}: ${(error as Error).message}`);
    }
    const expectedBytes = count * ELEMENT_BYTES[dtype];
    if (expectedBytes !== end - begin) {
      return fail(
        `${where}: shape [${shape.join(', ')}] of ${dtype} needs ${expectedBytes} bytes ` +
          `but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    entries.set(name, { name, dtype, shape, begin: dataStart + begin, end: dataStart + end });
  }
  checkNoOverlap([...entries.values()], dataStart, fail);
  return { source, bytes, metadata, entries };
}

/**
 * Reads and decodes one tensor. F32 data is not copied again: it is a view over the file's bytes
 * in memory, or over the buffer its bytes were just read into from disk.
 */
export function safetensorsTensor(file: SafetensorsFile, name: string): HostTensor {
  const entry = file.entries.get(name);
  if (entry === undefined) throw new CheckpointError(`${file.source}: no tensor ${JSON.stringify(name)}`);
  const data = decodeElements(file.bytes.read(entry.begin, entry.end), entry.dtype, `${file.source}: tensor ${JSON.stringify(name)}`);
  return { dtype: hostDTypeOf(entry.dtype), shape: entry.shape, data };
}

/** Decodes every tensor of the file, in header order. */
export function safetensorsTensors(file: SafetensorsFile): Map<string, HostTensor> {
  const tensors = new Map<string, HostTensor>();
  for (const name of file.entries.keys()) tensors.set(name, safetensorsTensor(file, name));
  return tensors;
}

/**
 * One tensor of the file, described by its header entry and decoded only when read. From a file
 * on disk, a tensor needing no decoding can also be streamed in chunks (readInto).
 */
export function lazySafetensorsTensor(file: SafetensorsFile, name: string): CheckpointTensor {
  const entry = file.entries.get(name);
  if (entry === undefined) throw new CheckpointError(`${file.source}: no tensor ${JSON.stringify(name)}`);
  const tensor = { dtype: hostDTypeOf(entry.dtype), shape: entry.shape, read: () => safetensorsTensor(file, name).data };
  const readChunks = file.bytes.readChunks?.bind(file.bytes);
  if (readChunks === undefined || !storesHostElements(entry.dtype)) return tensor;
  return { ...tensor, readInto: (write) => readChunks(entry.begin, entry.end, write) };
}

function parseMetadata(value: unknown, fail: (detail: string) => never): Map<string, string> {
  if (!isJsonObject(value)) return fail(`__metadata__ must be an object of strings, got ${describeJson(value)}`);
  const metadata = new Map<string, string>();
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') return fail(`__metadata__ ${JSON.stringify(key)} must be a string, got ${describeJson(text)}`);
    metadata.set(key, text);
  }
  return metadata;
}

// Two tensors sharing bytes would make writes to one visible in the other and usually means a
// corrupted or crafted header. Gaps between tensors are harmless and allowed.
function checkNoOverlap(entries: SafetensorsEntry[], dataStart: number, fail: (detail: string) => never): void {
  const byStart = entries.filter((entry) => entry.end > entry.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const previous = byStart[i - 1]!;
    const current = byStart[i]!;
    if (current.begin < previous.end) {
      const range = (entry: SafetensorsEntry) => `[${entry.begin - dataStart}, ${entry.end - dataStart}]`;
      fail(
        `tensors ${JSON.stringify(previous.name)} ${range(previous)} and ${JSON.stringify(current.name)} ${range(current)} overlap in the data area`,
      );
    }
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isArrayOf<T>(value: unknown, isItem: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(isItem);
}
