// Temporary directories for tests, every one removed when its test file ends.
//
// Importing this module registers the removal: jest loads each test file with its own module
// registry, so this runs once per test file that uses it, directly or through a helper (the fake
// Hub's cache, the tiny model directories), while the file is collected, where hooks may be
// declared. A directory handed to a child process is removed after the file's tests, which await
// their children, have all ended.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty `<system temp>/roberta-<name>-XXXXXX`, removed with its contents after the test file's last test. */
export function makeTempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `roberta-${name}-`));
  made.push(dir);
  return dir;
}
