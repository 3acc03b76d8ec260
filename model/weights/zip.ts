// A minimal, defensive zip reader: enough for the archives `torch.save` writes (PyTorch ≥ 1.6),
// plus deflated entries in case a checkpoint was re-zipped by another tool.
//
// A zip is read from the end: the end-of-central-directory record (EOCD) points to the central
// directory, which lists every entry with its sizes and the offset of its local header, which in
// turn precedes the entry's data. Sizes and offsets that do not fit in 32 bits live in "zip64"
// records and extra fields (PyTorch's writer always emits the zip64 EOCD). Every offset read from the
// file is checked against the file before it is used.

import { crc32, inflateRawSync } from '../../platform/zlib.js';
import { CheckpointError } from './errors.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_FIELD = 0x0001;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

export type ZipMethod = 'stored' | 'deflate';

export interface ZipEntry {
  readonly name: string;
  readonly method: ZipMethod;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Where the entry's (possibly compressed) bytes start, past its local header. */
  readonly dataOffset: number;
}

/** True when the bytes start like a zip archive (a local file header, or the EOCD of an empty one). */
export function hasZipSignature(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 4) return false;
  const signature = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return signature === LOCAL_HEADER || signature === END_OF_CENTRAL_DIRECTORY;
}

export class ZipArchive {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.entries = this.readCentralDirectory();
  }

  /**
   * An entry's bytes: a view into the archive for stored entries (no copy), a fresh buffer for
   * deflated ones. `verifyCrc` also checks the CRC-32 recorded in the directory.
   */
  read(name: string, options: { verifyCrc?: boolean } = {}): Uint8Array {
    const entry = this.entries.get(name);
    if (entry === undefined) this.fail(`has no entry ${JSON.stringify(name)}`);
    const raw = this.bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    let data = raw;
    if (entry.method === 'deflate') {
      try {
        // The output limit makes a "zip bomb" fail fast instead of exhausting memory.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
      } catch (error) {
        this.fail(`entry ${JSON.stringify(name)}: cannot inflate its data (${(error as Error).message})`);
      }
    }
    if (data.byteLength !== entry.uncompressedSize) {
      this.fail(`entry ${JSON.stringify(name)}: ${data.byteLength} bytes of data, the directory says ${entry.uncompressedSize}`);
    }
    if (options.verifyCrc === true && crc32(data) !== entry.crc32) {
      this.fail(`entry ${JSON.stringify(name)}: CRC-32 mismatch, the data is corrupt`);
    }
    return data;
  }

  private fail(detail: string): never {
    throw new CheckpointError(`${this.source}: zip archive ${detail}`);
  }

  private readCentralDirectory(): Map<string, ZipEntry> {
    const eocd = this.findEndOfCentralDirectory();
    let count = this.view.getUint16(eocd + 10, true);
    let directorySize = this.view.getUint32(eocd + 12, true);
    let directoryOffset = this.view.getUint32(eocd + 16, true);
    let directoryEnd = eocd;
    const disk = this.view.getUint16(eocd + 4, true);
    if (disk !== 0 && disk !== 0xffff) {
      this.fail('spans several disks, which is not supported');
    }
    const locator = eocd - 20;
    if (locator >= 0 && this.view.getUint32(locator, true) === ZIP64_LOCATOR) {
      const record = this.readUint64(locator + 8, 'zip64 end-of-directory offset');
      if (record + 56 > locator || this.view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
        this.fail('zip64 end-of-central-directory record is missing or out of bounds (truncated file?)');
      }
      count = this.readUint64(record + 32, 'zip64 entry count');
      directorySize = this.readUint64(record + 40, 'zip64 directory size');
      directoryOffset = this.readUint64(record + 48, 'zip64 directory offset');
      directoryEnd = record;
    }
    if (directoryOffset + directorySize > directoryEnd) {
      this.fail(
        `central directory [${directoryOffset}, ${directoryOffset + directorySize}) runs past its end record ` +
          `at ${directoryEnd} (truncated file?)`,
      );
    }

    const entries = new Map<string, ZipEntry>();
    const directory = directoryOffset + directorySize;
    let at = directoryOffset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directory || this.view.getUint32(at, true) !== CENTRAL_HEADER) {
        this.fail(`central directory entry ${i} at offset ${at} is missing or damaged`);
      }
      const flags = this.view.getUint16(at + 8, true);
      const methodCode = this.view.getUint16(at + 10, true);
      const nameLength = this.view.getUint16(at + 28, true);
      const extraLength = this.view.getUint16(at + 30, true);
      const commentLength = this.view.getUint16(at + 32, true);
      const next = at + 46 + nameLength + extraLength + commentLength;
      if (next > directory) this.fail(`central directory entry ${i} runs past the directory`);
      const name = new TextDecoder().decode(this.bytes.subarray(at + 46, at + 46 + nameLength));
      if ((flags & 1) !== 0) this.fail(`entry ${JSON.stringify(name)} is encrypted`);
      if (methodCode !== 0 && methodCode !== 8) {
        this.fail(`entry ${JSON.stringify(name)} uses compression method ${methodCode}; only stored (0) and deflate (8) are supported`);
      }
      if (entries.has(name)) this.fail(`has two entries named ${JSON.stringify(name)}`);

      // 0xFFFFFFFF in a 32-bit field means "the real value is in the zip64 extra field", which
      // holds only the overflowing fields, in this order.
      const zip64 = this.zip64Fields(at + 46 + nameLength, extraLength, name);
      const wide = (value: number, label: string): number =>
        value === 0xffffffff ? (zip64.shift() ?? this.fail(`entry ${JSON.stringify(name)}: zip64 ${label} is missing`)) : value;
      const uncompressedSize = wide(this.view.getUint32(at + 24, true), 'uncompressed size');
      const compressedSize = wide(this.view.getUint32(at + 20, true), 'compressed size');
      const localHeader = wide(this.view.getUint32(at + 42, true), 'local header offset');

      const method: ZipMethod = methodCode === 0 ? 'stored' : 'deflate';
      if (method === 'stored' && compressedSize !== uncompressedSize) {
        this.fail(`stored entry ${JSON.stringify(name)} has compressed size ${compressedSize} ≠ uncompressed size ${uncompressedSize}`);
      }
      const dataOffset = this.localDataOffset(localHeader, directoryOffset, name);
      if (dataOffset + compressedSize > directoryOffset) {
        this.fail(`entry ${JSON.stringify(name)}: its ${compressedSize} bytes at offset ${dataOffset} run into the central directory`);
      }
      const crc = this.view.getUint32(at + 16, true);
      entries.set(name, { name, method, crc32: crc, compressedSize, uncompressedSize, dataOffset });
      at = next;
    }
    return entries;
  }

  private findEndOfCentralDirectory(): number {
    const last = this.bytes.byteLength - EOCD_SIZE;
    for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
      if (this.view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at;
    }
    return this.fail('has no end-of-central-directory record: the file is truncated or not a zip archive');
  }

  /** The values of the zip64 extra field (id 1) among the extra fields at `at`, if any. */
  private zip64Fields(at: number, length: number, name: string): number[] {
    const end = at + length;
    while (at + 4 <= end) {
      const id = this.view.getUint16(at, true);
      const size = this.view.getUint16(at + 2, true);
      if (at + 4 + size > end) this.fail(`entry ${JSON.stringify(name)}: extra field runs past its end`);
      if (id === ZIP64_EXTRA_FIELD) {
        const values: number[] = [];
        for (let offset = at + 4; offset + 8 <= at + 4 + size; offset += 8) {
          values.push(this.readUint64(offset, `entry ${JSON.stringify(name)} zip64 field`));
        }
        return values;
      }
      at += 4 + size;
    }
    return [];
  }

  /** Where an entry's data starts: its local header has its own name and extra-field lengths. */
  private localDataOffset(localHeader: number, limit: number, name: string): number {
    if (localHeader + 30 > limit || this.view.getUint32(localHeader, true) !== LOCAL_HEADER) {
      this.fail(`entry ${JSON.stringify(name)}: no local header at offset ${localHeader}`);
    }
    const nameLength = this.view.getUint16(localHeader + 26, true);
    const extraLength = this.view.getUint16(localHeader + 28, true);
    return localHeader + 30 + nameLength + extraLength;
  }

  private readUint64(at: number, what: string): number {
    const value = this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
    if (value > this.bytes.byteLength) this.fail(`${what} (${value}) is larger than the file`);
    return value;
  }
}
