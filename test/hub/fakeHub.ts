// A local stand-in for the Hugging Face Hub, speaking the protocol huggingface_hub relies on:
// `/{repo}/resolve/{revision}/{file}` answers with X-Repo-Commit and ETag (the git blob sha1) for
// files stored in git, and with a 302 to a CDN path carrying X-Linked-Etag (sha256) and
// X-Linked-Size for LFS files; errors carry X-Error-Code. Every request is recorded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../tempDir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(FIXTURES, relativePath));
}

/** Git's object id of a file: sha1 over `blob <size>\0` followed by the bytes. */
export function gitBlobSha1(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Compares by digest: jest's deep equality walks a Buffer byte by byte and takes ~0.5 s on 200 kB. */
export function digestOfFile(path: string): string {
  return sha256(readFileSync(path));
}

export interface RepoFile {
  readonly content: Buffer;
  /** Stored with git LFS: served by a redirect to the CDN. */
  readonly lfs?: boolean;
}

export interface FakeRepo {
  /** commit hash → file path → file */
  readonly commits: Readonly<Record<string, Readonly<Record<string, RepoFile>>>>;
  /** branch or tag → commit hash */
  readonly refs: Readonly<Record<string, string>>;
  /** Visible only to requests bearing this token. */
  readonly token?: string;
  /** With a token: gated (403 GatedRepo) rather than private (401/404 RepoNotFound) to everyone else. */
  readonly gated?: boolean;
  /** 403 without an error code to everyone. */
  readonly forbidden?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** `Date.now()` when the request arrived, and when its response was fully sent (unset until then). */
  readonly receivedAt: number;
  finishedAt?: number;
}

const COMMIT = /^[0-9a-f]{40}$/;

export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  private readonly repos = new Map<string, FakeRepo>();
  private readonly renamed = new Map<string, string>();
  private readonly cdnBlobs = new Map<string, Buffer>();
  /** The server LFS files redirect to: this one (relative Location) or another (absolute Location). */
  lfsHost: FakeHub = this;
  /**
   * The next `count` bodies stop after `afterBytes` bytes and hang until `dropStalled()` destroys
   * their sockets. The test drops them once its progress listener has seen those bytes written:
   * a fixed delay would race the client, and bytes still queued in its stream when the socket
   * dies are discarded.
   */
  cut = { count: 0, afterBytes: 0 };
  private readonly stalled = new Set<ServerResponse>();
  /** Answer Range requests with the whole file and a 200, as some servers do. */
  ignoreRange = false;
  /** Flip the first byte of every body sent. */
  corruptBodies = false;
  /** Accept connections but never answer. */
  silent = false;
  /** Send bodies `chunkBytes` at a time, one chunk every `intervalMs`, so a download takes a while (0: at once). */
  throttle = { chunkBytes: 0, intervalMs: 0 };

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeHub> {
    const server = createServer();
    const hub = new FakeHub(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => hub.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  addRepo(id: string, repo: FakeRepo): void {
    this.repos.set(id, repo);
  }

  /** A renamed repo: the old id answers 307 with a relative Location to the new one. */
  rename(oldId: string, newId: string): void {
    this.renamed.set(oldId, newId);
  }

  requestsTo(method: string, pathPart = ''): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart));
  }

  /** Cuts every connection left hanging by `cut`, mid-body. */
  dropStalled(): void {
    for (const res of this.stalled) res.socket?.destroy();
    this.stalled.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const recorded: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, receivedAt: Date.now() };
    this.requests.push(recorded);
    res.on('finish', () => (recorded.finishedAt = Date.now()));
    if (this.silent) return;

    if (path.startsWith('/cdn/')) {
      const blob = this.cdnBlobs.get(path.slice('/cdn/'.length));
      if (blob === undefined) return void res.writeHead(404).end();
      return this.sendBody(req, res, blob, {});
    }
    const parts = path.split('/').slice(1);
    const at = parts.indexOf('resolve');
    if (at < 1 || parts.length < at + 3) return void res.writeHead(404).end();
    const repoId = parts.slice(0, at).join('/');
    const revision = decodeURIComponent(parts[at + 1]);
    const file = parts.slice(at + 2).map(decodeURIComponent).join('/');

    const newId = this.renamed.get(repoId);
    if (newId !== undefined) {
      return void res.writeHead(307, { location: `/${newId}/${parts.slice(at).join('/')}` }).end();
    }
    const repo = this.repos.get(repoId);
    const auth = req.headers.authorization;
    if (repo === undefined || (repo.token !== undefined && auth !== `Bearer ${repo.token}` && repo.gated !== true)) {
      // The Hub does not confirm that a repo exists to someone who may not see it: 401 when anonymous.
      return this.fail(res, auth === undefined ? 401 : 404, 'RepoNotFound', {});
    }
    if (repo.token !== undefined && auth !== `Bearer ${repo.token}`) {
      return this.fail(res, 403, 'GatedRepo', { 'x-error-message': `Access to model ${repoId} is restricted.` });
    }
    if (repo.forbidden === true) {
      return this.fail(res, 403, undefined, { 'x-error-message': 'Access to this resource is disabled.' });
    }
    const commit = COMMIT.test(revision) ? revision : repo.refs[revision];
    const files = commit === undefined ? undefined : repo.commits[commit];
    if (commit === undefined || files === undefined) return this.fail(res, 404, 'RevisionNotFound', {});
    const entry = files[file];
    if (entry === undefined) return this.fail(res, 404, 'EntryNotFound', { 'x-repo-commit': commit });

    if (entry.lfs === true) {
      const sha = sha256(entry.content);
      this.lfsHost.cdnBlobs.set(sha, entry.content);
      const location = this.lfsHost === this ? `/cdn/${sha}` : `${this.lfsHost.url}/cdn/${sha}`;
      return void res
        .writeHead(302, {
          location,
          'x-repo-commit': commit,
          'x-linked-etag': `"${sha}"`,
          'x-linked-size': String(entry.content.length),
          etag: `"${gitBlobSha1(Buffer.from(`lfs pointer ${sha}`))}"`,
          'content-length': '0',
        })
        .end();
    }
    this.sendBody(req, res, entry.content, { 'x-repo-commit': commit, etag: `"${gitBlobSha1(entry.content)}"` });
  }

  private fail(res: ServerResponse, status: number, code: string | undefined, headers: Record<string, string>): void {
    res.writeHead(status, { ...headers, ...(code === undefined ? {} : { 'x-error-code': code }) }).end();
  }

  private sendBody(req: IncomingMessage, res: ServerResponse, content: Buffer, headers: Record<string, string>): void {
    const body = Buffer.from(content);
    if (this.corruptBodies) body[0] ^= 0xff;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let status = 200;
    let part = body;
    if (range !== null && !this.ignoreRange) {
      const start = Number(range[1]);
      if (start >= body.length) {
        return void res.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
      }
      status = 206;
      part = body.subarray(start);
      headers = { ...headers, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` };
    }
    res.writeHead(status, { ...headers, 'accept-ranges': 'bytes', 'content-length': String(part.length) });
    if (req.method === 'HEAD') return void res.end();
    if (this.cut.count > 0) {
      this.cut.count--;
      res.write(part.subarray(0, this.cut.afterBytes));
      this.stalled.add(res);
      return;
    }
    if (this.throttle.chunkBytes > 0) return this.sendSlowly(res, part);
    res.end(part);
  }

  private sendSlowly(res: ServerResponse, body: Buffer): void {
    const { chunkBytes, intervalMs } = this.throttle;
    let at = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (at + chunkBytes >= body.length) return void res.end(body.subarray(at));
      res.write(body.subarray(at, at + chunkBytes));
      at += chunkBytes;
      setTimeout(next, intervalMs);
    };
    next();
  }
}

const HUB_ENV = [
  'HF_ENDPOINT',
  'HF_HUB_CACHE',
  'HUGGINGFACE_HUB_CACHE',
  'HF_HOME',
  'XDG_CACHE_HOME',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'HF_TOKEN_PATH',
  'HF_HUB_OFFLINE',
  'TRANSFORMERS_OFFLINE',
  'HF_HUB_DISABLE_PROGRESS_BARS',
] as const;

/**
 * Points the process at `hubUrl` and at a fresh temporary cache, with no token and online, so no
 * test reaches the internet or the user's real cache. Returns the cache root and a function that
 * restores the environment; the cache goes with the test file's other temporary directories.
 */
export function isolateHubEnv(hubUrl: string): { cacheDir: string; root: string; restore: () => void } {
  const saved = new Map(HUB_ENV.map((name) => [name, process.env[name]]));
  for (const name of HUB_ENV) delete process.env[name];
  const root = makeTempDir('hub');
  const cacheDir = join(root, 'hub');
  process.env.HF_ENDPOINT = hubUrl;
  process.env.HF_HUB_CACHE = cacheDir;
  process.env.HF_HOME = join(root, 'home'); // no token file from the user's real HF_HOME
  return {
    cacheDir,
    root,
    restore() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
