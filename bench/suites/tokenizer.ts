// Tokenizer throughput: roberta-ts beside Hugging Face's Rust and JavaScript tokenizers
// (bench/tokenizer.ts does the measuring and checks every id against ours).

import { runTokenizerBench } from '../tokenizer.js';
import { markdownTable, sig, type SuiteReport } from '../report.js';
import type { SuiteContext } from './context.js';

export async function runTokenizerSuite(context: SuiteContext): Promise<SuiteReport> {
  const runs = context.quick ? 2 : 5;
  const result = await runTokenizerBench({ runs, warmupRuns: 1, log: context.log });
  const table = markdownTable(
    ['workload', 'implementation', 'median ms', 'MB/s', 'k tokens/s', 'tokens', 'same ids as roberta-ts'],
    result.measurements.map((m) => [m.workload, m.implementation, sig(m.medianMs, 4), sig(m.mbPerSecond, 3), sig(m.tokensPerSecond / 1e3, 3), m.tokens, m.sameIdsAsOurs ? 'yes' : 'NO']),
  );
  const workloads = result.workloads.map((w) => `${w.name}: ${w.texts} texts, ${(w.bytes / 1e6).toFixed(2)} MB`).join('; ');
  return {
    suite: 'tokenizer',
    title: 'Tokenizer throughput (single thread, warm)',
    markdown: `median of ${runs} runs after 1 warm-up; ${workloads}\n\n${table}`,
    data: result,
  };
}
