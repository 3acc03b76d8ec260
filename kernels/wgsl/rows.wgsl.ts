// Row kernels (softmax, layerNorm) give each row of the last axis one workgroup: its invocations
// stride through the row, then combine their partial results by a tree reduction in workgroup
// memory (log₂ of the workgroup size steps, halving the active invocations each step). The
// workgroup size comes from the adapter's tuning (tuning.ts).

/**
 * `reduceSum(t, value)` and `reduceMax(t, value)`: every invocation passes its partial value and
 * gets the workgroup's total back. Call from uniform control flow (they contain barriers).
 */
export const rowReduceWgsl = (workgroupSize: number) => /* wgsl */ `
const WORKGROUP = ${workgroupSize}u;

var<workgroup> partial: array<f32, ${workgroupSize}>;

fn reduceSum(t: u32, value: f32) -> f32 {
  partial[t] = value;
  workgroupBarrier();
  for (var step = WORKGROUP / 2u; step > 0u; step >>= 1u) {
    if (t < step) {
      partial[t] += partial[t + step];
    }
    workgroupBarrier();
  }
  let total = workgroupUniformLoad(&partial[0]);
  // Everyone has read the total before anyone starts the next reduction and overwrites it.
  workgroupBarrier();
  return total;
}

fn reduceMax(t: u32, value: f32) -> f32 {
  partial[t] = value;
  workgroupBarrier();
  for (var step = WORKGROUP / 2u; step > 0u; step >>= 1u) {
    if (t < step) {
      partial[t] = max(partial[t], partial[t + step]);
    }
    workgroupBarrier();
  }
  let total = workgroupUniformLoad(&partial[0]);
  workgroupBarrier();
  return total;
}

// Row kernels are dispatched as a grid of workgroups folded into x and y (grid.ts).
fn rowIndex(group: vec3<u32>, groups: vec3<u32>) -> u32 {
  return group.x + group.y * groups.x;
}
`;

/**
 * The entry point of a row kernel: invocation `t` of the workgroup for `row`, which covers
 * `x[start .. start + n)`; `body` is WGSL using those names (workgroups past the last row return).
 */
export const rowKernelMain = (workgroupSize: number, body: string) => /* wgsl */ `
@compute @workgroup_size(${workgroupSize})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let row = rowIndex(group, groups);
  if (row >= params.rows) {
    return;
  }
  let n = params.n;
  let start = row * n;
${body}
}
`;
