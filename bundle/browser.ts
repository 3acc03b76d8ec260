// Builds the browser bundle, dist/browser/roberta.js: the whole public API (index.ts) as one
// self-contained ES module, with its source map beside it. `npm run build` runs this after tsc.
//
// Platform doors: a module `x.ts` with an `x.browser.ts` beside it (platform/) is replaced by that
// twin, so the same model, tokenizer and kernel code reads downloads instead of files, starts Web
// Workers instead of worker_threads, and so on. Anything else that reaches for a Node built-in is
// a build error, not a runtime surprise.

import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The repository root: this file runs as dist/bundle/browser.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BROWSER_BUNDLE = join(ROOT, 'dist/browser/roberta.js');

const browserTwins: Plugin = {
  name: 'browser-twins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const twin = resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'));
      return existsSync(twin) ? { path: twin } : undefined;
    });
    pluginBuild.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} is imported by ${args.importer}: Node built-ins have no place in the browser bundle; put the difference behind a platform/ module with a .browser.ts twin` }],
    }));
  },
};

export interface BundleReport {
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The largest inputs, bytes in the bundle, biggest first. */
  readonly largest: ReadonlyArray<readonly [string, number]>;
}

export async function buildBrowserBundle(): Promise<BundleReport> {
  const result = await build({
    entryPoints: [join(ROOT, 'index.ts')],
    outfile: BROWSER_BUNDLE,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    // Not minified: gpu.js translates kernel functions from their source text to GLSL/WGSL, and
    // minified names (`$`, `_`) are not valid there. Gzip takes most of what minifying would.
    minify: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [browserTwins],
  });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((name) => name.endsWith('roberta.js'))!];
  const largest = Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => [input.replace(/^node_modules\/([^/]+)\/.*/, 'node_modules/$1'), bytesInOutput] as const)
    .reduce((sums, [name, bytes]) => sums.set(name, (sums.get(name) ?? 0) + bytes), new Map<string, number>());
  const bytes = readFileSync(BROWSER_BUNDLE);
  return { bytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength, largest: [...largest].sort((a, b) => b[1] - a[1]).slice(0, 5) };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await buildBrowserBundle();
  console.log(`dist/browser/roberta.js: ${kB(report.bytes)}, ${kB(report.gzipBytes)} gzipped; largest parts: ${report.largest.map(([name, size]) => `${name} ${kB(size)}`).join(', ')}`);
}
