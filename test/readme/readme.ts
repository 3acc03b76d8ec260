// What the README promises a newcomer, read from README.md itself, so the checks follow the
// README: change its commands and the checks run the new ones (or fail until they are updated).

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function readme(): string {
  return readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
}

export interface ReadmeCommands {
  /** Installs, builds and runs the main job. */
  readonly first: string;
  /** Runs the tests: what `.ci/run` must run. */
  readonly test: string;
}

/** The two commands of the README's first fenced `bash` block, in order. */
export function readmeCommands(text = readme()): ReadmeCommands {
  const block = /^```bash\n([\s\S]*?)^```/m.exec(text);
  if (block === null) throw new Error('README.md has no ```bash block');
  const lines = block[1].split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length !== 2) throw new Error(`README.md's first bash block should hold 2 commands (install and run, test), found ${lines.length}: ${JSON.stringify(lines)}`);
  return { first: lines[0], test: lines[1] };
}

/** `.ci/run`'s text and its last command (its last line that is neither blank nor a comment). */
export function ciRun(): { readonly text: string; readonly lastCommand: string } {
  const text = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  const commands = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return { text, lastCommand: commands.at(-1) ?? '' };
}

/**
 * Copies what a fresh `git clone` of this working tree would hold once committed: tracked files
 * and untracked ones git does not ignore (so a check run before committing tests the change),
 * nothing that is ignored (node_modules/, dist/, caches).
 */
export function freshCopy(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '');
  for (const file of files) {
    const source = join(REPO_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(source, join(into, file));
  }
}
