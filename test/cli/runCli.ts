// Runs the `roberta` command in-process with captured streams.

import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], stdin = '', stderrIsTTY = false): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr, stdin: input, stderrIsTTY });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
