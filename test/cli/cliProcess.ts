// Runs the built `roberta` command (dist/cli/main.js, from `npm run build`) as a child process,
// for what only separate processes show: two of them sharing one cache.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './runCli.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * Resolves once the process has exited. It gets `process.env` as the test has set it (the fake
 * Hub's endpoint and cache): by default a child would inherit the jest worker's own environment.
 */
export function runCliProcess(argv: readonly string[]): Promise<CliResult> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...argv], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString();
      if (code === null) return reject(new Error(`roberta ${argv.join(' ')} was killed by ${signal}: ${stderr}`));
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr });
    });
  });
}
