// The token cache: text files tokenized once, kept on disk as a plain array of ids, so a restarted
// or resumed run reads ids instead of tokenizing again.
//
// Format (version 1). For text files F₁ … Fₖ, in the cache directory:
//
//   <name>-<key>.ids    the FULL-SENTENCES stream, no header: doc₁'s ids, </s>, doc₂'s ids, </s>, …,
//                       through the last document of the last file. Each document is tokenized
//                       alone without special tokens (byte-level BPE; documents as documents.ts
//                       reads them). Ids are little-endian uint16 when the tokenizer has at most
//                       65 536 ids (roberta-base: 50 265), else uint32. It is a bare array, so
//                       numpy.fromfile(path, dtype='<u2') (or numpy.memmap) reads it whole.
//   <name>-<key>.json   the sidecar: {"format": "roberta-ts token cache", "version": 1,
//                       "dtype": "uint16" | "uint32", "tokens": ids in the file, "documents": count,
//                       "separator_id": the id between documents (</s>), "vocab_size": len(tokenizer),
//                       "text_files": [{"path", "bytes", "sha256"}, …],
//                       "tokenizer_files": {"tokenizer.json": sha256, …} (the files of the tokenizer
//                       directory that loadTokenizer may read)}.
//
// In Python (the PyTorch benchmark reads it so), sequences of length S as packing.ts cuts them:
//   info = json.load(open(sidecar)); ids = numpy.fromfile(ids_path, dtype='<u2' if info['dtype'] == 'uint16' else '<u4')
//   n = len(ids) // (S - 2); body = ids[: n * (S - 2)].reshape(n, S - 2)   # then <s> (0) before, </s> (2) after
//
// <name> is the first file's name, <key> 16 hex digits of the sha256 of the files' absolute paths:
// one entry per data set, so training and evaluation text share a cache directory, and a changed
// file replaces its entry rather than piling up new ones. An entry is reused only when the sidecar's
// hashes equal those of the text and tokenizer files now, and the id file has the length it
// announces; otherwise the text is tokenized again and the entry rewritten (ids first, sidecar
// last: an interrupted write leaves no sidecar vouching for a partial file).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileSource } from '../../platform/files.js';
import type { ByteSource } from '../../model/weights/byteSource.js';
import { loadTokenizer } from '../../tokenizer/load.js';
import type { RobertaTokenizer } from '../../tokenizer/robertaTokenizer.js';
import { TOKENIZER_FILES } from '../../tokenizer/tokenizerFiles.js';
import { checkTextFile, readDocuments } from './documents.js';

const FORMAT = 'roberta-ts token cache';
const VERSION = 1;
/** Ids are written to disk in slices of this many, so a large corpus never sits in memory whole. */
const WRITE_SLICE = 1 << 20;

export type TokenIdType = 'uint16' | 'uint32';

export interface TextFileHash {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The sidecar's contents. */
export interface TokenCacheInfo {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly dtype: TokenIdType;
  readonly tokens: number;
  readonly documents: number;
  readonly separator_id: number;
  readonly vocab_size: number;
  readonly text_files: readonly TextFileHash[];
  readonly tokenizer_files: Readonly<Record<string, string>>;
}

export interface TokenCachePaths {
  readonly idsPath: string;
  readonly sidecarPath: string;
}

export interface TokenCacheOptions {
  /** The text, read in this order. */
  readonly textFiles: readonly string[];
  /** The directory the tokenizer's files are in (its files' hashes decide whether an entry is still valid). */
  readonly tokenizerDir: string;
  readonly cacheDir: string;
  /** The tokenizer of `tokenizerDir`, when the caller has loaded it already. */
  readonly tokenizer?: RobertaTokenizer;
  /** Receives one line saying whether the entry was reused or written, and why. */
  readonly onLog?: (line: string) => void;
}

export interface TokenCache extends TokenCachePaths {
  readonly info: TokenCacheInfo;
  /** True when this call tokenized the text (no valid entry was there). */
  readonly rebuilt: boolean;
}

export function bytesPerId(dtype: TokenIdType): number {
  return dtype === 'uint16' ? 2 : 4;
}

/** Where the entry for `textFiles` lives in `cacheDir`. */
export function tokenCachePaths(cacheDir: string, textFiles: readonly string[]): TokenCachePaths {
  if (textFiles.length === 0) throw new RangeError('the token cache needs at least one text file');
  const key = createHash('sha256').update(textFiles.map((file) => resolve(file)).join('\0')).digest('hex').slice(0, 16);
  const name = `${basename(textFiles[0]!).replace(/[^A-Za-z0-9._-]/g, '_')}-${key}`;
  return { idsPath: join(cacheDir, `${name}.ids`), sidecarPath: join(cacheDir, `${name}.json`) };
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function hashTextFiles(textFiles: readonly string[]): Promise<TextFileHash[]> {
  const hashes: TextFileHash[] = [];
  for (const path of textFiles) {
    await checkTextFile(path);
    hashes.push({ path, bytes: (await stat(path)).size, sha256: await sha256OfFile(path) });
  }
  return hashes;
}

async function hashTokenizerFiles(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const name of TOKENIZER_FILES) {
    const path = join(dir, name);
    const present = await stat(path).then((s) => s.isFile(), () => false);
    if (present) hashes[name] = await sha256OfFile(path);
  }
  return hashes;
}

async function readSidecar(path: string): Promise<TokenCacheInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as Partial<TokenCacheInfo>;
    return info.format === FORMAT && info.version === VERSION ? (info as TokenCacheInfo) : undefined;
  } catch {
    return undefined; // missing or unreadable: tokenize again
  }
}

/** Why the entry described by `info` cannot be reused, or undefined when it can. */
async function staleness(
  info: TokenCacheInfo | undefined,
  idsPath: string,
  textFiles: readonly TextFileHash[],
  tokenizerFiles: Record<string, string>,
): Promise<string | undefined> {
  if (info === undefined) return 'no cache entry yet';
  const changed = textFiles.find((file, i) => info.text_files[i]?.sha256 !== file.sha256);
  if (changed !== undefined || info.text_files.length !== textFiles.length) return `${changed?.path ?? 'the list of text files'} changed`;
  if (JSON.stringify(info.tokenizer_files) !== JSON.stringify(tokenizerFiles)) return 'the tokenizer files changed';
  const size = await stat(idsPath).then((s) => s.size, () => -1);
  if (size !== info.tokens * bytesPerId(info.dtype)) return `${idsPath} is not the ${info.tokens} ids its sidecar announces`;
  return undefined;
}

/** Tokenizes the files into `idsPath` (through a temporary file); returns the counts. */
async function writeIds(
  idsPath: string,
  textFiles: readonly string[],
  tokenizer: RobertaTokenizer,
  dtype: TokenIdType,
): Promise<{ tokens: number; documents: number; separator: number }> {
  const separator = tokenizer.specialTokens.sep.id;
  const temporary = `${idsPath}.tmp-${process.pid}`;
  const file = await open(temporary, 'w');
  let tokens = 0;
  let documents = 0;
  try {
    let slice: number[] = [];
    const width = bytesPerId(dtype);
    const flush = async (): Promise<void> => {
      const bytes = new Uint8Array(slice.length * width);
      const view = new DataView(bytes.buffer);
      // Little-endian whatever the host, so the file reads the same everywhere.
      slice.forEach((id, i) => (width === 2 ? view.setUint16(2 * i, id, true) : view.setUint32(4 * i, id, true)));
      await file.write(bytes);
      tokens += slice.length;
      slice = [];
    };
    for (const path of textFiles) {
      for await (const document of readDocuments(path)) {
        for (const id of tokenizer.encode(document, undefined, { addSpecialTokens: false }).ids) slice.push(id);
        slice.push(separator);
        documents++;
        if (slice.length >= WRITE_SLICE) await flush();
      }
    }
    await flush();
  } catch (error) {
    await file.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await file.close();
  await rename(temporary, idsPath);
  return { tokens, documents, separator };
}

/**
 * The cache entry for `textFiles` under the tokenizer of `tokenizerDir`: reused when still valid,
 * otherwise written now. Text files that are missing, not files, or hold no text are DataFileErrors.
 */
export async function prepareTokenCache(options: TokenCacheOptions): Promise<TokenCache> {
  const { textFiles, tokenizerDir, cacheDir, onLog } = options;
  const paths = tokenCachePaths(cacheDir, textFiles);
  const textHashes = await hashTextFiles(textFiles);
  const tokenizerHashes = await hashTokenizerFiles(tokenizerDir);
  const cached = await readSidecar(paths.sidecarPath);
  const reason = await staleness(cached, paths.idsPath, textHashes, tokenizerHashes);
  const names = textFiles.join(', ');
  if (cached !== undefined && reason === undefined) {
    onLog?.(`token cache: reusing ${paths.idsPath} (${cached.tokens} tokens of ${names})`);
    return { ...paths, info: cached, rebuilt: false };
  }
  onLog?.(`token cache: tokenizing ${names} (${reason}) into ${paths.idsPath}`);
  const tokenizer = options.tokenizer ?? (await loadTokenizer(tokenizerDir));
  const dtype: TokenIdType = tokenizer.vocabSize <= 65536 ? 'uint16' : 'uint32';
  await mkdir(cacheDir, { recursive: true });
  await unlink(paths.sidecarPath).catch(() => undefined);
  const { tokens, documents, separator } = await writeIds(paths.idsPath, textFiles, tokenizer, dtype);
  const info: TokenCacheInfo = {
    format: FORMAT,
    version: VERSION,
    dtype,
    tokens,
    documents,
    separator_id: separator,
    vocab_size: tokenizer.vocabSize,
    text_files: textHashes,
    tokenizer_files: tokenizerHashes,
  };
  const temporary = `${paths.sidecarPath}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`);
  await rename(temporary, paths.sidecarPath);
  return { ...paths, info, rebuilt: true };
}

/** An entry's ids, read by position from disk (Node has no mmap; each read opens the file, reads, closes). */
export class TokenIds {
  readonly length: number;
  private readonly source: ByteSource;
  private readonly width: number;

  constructor(private readonly cache: TokenCache) {
    this.source = fileSource(cache.idsPath);
    this.width = bytesPerId(cache.info.dtype);
    this.length = cache.info.tokens;
    if (this.source.byteLength !== this.length * this.width) {
      throw new Error(`${cache.idsPath}: ${this.source.byteLength} bytes, but its sidecar announces ${this.length} ${cache.info.dtype} ids`);
    }
  }

  /** Ids start … start + count − 1. */
  read(start: number, count: number): Uint32Array {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > this.length) {
      throw new RangeError(`${this.cache.idsPath}: ids ${start} … ${start + count - 1} lie outside its ${this.length}`);
    }
    const bytes = this.source.read(start * this.width, (start + count) * this.width);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ids = new Uint32Array(count);
    for (let i = 0; i < count; i++) ids[i] = this.width === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
    return ids;
  }
}
