// Tokenizer throughput: roberta-ts against HF's Rust tokenizer (npm `tokenizers`, the official
// Node binding) and HF's pure-JS `@huggingface/tokenizers`, on the same texts, single thread,
// warm (median of several timed runs after warm-up runs). Every implementation's ids are
// compared with ours, so a fast wrong answer cannot pass unnoticed.
//
// Run: npx tsc -p tsconfig.build.json && node dist/bench/tokenizer.js

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadTokenizer } from '../tokenizer/index.js';

export interface TokenizerBenchOptions {
  /** Directory with tokenizer.json (default: test/fixtures/roberta-base-tokenizer). */
  readonly modelDir?: string;
  /** Corpus text (default: bench/corpus/tinyshakespeare.txt). */
  readonly corpusPath?: string;
  /** tokenizer-cases.json whose `single` texts form the multilingual workload. */
  readonly casesPath?: string;
  /** Timed runs per measurement; the median is reported (default 5). */
  readonly runs?: number;
  /** Untimed runs first, so every implementation is warm (default 1). */
  readonly warmupRuns?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface TokenizerMeasurement {
  readonly implementation: string;
  readonly workload: string;
  readonly medianMs: number;
  readonly runsMs: number[];
  /**
   * Median CPU time of the whole process per run (user + system, GC threads included). On a
   * shared machine it is steadier than wall time; every implementation is single-threaded.
   */
  readonly medianCpuMs: number;
  readonly mbPerSecond: number;
  readonly tokensPerSecond: number;
  readonly tokens: number;
  /** True when every id equals roberta-ts's. */
  readonly sameIdsAsOurs: boolean;
}

export interface TokenizerBenchResult {
  readonly node: string;
  readonly workloads: ReadonlyArray<{ readonly name: string; readonly bytes: number; readonly texts: number }>;
  readonly measurements: TokenizerMeasurement[];
}

interface Workload {
  readonly name: string;
  readonly texts: readonly string[];
  /** Encode every text `repeat` times per run (short workloads need it to be measurable). */
  readonly repeat: number;
}

/** Encodes all texts of a workload, returning the ids of each text (of the last repetition). */
type Runner = (texts: readonly string[]) => Promise<number[][]>;

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bench', 'corpus'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (a directory with bench/corpus)');
    dir = parent;
  }
  return dir;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function makeRunners(modelDir: string): Promise<Array<[string, Runner]>> {
  // The Rust tokenizer parallelises batches with rayon: one thread, for a like-for-like comparison.
  process.env.RAYON_NUM_THREADS = '1';
  process.env.TOKENIZERS_PARALLELISM = 'false';
  const { Tokenizer: RustTokenizer } = await import('tokenizers');
  const { Tokenizer: JsTokenizer } = await import('@huggingface/tokenizers');
  const tokenizerJsonPath = join(modelDir, 'tokenizer.json');
  const ours = await loadTokenizer(modelDir);
  const rust = RustTokenizer.fromFile(tokenizerJsonPath);
  const js = new JsTokenizer(JSON.parse(readFileSync(tokenizerJsonPath, 'utf8')), {});
  return [
    ['roberta-ts', async (texts) => ours.encodeBatch(texts, { addSpecialTokens: false }).inputIds],
    [
      'tokenizers (Rust, npm binding)',
      async (texts) => {
        const encodings = await rust.encodeBatch([...texts], { addSpecialTokens: false });
        return encodings.map((encoding) => encoding.getIds());
      },
    ],
    ['@huggingface/tokenizers (JS)', async (texts) => texts.map((text) => js.encode(text, { add_special_tokens: false }).ids)],
  ];
}

function utf8Bytes(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
}

function sameIds(a: readonly number[][], b: readonly number[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i]!.length && row.every((id, j) => id === b[i]![j]));
}

/** Measure throughput of the three tokenizers on the corpus and the fixture strings. */
export async function runTokenizerBench(options: TokenizerBenchOptions = {}): Promise<TokenizerBenchResult> {
  const root = findRepoRoot();
  const modelDir = options.modelDir ?? join(root, 'test', 'fixtures', 'roberta-base-tokenizer');
  const corpus = readFileSync(options.corpusPath ?? join(root, 'bench', 'corpus', 'tinyshakespeare.txt'), 'utf8');
  const cases = JSON.parse(readFileSync(options.casesPath ?? join(root, 'test', 'fixtures', 'tokenizer-cases.json'), 'utf8')) as {
    single: Array<{ text: string }>;
  };
  const runs = options.runs ?? 5;
  const warmupRuns = options.warmupRuns ?? 1;
  const log = options.log ?? (() => undefined);

  const workloads: Workload[] = [
    { name: 'corpus as one string', texts: [corpus], repeat: 1 },
    { name: 'corpus line by line (batch)', texts: corpus.split('\n').filter((line) => line !== ''), repeat: 1 },
    { name: 'fixture strings (multilingual, ×20)', texts: cases.single.map((c) => c.text), repeat: 20 },
  ];
  const runners = await makeRunners(modelDir);
  const measurements: TokenizerMeasurement[] = [];
  for (const workload of workloads) {
    const bytes = utf8Bytes(workload.texts) * workload.repeat;
    let reference: number[][] | undefined;
    for (const [implementation, run] of runners) {
      const runsMs: number[] = [];
      const cpuMs: number[] = [];
      let ids: number[][] = [];
      for (let r = 0; r < warmupRuns + runs; r++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        for (let k = 0; k < workload.repeat; k++) ids = await run(workload.texts);
        if (r >= warmupRuns) {
          runsMs.push(performance.now() - start);
          const cpu = process.cpuUsage(cpuStart);
          cpuMs.push((cpu.user + cpu.system) / 1000);
        }
      }
      reference ??= ids;
      const tokens = ids.reduce((sum, row) => sum + row.length, 0) * workload.repeat;
      const medianMs = median(runsMs);
      const measurement: TokenizerMeasurement = {
        implementation,
        workload: workload.name,
        medianMs,
        runsMs,
        medianCpuMs: median(cpuMs),
        mbPerSecond: bytes / 1e6 / (medianMs / 1000),
        tokensPerSecond: tokens / (medianMs / 1000),
        tokens,
        sameIdsAsOurs: sameIds(ids, reference),
      };
      measurements.push(measurement);
      log(
        `${workload.name.padEnd(38)} ${implementation.padEnd(31)} ${measurement.mbPerSecond.toFixed(2).padStart(7)} MB/s ` +
          `${(measurement.tokensPerSecond / 1e3).toFixed(0).padStart(6)} k tokens/s  ` +
          `(${(bytes / 1e3 / measurement.medianCpuMs).toFixed(2)} MB per CPU-second)  ${tokens} tokens` +
          `${measurement.sameIdsAsOurs ? '' : '  (ids DIFFER from roberta-ts)'}`,
      );
    }
  }
  return {
    node: process.version,
    workloads: workloads.map((w) => ({ name: w.name, bytes: utf8Bytes(w.texts), texts: w.texts.length })),
    measurements,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runTokenizerBench({ log: (line) => console.log(line) });
  console.log(JSON.stringify(result, null, 2));
}
