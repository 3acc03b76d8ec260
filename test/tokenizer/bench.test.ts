// A small run of bench/tokenizer.ts: it must work, and it doubles as a cross-check of our ids
// against HF's Rust tokenizer and HF's JS tokenizer on the same texts.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { runTokenizerBench } from '../../bench/tokenizer.js';
import { makeTempDir } from '../tempDir.js';
import { CASES } from './fixtures.js';

describe('runTokenizerBench', () => {
  const dir = makeTempDir('tokenizer-bench');

  it('measures the three tokenizers on the same texts and finds the same ids', async () => {
    const corpus = await readFile(new URL('../../bench/corpus/tinyshakespeare.txt', import.meta.url), 'utf8');
    const corpusPath = join(dir, 'corpus.txt');
    await writeFile(corpusPath, corpus.slice(0, 20_000));
    const casesPath = join(dir, 'cases.json');
    await writeFile(casesPath, JSON.stringify({ single: CASES.single.slice(0, 40) }));

    const result = await runTokenizerBench({ corpusPath, casesPath, runs: 1, warmupRuns: 0 });
    expect(result.workloads.map((w) => w.texts)).toEqual([1, corpus.slice(0, 20_000).split('\n').filter((l) => l !== '').length, 40]);
    expect(result.measurements).toHaveLength(9);
    for (const m of result.measurements) {
      expect([m.implementation, m.workload, m.sameIdsAsOurs]).toEqual([m.implementation, m.workload, true]);
      expect(m.tokens).toBeGreaterThan(0);
      expect(m.mbPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(m.tokensPerSecond)).toBe(true);
    }
  });
});
