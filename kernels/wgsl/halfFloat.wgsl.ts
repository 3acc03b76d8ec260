// Reading float16 weights in WGSL. A float16 tensor's buffer holds its halves back to back (two to
// a 4-byte word, the first in the low 16 bits, as a little-endian Uint16Array lays them out). With
// the 'shader-f16' feature the buffer is bound as array<f16>; without it, as array<u32>, and
// unpack2x16float widens both halves of a word. Widening a half to f32 is exact either way, so the
// two paths give the same numbers (weightPaths.ts chooses).

/** How a float16 buffer is bound: as f16 (needs 'shader-f16'), or as u32 words of two halves. */
export type HalfStorage = 'f16' | 'packed';

/** The directive a shader reading `storage` must start with (WGSL wants it before any declaration). */
export const enableHalfWgsl = (storage: HalfStorage | undefined) => (storage === 'f16' ? 'enable f16;' : '');

/**
 * A read-only binding `name` of float16 elements, `fn ${name}At(index) -> f32` reading element
 * `index`, and `fn ${name}Quad(index) -> vec4<f32>` reading elements index … index + 3 (index a
 * multiple of 4: two whole words).
 */
export function halfArrayWgsl(name: string, binding: number, storage: HalfStorage): string {
  return storage === 'f16'
    ? /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read> ${name}: array<f16>;

fn ${name}At(index: u32) -> f32 {
  return f32(${name}[index]);
}

fn ${name}Quad(index: u32) -> vec4<f32> {
  return vec4<f32>(f32(${name}[index]), f32(${name}[index + 1u]), f32(${name}[index + 2u]), f32(${name}[index + 3u]));
}
`
    : /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read> ${name}: array<u32>;

fn ${name}At(index: u32) -> f32 {
  return unpack2x16float(${name}[index >> 1u])[index & 1u];
}

fn ${name}Quad(index: u32) -> vec4<f32> {
  let word = index >> 1u;
  return vec4<f32>(unpack2x16float(${name}[word]), unpack2x16float(${name}[word + 1u]));
}
`;
}
