// How many workgroups a dispatch needs. WebGPU guarantees only 65535 workgroups per dimension, so
// a long line of work (elements, rows) is folded into x and y; the shaders unfold it again
// (`flatIndex` in common.wgsl.ts, `row = id.x + id.y · groups.x` in the row kernels).

export const MAX_GROUPS_PER_DIMENSION = 65535;

export type Grid = readonly [number, number, number];

/** Workgroups covering `count` items handled `perGroup` at a time, folded into x and y. */
export function lineGrid(count: number, perGroup: number): Grid {
  const groups = Math.ceil(count / perGroup);
  const x = Math.min(groups, MAX_GROUPS_PER_DIMENSION);
  return [x, x === 0 ? 0 : Math.ceil(groups / x), 1];
}

/** Workgroups for a matrix product: `tile`-sized output tiles over x (columns) and y (rows), one z per batch. */
export function tileGrid(what: string, rows: number, columns: number, tileRows: number, tileColumns: number, batches: number): Grid {
  const grid: Grid = [Math.ceil(columns / tileColumns), Math.ceil(rows / tileRows), batches];
  if (grid.some((g) => g > MAX_GROUPS_PER_DIMENSION)) {
    throw new Error(`${what}: [${rows}×${columns}] outputs in ${batches} batches need ${grid.join('×')} workgroups; WebGPU allows ${MAX_GROUPS_PER_DIMENSION} per dimension`);
  }
  return grid;
}
