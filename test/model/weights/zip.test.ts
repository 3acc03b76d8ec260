import { CheckpointError } from '../../../model/weights/errors.js';
import { ZipArchive, hasZipSignature } from '../../../model/weights/zip.js';
import { zip } from './torchWriter.js';

const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(20));
const binary = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));

function zipError(bytes: Uint8Array, read?: string): string {
  try {
    const archive = new ZipArchive(bytes, 'x.zip');
    if (read !== undefined) archive.read(read, { verifyCrc: true });
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the archive to be rejected');
}

describe('ZipArchive', () => {
  it.each([false, true])('reads stored and deflated entries (zip64 records: %s)', (zip64) => {
    const bytes = zip(
      [
        { name: 'a/text.txt', data: text, deflate: true },
        { name: 'a/data/0', data: binary },
        { name: 'a/empty', data: new Uint8Array(0) },
      ],
      { zip64 },
    );
    expect(hasZipSignature(bytes)).toBe(true);
    const archive = new ZipArchive(bytes, 'x.zip');
    expect([...archive.entries.keys()]).toEqual(['a/text.txt', 'a/data/0', 'a/empty']);
    expect(archive.entries.get('a/text.txt')!.method).toBe('deflate');
    expect(archive.entries.get('a/text.txt')!.compressedSize).toBeLessThan(text.length);
    expect(Buffer.from(archive.read('a/text.txt', { verifyCrc: true })).equals(text)).toBe(true);
    const stored = archive.read('a/data/0', { verifyCrc: true });
    expect(Buffer.from(stored).equals(binary)).toBe(true);
    expect(stored.buffer).toBe(bytes.buffer); // a stored entry is a view, not a copy
    expect((stored.byteOffset - bytes.byteOffset) % 64).toBe(0); // PyTorch-style alignment padding
    expect(archive.read('a/empty').byteLength).toBe(0);
  });

  it('checks the CRC-32 only when asked', () => {
    const bytes = zip([{ name: 'w', data: binary }]);
    const at = new ZipArchive(bytes, 'x.zip').entries.get('w')!.dataOffset;
    bytes[at + 10]! ^= 0xff;
    expect(new ZipArchive(bytes, 'x.zip').read('w').byteLength).toBe(1000);
    expect(zipError(bytes, 'w')).toBe('x.zip: zip archive entry "w": CRC-32 mismatch, the data is corrupt');
  });

  it('rejects truncated archives', () => {
    const bytes = zip([{ name: 'w', data: binary }], { zip64: true });
    expect(zipError(bytes.subarray(0, bytes.length - 30))).toBe(
      'x.zip: zip archive has no end-of-central-directory record: the file is truncated or not a zip archive',
    );
    expect(zipError(bytes.subarray(0, 600))).toMatch(/no end-of-central-directory record/);
    expect(zipError(new Uint8Array(0))).toMatch(/no end-of-central-directory record/);
  });

  it('rejects a directory that points outside the file or overlaps the data', () => {
    const bytes = zip([{ name: 'w', data: binary }]);
    const eocd = bytes.length - 22;
    const broken = Buffer.from(bytes);
    broken.writeUInt32LE(bytes.length, eocd + 16); // central directory offset past the end
    expect(zipError(broken)).toMatch(/^x\.zip: zip archive central directory \[\d+, \d+\) runs past its end record/);

    const oversized = Buffer.from(bytes);
    const directory = oversized.readUInt32LE(eocd + 16);
    oversized.writeUInt32LE(5000, directory + 20); // compressed size
    oversized.writeUInt32LE(5000, directory + 24); // uncompressed size
    expect(zipError(oversized)).toMatch(/entry "w": its 5000 bytes at offset \d+ run into the central directory/);

    const badLocal = Buffer.from(bytes);
    badLocal.writeUInt32LE(7, directory + 42); // local header offset
    expect(zipError(badLocal)).toBe('x.zip: zip archive entry "w": no local header at offset 7');
  });

  it('rejects unsupported compression, encryption and lying sizes', () => {
    const bytes = zip([{ name: 'w', data: text, deflate: true }]);
    const directory = bytes.readUInt32LE(bytes.length - 22 + 16);

    const bzip2 = Buffer.from(bytes);
    bzip2.writeUInt16LE(12, directory + 10);
    expect(zipError(bzip2)).toBe(
      'x.zip: zip archive entry "w" uses compression method 12; only stored (0) and deflate (8) are supported',
    );
    const encrypted = Buffer.from(bytes);
    encrypted.writeUInt16LE(1, directory + 8);
    expect(zipError(encrypted)).toBe('x.zip: zip archive entry "w" is encrypted');

    // The directory claims 10 bytes but the deflate stream holds 880: refuse, do not inflate it all.
    const bomb = Buffer.from(bytes);
    bomb.writeUInt32LE(10, directory + 24);
    expect(zipError(bomb, 'w')).toMatch(/^x\.zip: zip archive entry "w": cannot inflate its data \(/);

    const garbage = zip([{ name: 'w', data: binary }]);
    garbage.writeUInt16LE(8, garbage.readUInt32LE(garbage.length - 22 + 16) + 10); // "deflated", but it is not
    expect(zipError(garbage, 'w')).toMatch(/^x\.zip: zip archive entry "w": cannot inflate its data \(/);
  });

  it('reports a missing entry and duplicate names', () => {
    expect(zipError(zip([{ name: 'w', data: text }]), 'nope')).toBe('x.zip: zip archive has no entry "nope"');
    expect(zipError(zip([{ name: 'w', data: text }, { name: 'w', data: text }]))).toBe(
      'x.zip: zip archive has two entries named "w"',
    );
  });
});
