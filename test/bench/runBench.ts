// Runs `roberta bench` in-process with captured streams, handling errors as cli/main.ts does
// (a UsageError is exit code 2, any other error 1), and releasing the backends afterwards.

import { PassThrough } from 'node:stream';
import '../../index.js';
import { benchCommand } from '../../cli/bench.js';
import { parseArgs } from '../../cli/args.js';
import { UsageError } from '../../cli/command.js';
import { disposeBackends } from '../../engine/select.js';

export interface BenchRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runBench(argv: readonly string[]): Promise<BenchRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  let code: number;
  try {
    code = await benchCommand.run(parseArgs(argv, benchCommand.flags), { stdout, stderr, stdin: new PassThrough(), stderrIsTTY: false });
  } catch (error) {
    code = error instanceof UsageError ? 2 : 1;
    err.push(`${(error as Error).message}\n`);
  } finally {
    await disposeBackends();
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
