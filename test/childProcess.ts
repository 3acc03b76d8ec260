// Runs a separate process to its end and keeps all it wrote, for tests of what only another
// process shows: the built CLI, node with a V8 flag, a newcomer's shell.

import { spawn, type SpawnOptions } from 'node:child_process';

export interface ProcessRun {
  /** The exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Resolves once `command args` has exited. `input`, when given, is written to its stdin, which is
 * otherwise closed: writing to a process that exits without reading fails (EPIPE).
 */
export function runProcess(command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> & { readonly input?: string } = {}): Promise<ProcessRun> {
  const { input, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    // Whole buffers, decoded once: a chunk may end inside a UTF-8 character.
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
