import { HubError } from './errors.js';

// huggingface_hub's validate_repo_id: an optional namespace and a name of word characters, `-`
// and `.`, each starting and ending with a word character; `--` and `..` are reserved.
const REPO_ID = /^(?:\w(?:[\w.-]*\w)?\/)?\w(?:[\w.-]*\w)?$/;

/** Legacy ids without a namespace (`roberta-base`) are still valid: the Hub redirects them. */
export function isRepoId(value: string): boolean {
  const name = value.slice(value.indexOf('/') + 1);
  return REPO_ID.test(value) && !value.includes('--') && !value.includes('..') && name.length <= 96;
}

export function assertRepoId(value: string): void {
  if (!isRepoId(value)) {
    throw new HubError(
      'InvalidArgument',
      `'${value}' is not a Hugging Face repo id: ` +
        "expected 'org/name' (letters, digits, '_', '-', '.'), e.g. 'FacebookAI/roberta-base'",
    );
  }
}

/**
 * Revisions and file names become cache paths (`refs/<revision>`, `snapshots/<commit>/<file>`) and
 * file names can come from the network (a shard index), so nothing may climb out of the cache.
 */
function isSafeRelativePath(value: string): boolean {
  if (value === '' || value.startsWith('/') || value.includes('\\') || value.includes('\0')) return false;
  return value.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export function assertRevision(revision: string): void {
  if (!isSafeRelativePath(revision)) {
    throw new HubError('InvalidArgument', `'${revision}' is not a valid revision: expected a branch, tag or commit hash`);
  }
}

export function assertRepoFilePath(file: string, repoId: string): void {
  if (!isSafeRelativePath(file)) {
    throw new HubError(
      'InvalidArgument',
      `'${file}' is not a valid file path in ${repoId}: expected a relative path without '.', '..' or empty parts`,
    );
  }
}
