// What `npm run demo` ends with (after its build): node dist/bundle/demo.js --serve prints the
// playground's URL on 127.0.0.1 and serves dist/ there with the headers that make the page
// cross-origin isolated; nothing outside dist/ is reachable.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../dist/bundle/demo.js', import.meta.url));

describe('npm run demo: the server', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [SERVER, '--serve'], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    url = line.toString().match(/^roberta-ts playground: (http:\/\/127\.0\.0\.1:\d+\/demo\/) /)![1];
  });
  afterAll(async () => {
    child.kill();
    await once(child, 'exit');
  });

  it('prints the URL and serves the page cross-origin isolated, with the bundle beside it', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page.text()).toMatch(/<title>roberta-ts playground<\/title>/);
    for (const path of ['main.js', '../browser/roberta.js']) {
      const file = await fetch(new URL(path, url));
      expect([file.status, file.headers.get('content-type')]).toEqual([200, 'text/javascript']);
    }
  });

  it('answers 404 outside dist/ and for missing files', async () => {
    for (const path of ['/demo/..%2f..%2fpackage.json', '/package.json', '/demo/nothing.js']) expect((await fetch(new URL(path, url))).status).toBe(404);
  });
});
