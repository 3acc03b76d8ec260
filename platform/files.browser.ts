// Reading a model's files in a browser: a "path" is a URL under a model folder (web/remoteFolder.ts),
// and reading a file downloads it (web/download.ts). Asking whether a file exists downloads it
// too, and holds the bytes for the read that follows, since loaders ask before they read (which
// weights format a folder has) and the synchronous `fileSource` cannot wait for a download. A
// file is handed to the first reader and then forgotten, so no download outlives its use.

import { memorySource, type ByteSource } from '../model/weights/byteSource.js';
import { downloadFile } from '../web/download.js';
import { locate } from '../web/remoteFolder.js';

export const joinPath = (dir: string, name: string): string => `${dir.replace(/\/+$/, '')}/${name}`;
export const dirName = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Loaders tell a missing file by Node's code for it. */
function notFound(url: string): Error {
  return Object.assign(new Error(`ENOENT: ${url} does not exist (HTTP 404)`), { code: 'ENOENT' });
}

async function fetched(url: string): Promise<Uint8Array | null> {
  const { folder, name } = locate(url);
  if (!folder.held.has(name)) folder.held.set(name, (await downloadFile(folder, name)) ?? null);
  return folder.held.get(name)!;
}

/** The held bytes of `url`, which stop being held. */
function take(url: string): Uint8Array | null | undefined {
  const { folder, name } = locate(url);
  const bytes = folder.held.get(name);
  folder.held.delete(name);
  return bytes;
}

export async function fileExists(url: string): Promise<boolean> {
  return (await fetched(url)) !== null;
}

export async function readBinaryFile(url: string): Promise<Uint8Array> {
  await fetched(url);
  const bytes = take(url);
  if (!bytes) throw notFound(url);
  return bytes;
}

export async function readTextFile(url: string): Promise<string> {
  return new TextDecoder().decode(await readBinaryFile(url));
}

/** Random access to a file that `fileExists` has fetched (the loaders ask first). */
export function fileSource(url: string): ByteSource {
  const bytes = take(url);
  if (bytes === null) throw notFound(url);
  if (bytes === undefined) throw new Error(`${url}: not fetched; ask fileExists first (a browser cannot read a URL synchronously)`);
  return memorySource(bytes);
}

export async function writeBinaryFile(path: string): Promise<never> {
  throw new Error(`cannot write ${path}: a browser has no file system; use the bytes instead`);
}
