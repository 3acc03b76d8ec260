// Training text as documents: a plain-text file whose documents are separated by blank lines.
// A document's lines stay together, joined by "\n" (a Windows "\r\n" reads as "\n"); a line of
// only spaces or tabs counts as blank, and runs of blank lines are one separator. The blank line
// itself is not part of either document: the packed stream marks the boundary with `</s>`.
// Files are read line by line, so a corpus larger than memory streams through.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DataFileError } from './errors.js';

/** How the data flags' help describes the format. */
export const TEXT_DATA_FORMAT = 'a plain-text file (UTF-8); documents are separated by blank lines, the lines of one document stay together';

const BLANK = /^[ \t]*$/;

/** Throws a DataFileError unless `path` is a readable regular file. */
export async function checkTextFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(path, code === 'ENOENT' ? 'file not found' : `cannot read the file (${(error as Error).message})`);
  }
  if (!isFile) throw new DataFileError(path, 'not a file (a directory?); give a plain-text file');
}

/** The documents of one text file, in order. A file with no text at all is an error. */
export async function* readDocuments(path: string): AsyncGenerator<string> {
  await checkTextFile(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let block: string[] = [];
  let documents = 0;
  let first = true;
  for await (const read of lines) {
    // A byte-order mark is an encoding marker, not text (editors on Windows write one).
    const line = first && read.startsWith('\uFEFF') ? read.slice(1) : read;
    first = false;
    if (!BLANK.test(line)) {
      block.push(line);
    } else if (block.length > 0) {
      yield block.join('\n');
      documents++;
      block = [];
    }
  }
  if (block.length > 0) {
    yield block.join('\n');
    documents++;
  }
  if (documents === 0) throw new DataFileError(path, 'has no text (the file is empty or every line is blank)');
}
