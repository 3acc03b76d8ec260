// `roberta info`: which backends work here, what `auto` picks, and the GPU adapter's details.

import { cpus } from 'node:os';
import { getBackendByName, registeredBackends, selectBackend } from '../engine/select.js';
import { flagIsSet } from './args.js';
import type { CliCommand } from './command.js';
import { COMMON_FLAGS } from './common.js';

interface Describable {
  /** Backends with a device say what it is (adapter vendor, features, limits)… */
  adapterReport?(): unknown;
  /** …and in a few readable lines. */
  adapterReportText?(): string;
  /** Which code paths its kernels take here (wasm: SIMD flavour, threads, the int8 and fp16 variants). */
  kernelPaths?(): Readonly<Record<string, string | number>>;
}

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'show the backends available here, the adapter, and what --backend auto picks',
  usage: ['info [--json]'],
  examples: ['roberta info', 'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json roberta info --json'],
  flags: { json: { type: 'boolean', description: 'print one JSON object' }, ...COMMON_FLAGS },
  async run(args, io) {
    const backends: Record<string, unknown> = {};
    for (const name of registeredBackends()) {
      try {
        const backend = (await getBackendByName(name)) as Awaited<ReturnType<typeof getBackendByName>> & Describable;
        backends[name] = {
          available: true,
          description: backend.description,
          paths: backend.kernelPaths?.(),
          adapter: backend.adapterReport?.(),
          adapterText: backend.adapterReportText?.(),
        };
      } catch (error) {
        backends[name] = { available: false, reason: (error as Error).message };
      }
    }
    const auto = await selectBackend('auto').then(
      ({ report }) => report,
      (error: Error) => ({ chosen: null, lines: [error.message] }),
    );
    const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model };
    if (flagIsSet(args, 'json')) {
      const withoutText = Object.fromEntries(Object.entries(backends).map(([n, b]) => [n, { ...(b as object), adapterText: undefined }]));
      io.stdout.write(`${JSON.stringify({ machine, backends: withoutText, auto })}\n`);
      return 0;
    }
    io.stdout.write(`machine: Node ${machine.node}, ${machine.platform}, ${machine.cpus} × ${machine.cpu}\n\nbackends:\n`);
    for (const [name, info] of Object.entries(backends) as [string, { available: boolean; description?: string; reason?: string; paths?: Record<string, string | number>; adapterText?: string }][]) {
      io.stdout.write(`  ${name}: ${info.available ? info.description : `unavailable — ${info.reason}`}\n`);
      if (info.paths) io.stdout.write(`      paths: ${Object.entries(info.paths).map(([what, path]) => `${what} ${path}`).join(', ')}\n`);
      if (info.adapterText) io.stdout.write(`${info.adapterText.replace(/^/gm, '      ')}\n`);
    }
    io.stdout.write(`\n--backend auto:\n${auto.lines.map((l) => `  ${l}`).join('\n')}\n`);
    return 0;
  },
};
