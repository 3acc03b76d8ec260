// Runs the `roberta` command, or one of its sub-commands, in-process with captured streams.

import { PassThrough } from 'node:stream';
import { parseArgs } from '../../cli/args.js';
import type { CliCommand, CommandIO } from '../../cli/command.js';
import { COMMON_FLAGS } from '../../cli/common.js';
import { main } from '../../cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], stdin = '', stderrIsTTY = false): Promise<CliResult> {
  return withCapturedIO(stdin, stderrIsTTY, (io) => main(argv, io));
}

/**
 * One command's `run`, with argv parsed as cli/main.ts parses it, but without main's catch: what
 * the command throws reaches the test, which can then check the error's class.
 */
export async function runCommand(command: CliCommand, argv: readonly string[], stdin = ''): Promise<CliResult> {
  return withCapturedIO(stdin, false, (io) => command.run(parseArgs(argv, { ...command.flags, verbose: COMMON_FLAGS.verbose! }), io));
}

async function withCapturedIO(stdin: string, stderrIsTTY: boolean, run: (io: CommandIO) => Promise<number>): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  // Whole buffers, decoded once: a chunk may end inside a UTF-8 character.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await run({ stdout, stderr, stdin: input, stderrIsTTY });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
