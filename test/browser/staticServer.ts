// The browser tests' web server, on 127.0.0.1: the repository's files (the bundle under
// /dist/browser/, the fixture models under /test/fixtures/, the page harness), an empty page at
// `/`, and optionally the headers that make a page cross-origin isolated (COOP + COEP), which
// the wasm backend needs for threads. `routes` answer chosen paths instead (a broken server).

import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.html': 'text/html',
};
const PAGE = '<!doctype html><meta charset="utf-8"><title>roberta-ts browser tests</title>';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface StaticServerOptions {
  readonly crossOriginIsolated: boolean;
  readonly routes?: Readonly<Record<string, Route>>;
}

export class StaticServer {
  private constructor(private readonly server: Server) {}

  static async start(options: StaticServerOptions): Promise<StaticServer> {
    const server = createServer((req, res) => {
      if (options.crossOriginIsolated) {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const route = options.routes?.[path];
      if (route) return route(req, res);
      if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      const file = join(ROOT, normalize(path));
      const stats = file.startsWith(ROOT) ? statSync(file, { throwIfNoEntry: false }) : undefined;
      if (!stats?.isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': stats.size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new StaticServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
