// The three matrix-product shaders, side by side as teaching material: naive → tiled →
// register-blocked. Which one a product gets is the adapter's tuning's choice (tuning.ts).

export type MatmulVersion = 'naive' | 'tiled' | 'blocked';

export const MATMUL_VERSIONS: readonly MatmulVersion[] = ['naive', 'tiled', 'blocked'];

/** The environment variable that makes the registered `webgpu` backend use one version for every product (benchmarks). */
export const MATMUL_VERSION_ENV = 'ROBERTA_WEBGPU_MATMUL';

export function parseMatmulVersion(value: string, source: string): MatmulVersion | 'auto' {
  if (value === 'auto' || (MATMUL_VERSIONS as readonly string[]).includes(value)) return value as MatmulVersion | 'auto';
  throw new Error(`${source}: unknown matmul version "${value}" (expected auto, ${MATMUL_VERSIONS.join(', ')})`);
}

export interface ProductShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batches: number;
}
