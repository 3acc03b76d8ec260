// The repository's test fixtures, found from this module's location (bench/ or dist/bench/), so
// the benchmarks work from any working directory of a roberta-ts checkout.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function fixturePath(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', ...parts);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find test/fixtures/${parts.join('/')} above ${fileURLToPath(import.meta.url)}: run from a roberta-ts checkout`);
    dir = parent;
  }
}
