// Whether a PNG (a screenshot) shows anything: decodes its pixels (8-bit RGB or RGBA, the five
// row filters of the PNG spec) with node:zlib, and counts the colours; no image library needed.

import { inflateSync } from 'node:zlib';

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The number of distinct RGB colours in the image. */
export function distinctColours(png: Buffer): number {
  const idat: Buffer[] = [];
  let [width, height, channels] = [0, 0, 0];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      if (body[8] !== 8 || (body[9] !== 2 && body[9] !== 6)) throw new Error(`distinctColours: only 8-bit RGB(A) PNGs, got depth ${body[8]} colour type ${body[9]}`);
      [width, height, channels] = [body.readUInt32BE(0), body.readUInt32BE(4), body[9] === 6 ? 4 : 3];
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * channels;
  let previous = new Uint8Array(rowBytes);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const line = Uint8Array.from(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)));
    for (let i = 0; i < rowBytes; i++) {
      const [a, b, c] = [i >= channels ? line[i - channels] : 0, previous[i], i >= channels ? previous[i - channels] : 0];
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      line[i] = (line[i] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) colours.add((line[x * channels] << 16) | (line[x * channels + 1] << 8) | line[x * channels + 2]);
    previous = line;
  }
  return colours.size;
}
