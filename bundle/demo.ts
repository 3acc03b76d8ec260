// The playground (demo/): `npm run build` compiles its modules to dist/demo/ (tsc -p demo) and
// runs this file to put its page beside them; `--serve` then serves dist/ — the page and the
// browser bundle it imports from ../browser/ — on 127.0.0.1 with the headers that make the page
// cross-origin isolated, which the wasm backend needs for worker threads (see README).

import { copyFileSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as dist/bundle/demo.js, or from its source (the tests). */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = basename(dirname(HERE)) === 'dist' ? resolve(HERE, '../..') : resolve(HERE, '..');
const DIST = join(ROOT, 'dist');
const TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.json': 'application/json' };

export const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } as const;

export function buildDemo(): void {
  copyFileSync(join(ROOT, 'demo/index.html'), join(DIST, 'demo/index.html'));
}

export interface DemoServer {
  /** The playground's page. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves dist/ on 127.0.0.1:`port` (0: any free port). */
export function serveDemo(port: number): Promise<DemoServer> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === '/' || path === '/demo') return void res.writeHead(302, { location: '/demo/' }).end();
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    const stats = file.startsWith(DIST) ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!stats?.isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    res.writeHead(200, { ...ISOLATION_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': stats.size });
    createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const close = () => {
        server.closeAllConnections();
        return new Promise<void>((closed) => server.close(() => closed()));
      };
      done({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/demo/`, close });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildDemo();
  if (process.argv.includes('--serve')) {
    const { url } = await serveDemo(Number(process.env.PORT ?? 8080));
    console.log(`roberta-ts playground: ${url}  (cross-origin isolated; Ctrl-C stops it)`);
  }
}
