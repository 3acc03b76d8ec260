import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolveModelFile } from '../../hub/download.js';
import { FakeHub, isolateHubEnv, readFixture, sha256 } from './fakeHub.js';

const MAIN = '4444444444444444444444444444444444444444';
const config = readFixture('models/tiny/config.json');
const weights = readFixture('models/tiny/model.safetensors');
const TOKEN = 'hf_test_token_123';

let hub: FakeHub;
let env: ReturnType<typeof isolateHubEnv>;

beforeEach(async () => {
  hub = await FakeHub.start();
  const files = { 'config.json': { content: config }, 'model.safetensors': { content: weights, lfs: true } };
  hub.addRepo('org/public', { commits: { [MAIN]: files }, refs: { main: MAIN } });
  hub.addRepo('org/private', { commits: { [MAIN]: files }, refs: { main: MAIN }, token: TOKEN });
  hub.addRepo('org/gated', { commits: { [MAIN]: files }, refs: { main: MAIN }, token: TOKEN, gated: true });
  hub.addRepo('org/disabled', { commits: { [MAIN]: files }, refs: { main: MAIN }, forbidden: true });
  env = isolateHubEnv(hub.url);
});

afterEach(async () => {
  env.restore();
  await hub.close();
});

/** A port on 127.0.0.1 with nothing listening: bind one, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Hub error messages', () => {
  it('401 for an unknown repo without a token: repo not found, with the HF_TOKEN advice', async () => {
    await expect(resolveModelFile('org/nope', 'config.json')).rejects.toMatchObject({
      code: 'RepoNotFound',
      message: expect.stringContaining(
        `repository org/nope not found (HTTP 401 from ${new URL(hub.url).host}), asked for 'config.json' at revision 'main': ` +
          'check the id; if it is a private or gated model, set HF_TOKEN',
      ),
    });
  });

  it('a private repo with a wrong token says the token has no access', async () => {
    const error = await resolveModelFile('org/private', 'config.json', { token: 'hf_wrong' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RepoNotFound' });
    expect((error as Error).message).toContain('repository org/private not found (HTTP 404 from');
    expect((error as Error).message).toContain(
      'the token in use (HF_TOKEN or the token option) is invalid or its account has no access',
    );
  });

  it('403 for a gated repo points to its page and to HF_TOKEN', async () => {
    await expect(resolveModelFile('org/gated', 'config.json')).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining(
        `org/gated is a gated model (HTTP 403 from ${new URL(hub.url).host}): ` +
          `accept its conditions at ${hub.url}/org/gated and set HF_TOKEN`,
      ),
    });
  });

  it('403 without an error code mentions gated/private models, HF_TOKEN and what the server said', async () => {
    const error = await resolveModelFile('org/disabled', 'config.json').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AccessDenied' });
    const message = (error as Error).message;
    expect(message).toContain(`access to 'config.json' of org/disabled (revision 'main') is forbidden (HTTP 403`);
    expect(message).toContain('private or gated model, set HF_TOKEN');
    expect(message).toContain('Server said: Access to this resource is disabled.');
  });

  it('404 EntryNotFound names the file, the repo and the revision', async () => {
    await expect(resolveModelFile('org/public', 'pytorch_model.bin')).rejects.toMatchObject({
      code: 'EntryNotFound',
      message: expect.stringContaining(`'pytorch_model.bin' of org/public (revision 'main') does not exist (HTTP 404`),
    });
  });

  it('404 RevisionNotFound names the revision', async () => {
    await expect(resolveModelFile('org/public', 'config.json', { revision: 'v9' })).rejects.toMatchObject({
      code: 'RevisionNotFound',
      message: expect.stringContaining(`revision 'v9' does not exist in org/public (HTTP 404`),
    });
  });

  it('a refused connection names the host and the cause', async () => {
    const port = await closedPort();
    process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`;
    await expect(resolveModelFile('org/public', 'config.json')).rejects.toMatchObject({
      code: 'NetworkError',
      message: expect.stringMatching(
        new RegExp(`network error while reading the metadata of 'config\\.json' from 127\\.0\\.0\\.1:${port} .*ECONNREFUSED`),
      ),
    });
  });

  it('a server that never answers times out instead of hanging', async () => {
    hub.silent = true;
    await expect(resolveModelFile('org/public', 'config.json', { timeoutMs: 200 })).rejects.toThrow(
      `no data from ${new URL(hub.url).host} for 0.2 s`,
    );
  });

  it('stops a redirect loop', async () => {
    hub.rename('org/a', 'org/b');
    hub.rename('org/b', 'org/a');
    await expect(resolveModelFile('org/a', 'config.json')).rejects.toThrow(
      `more than 10 redirects while reading the metadata of 'config.json' from ${hub.url}/org/a/resolve/main/config.json`,
    );
  });

  it('rejects an endpoint that is not an http(s) URL', async () => {
    await expect(resolveModelFile('org/public', 'config.json', { hubEndpoint: 'huggingface.co' })).rejects.toThrow(
      "the hubEndpoint option 'huggingface.co' is not a URL",
    );
  });
});

describe('tokens', () => {
  it('sends HF_TOKEN as a bearer token to the Hub', async () => {
    process.env.HF_TOKEN = TOKEN;
    const path = await resolveModelFile('org/private', 'config.json', { quiet: true });
    expect(readFileSync(path)).toEqual(config);
    expect(hub.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('reads the token file huggingface-cli login writes when HF_TOKEN is unset', async () => {
    mkdirSync(process.env.HF_HOME as string, { recursive: true });
    writeFileSync(`${process.env.HF_HOME}/token`, `${TOKEN}\n`);
    await resolveModelFile('org/gated', 'config.json', { quiet: true });
    expect(hub.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('does not send the token to a redirect target on another host', async () => {
    const cdn = await FakeHub.start();
    try {
      hub.lfsHost = cdn;
      const path = await resolveModelFile('org/private', 'model.safetensors', { token: TOKEN, quiet: true });
      expect(sha256(readFileSync(path))).toBe(sha256(weights));
      expect(hub.requests.map((r) => `${r.method} ${r.headers.authorization}`)).toEqual([`HEAD Bearer ${TOKEN}`]);
      expect(cdn.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /cdn/${sha256(weights)}`]);
      expect(cdn.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  });

  it('keeps the token on a redirect within the Hub', async () => {
    hub.rename('org/private-old', 'org/private');
    await resolveModelFile('org/private-old', 'config.json', { token: TOKEN, quiet: true });
    expect(hub.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([
      `HEAD /org/private-old/resolve/main/config.json Bearer ${TOKEN}`,
      `HEAD /org/private/resolve/main/config.json Bearer ${TOKEN}`,
      // The body comes from the URL that answered, as huggingface_hub does.
      `GET /org/private/resolve/main/config.json Bearer ${TOKEN}`,
    ]);
  });
});
