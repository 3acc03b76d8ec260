// WGSL shared by several kernels. Each shader's source is assembled from these snippets and its
// own text; every shader names its uniform struct `params`.

/**
 * The WGSL mirror of layout.ts's StridedLayout (packed by Uniforms.strided). Arrays in uniform
 * memory must have 16-byte elements, hence vec4s: axis i is `v[i / 4][i % 4]`.
 */
export const stridedWgsl = /* wgsl */ `
struct Strided {
  shape: array<vec4<u32>, 2>,
  stridesA: array<vec4<u32>, 2>,
  stridesB: array<vec4<u32>, 2>,
  rank: u32,
}

fn axisOf(v: array<vec4<u32>, 2>, i: u32) -> u32 {
  return v[i / 4u][i % 4u];
}

// Offsets (in elements) into the two strided arrays of the element at row-major position
// \`flat\` of its shape: peel off one index per axis, last axis first.
fn stridedOffsets(strided: Strided, flat: u32) -> vec2<u32> {
  var rest = flat;
  var offsets = vec2<u32>(0u, 0u);
  for (var i = strided.rank; i > 0u; i--) {
    let d = axisOf(strided.shape, i - 1u);
    let index = rest % d;
    rest = rest / d;
    offsets += index * vec2<u32>(axisOf(strided.stridesA, i - 1u), axisOf(strided.stridesB, i - 1u));
  }
  return offsets;
}
`;

/**
 * Elementwise kernels run one invocation per element. A dispatch may have at most 65535
 * workgroups along x, so large ones spill into y (see grid.ts); this is the flat element index.
 */
export const flatIndexWgsl = (workgroupSize: number) => /* wgsl */ `
fn flatIndex(id: vec3<u32>, groups: vec3<u32>) -> u32 {
  return id.x + id.y * groups.x * ${workgroupSize}u;
}
`;

/**
 * NaN tested on the bits: WGSL lets compilers assume floats are never NaN, so \`x != x\` may be
 * folded to false. A float is NaN when its exponent bits are all ones and its mantissa is not zero.
 */
export const isNanWgsl = /* wgsl */ `
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}
`;
