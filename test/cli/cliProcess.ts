// Runs the built `roberta` command (dist/cli/main.js, from `npm run build`) as a child process,
// for what only separate processes show: two of them sharing one cache.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../childProcess.js';
import type { CliResult } from './runCli.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * Resolves once the process has exited. It gets `process.env` as the test has set it (the fake
 * Hub's endpoint and cache): by default a child would inherit the jest worker's own environment.
 */
export async function runCliProcess(argv: readonly string[]): Promise<CliResult> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const { code, signal, stdout, stderr } = await runProcess(process.execPath, [MAIN, ...argv], { env: process.env });
  if (code === null) throw new Error(`roberta ${argv.join(' ')} was killed by ${signal}: ${stderr}`);
  return { code, stdout, stderr };
}
