// A CORS front for a local server (the stand-in Hub): forwards every request to it and adds the
// headers the real Hub sends so that pages on other origins may read its answers — including
// X-Error-Code, which says whether the repo, the revision or the file is missing — and answers
// the preflight a request with an Authorization header needs. The stand-in Hub itself, reached
// directly, is then a server without CORS.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, range',
  'access-control-expose-headers': '*',
};

export class CorsProxy {
  /** How many requests were forwarded (preflights are not). */
  forwarded = 0;

  private constructor(private readonly server: Server) {}

  static async start(target: string): Promise<CorsProxy> {
    const { hostname, port } = new URL(target);
    const server = createServer((req, res) => {
      if (req.method === 'OPTIONS') return void res.writeHead(204, CORS_HEADERS).end();
      proxy.forwarded++;
      const forward = request({ hostname, port, path: req.url, method: req.method, headers: { ...req.headers, host: `${hostname}:${port}` } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...CORS_HEADERS });
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    const proxy = new CorsProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
