// The browser bundle as built by `npm run build` (npm test builds before jest runs): one
// self-contained ES module — it imports nothing, so a page needs no import map or other files —
// with its source map beside it, made of the browser twins of the platform doors, never the Node
// ones. (A Node built-in reaching the bundle fails the build itself: bundle/browser.ts.)

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../../dist/browser/roberta.js', import.meta.url));

describe('dist/browser/roberta.js', () => {
  const code = readFileSync(BUNDLE, 'utf8');
  const map = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')) as { sources: string[] };
  const sources = map.sources.map((source) => source.replace(/^(\.\.\/)+/, ''));

  it('is one ES module that imports nothing', () => {
    expect(code.match(/^\s*(import\s[^;]*\sfrom\s|import\s*["']|export\s[^;]*\sfrom\s)/gm)).toBeNull();
    expect(code).toMatch(/^export \{$/m);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=roberta.js.map')).toBe(true);
  });

  it('is built from the browser twins of the platform doors, and from no Node door', () => {
    const doors = ['files', 'gpujsPackage', 'host', 'modelSource', 'wasmHost', 'webgpuHost', 'zlib'];
    expect(sources.filter((source) => source.startsWith('platform/')).sort()).toEqual(doors.map((door) => `platform/${door}.browser.ts`));
    expect(sources).toEqual(expect.arrayContaining(['model/fromPretrained.ts', 'model/roberta.ts', 'tokenizer/robertaTokenizer.ts', 'kernels/wasm/backend.ts', 'web/download.ts']));
    expect(sources.filter((source) => source.startsWith('hub/'))).toEqual(['hub/errors.ts', 'hub/repoNames.ts']);
  });
});
