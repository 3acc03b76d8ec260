// Runs `roberta bench` in-process through the CLI's entry point, with captured streams.

import { runCli, type CliResult } from '../cli/runCli.js';

export type BenchRun = CliResult;

export function runBench(argv: readonly string[]): Promise<BenchRun> {
  return runCli(['bench', ...argv]);
}
