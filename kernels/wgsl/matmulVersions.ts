// The three matrix-product shaders, side by side as teaching material: naive → tiled →
// register-blocked. Which one a product gets is the adapter's tuning's choice (tuning.ts).

export type MatmulVersion = 'naive' | 'tiled' | 'blocked';

export const MATMUL_VERSIONS: readonly MatmulVersion[] = ['naive', 'tiled', 'blocked'];

export interface ProductShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batches: number;
}
