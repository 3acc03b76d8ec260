// Test helper: the reference model fixtures, and an independent reader of raw safetensors bytes
// (deliberately simple and separate from model/weights/safetensors.ts) to check values against.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'models');
export const MODEL_NAMES = ['tiny', 'tiny-cls', 'tiny-mlm'] as const;

interface ManifestModel {
  readonly name: string;
  readonly weight_keys: string[];
  readonly expected_keys: string[];
}

export function manifestModel(name: string): ManifestModel {
  const manifest = JSON.parse(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8')) as { models: ManifestModel[] };
  return manifest.models.find((model) => model.name === name)!;
}

export interface RawEntry {
  readonly dtype: string;
  readonly shape: number[];
  /** Absolute byte offsets in the file. */
  readonly begin: number;
  readonly end: number;
}

/** Header entries of a safetensors buffer, read with Buffer's own methods. */
export function rawHeader(bytes: Buffer): { dataStart: number; entries: Map<string, RawEntry> } {
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + length)) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const dataStart = 8 + length;
  const entries = new Map<string, RawEntry>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.set(name, { dtype: entry.dtype, shape: entry.shape, begin: dataStart + entry.data_offsets[0], end: dataStart + entry.data_offsets[1] });
  }
  return { dataStart, entries };
}

/** A safetensors file with exactly this header text (or object) and data area, checked by nothing. */
export function rawSafetensors(header: string | object, data: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

/** The float32 values of an F32 tensor, read one by one with readFloatLE. */
export function rawFloats(bytes: Buffer, entry: RawEntry): number[] {
  const values: number[] = [];
  for (let at = entry.begin; at < entry.end; at += 4) values.push(bytes.readFloatLE(at));
  return values;
}

export function readFixture(model: string, file: string): Buffer {
  return readFileSync(join(MODELS_DIR, model, file));
}

/** Whether two float arrays hold the same bit patterns (so -0 ≠ 0 and NaN payloads count). */
export function sameBits(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  return x.every((value, i) => value === y[i]);
}
