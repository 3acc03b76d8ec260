#!/usr/bin/env node
// The `roberta` command: dispatches to one module per sub-command.
// Exit codes: 0 ok, 2 bad usage, 1 failure (one line on stderr; the stack with --verbose).

import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import '../index.js';
import { disposeBackends } from '../engine/select.js';
import { helpText, parseArgs } from './args.js';
import { UsageError, type CliCommand, type CommandIO } from './command.js';
import { COMMON_FLAGS } from './common.js';
import { benchCommand } from './bench.js';
import { classifyCommand } from './classify.js';
import { downloadCommand } from './download.js';
import { embedCommand } from './embed.js';
import { exportOnnxCommand } from './exportOnnx.js';
import { fillMaskCommand } from './fillMask.js';
import { forwardCommand } from './forward.js';
import { gradCommand } from './grad.js';
import { infoCommand } from './info.js';
import { nerCommand } from './ner.js';
import { qaCommand } from './qa.js';
import { quantizeCommand } from './quantize.js';
import { tokenizeCommand } from './tokenize.js';
import { trainCommand } from './train.js';
import { zeroShotCommand } from './zeroShot.js';

export const COMMANDS: readonly CliCommand[] = [classifyCommand, fillMaskCommand, nerCommand, qaCommand, zeroShotCommand, embedCommand, tokenizeCommand, forwardCommand, gradCommand, trainCommand, exportOnnxCommand, quantizeCommand, benchCommand, downloadCommand, infoCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'roberta: RoBERTa in TypeScript, on CPU, WebGPU and GPU.js kernels',
    '',
    'Usage: roberta <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `roberta <command> --help` for its options and examples.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`roberta: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  const verbose = rest.includes('--verbose');
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(helpText(command));
      return 0;
    }
    return await command.run(parseArgs(rest, { ...command.flags, verbose: COMMON_FLAGS.verbose }), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`roberta ${command.name}: ${error.message}\n\nUsage:\n${command.usage.map((u) => `  roberta ${u}`).join('\n')}\n(see roberta ${command.name} --help)\n`);
      return 2;
    }
    const err = error as Error;
    io.stderr.write(verbose ? `${err.stack ?? err.message}\n` : `roberta ${command.name}: ${err.message?.split('\n')[0] ?? String(error)}\n`);
    return 1;
  } finally {
    await disposeBackends();
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, stderrIsTTY: process.stderr.isTTY === true };
  process.exitCode = await main(process.argv.slice(2), io);
}
