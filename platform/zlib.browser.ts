// Inflating and checksumming zip entries in a browser, which has no synchronous inflate
// (DecompressionStream is asynchronous, and the zip reader is not). torch.save stores its
// entries uncompressed, so only a checkpoint re-zipped by hand needs inflating.

export function inflateRawSync(): never {
  throw new Error('deflate-compressed zip entries cannot be read in the browser build; re-save the checkpoint with torch.save, which stores them uncompressed, or convert it to safetensors');
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as zip defines it (the IEEE polynomial, reflected), as Node's zlib.crc32 computes it. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
