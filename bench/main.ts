// `npm run bench`: the benchmark suites. Markdown tables on stdout (progress on stderr), one JSON
// file per suite under bench/results/<date>-<suite>.json.
//
//   node dist/bench/main.js [--suite kernels|tokenizer|e2e|peers|memory|all] [--quick]
//                           [--model DIR] [--budget-s N] [--results DIR]
//
// Without --model, the e2e, peers and memory suites use the deterministic roberta-base-sized
// model (bench/randomModel.ts), created in bench/models/roberta-base-random on first use.

import { pathToFileURL } from 'node:url';
import '../index.js';
import { flagIsSet, optionalString, parseArgs } from '../cli/args.js';
import type { FlagSpec } from '../cli/command.js';
import { disposeBackends } from '../engine/select.js';
import { describeAdapter, machineInfo } from './machine.js';
import { defaultRandomModelDir, ensureRandomModel, RANDOM_MODEL_PRESETS } from './randomModel.js';
import { machineHeader, timestamp, writeResult, type SuiteReport } from './report.js';
import type { SuiteContext } from './suites/context.js';
import { runE2eSuite } from './suites/e2e.js';
import { runKernelsSuite } from './suites/kernels.js';
import { runMemorySuite } from './suites/memory.js';
import { runPeersSuite } from './suites/peers.js';
import { runTokenizerSuite } from './suites/tokenizer.js';

const SUITES: Readonly<Record<string, (context: SuiteContext) => Promise<SuiteReport>>> = {
  kernels: runKernelsSuite,
  tokenizer: runTokenizerSuite,
  e2e: runE2eSuite,
  peers: runPeersSuite,
  memory: runMemorySuite,
};

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  suite: { type: 'string', description: `${Object.keys(SUITES).join(' | ')} | all`, default: 'all' },
  quick: { type: 'boolean', description: 'few runs and small shapes: a smoke test, not a measurement' },
  model: { type: 'string', description: 'model directory for e2e, peers and memory (default: the random roberta-base-sized model)' },
  'budget-s': { type: 'number', description: 'seconds of calls per engine in e2e and peers (default 300, quick 20)' },
  results: { type: 'string', description: 'where the JSON results go', default: 'bench/results' },
  help: { type: 'boolean', description: 'show this help' },
};

function help(): string {
  const options = Object.entries(FLAGS).map(([name, spec]) => `  --${name.padEnd(9)} ${spec.description}${spec.default === undefined ? '' : ` (default: ${String(spec.default)})`}`);
  return ['Benchmark suites: kernels, tokenizer, end-to-end, peers (ONNX Runtime), memory.', '', 'Usage: node dist/bench/main.js [options]   (or: npm run bench -- [options])', '', ...options, ''].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (flagIsSet(args, 'help')) {
    process.stdout.write(help());
    return 0;
  }
  const suite = optionalString(args, 'suite') ?? 'all';
  if (suite !== 'all' && !Object.hasOwn(SUITES, suite)) throw new Error(`--suite must be one of ${Object.keys(SUITES).join(', ')}, all; got "${suite}"`);
  const quick = flagIsSet(args, 'quick');
  const budget = args.flags['budget-s'] ?? (quick ? 20 : 300);
  if (typeof budget !== 'number' || budget <= 0) throw new Error(`--budget-s must be a positive number of seconds, got ${String(budget)}`);
  const resultsDir = optionalString(args, 'results') ?? 'bench/results';
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const given = optionalString(args, 'model');
  let modelDir: Promise<string> | undefined;
  const machine = machineInfo();
  const context: SuiteContext = {
    quick,
    budgetS: budget,
    machine,
    log,
    modelDir: () =>
      (modelDir ??= given !== undefined ? Promise.resolve(given) : ensureRandomModel(defaultRandomModelDir('base'), RANDOM_MODEL_PRESETS.base, { log }).then((r) => r.dir)),
  };
  const adapter = await describeAdapter();
  const stamp = timestamp();
  const names = suite === 'all' ? Object.keys(SUITES) : [suite];
  for (const name of names) {
    log(`== ${name}${quick ? ' (quick)' : ''}`);
    // Taken again per suite: the load average is what tells a reader whether the numbers are clean.
    const now = machineInfo();
    const report = await SUITES[name]!(context);
    const path = await writeResult(resultsDir, stamp, report, { quick, machine: now, adapter });
    process.stdout.write(`## ${report.title}${quick ? ' (--quick: a smoke test, not a measurement)' : ''}\n\n${machineHeader(now, adapter)}\n\n${report.markdown}\n\n(JSON: ${path})\n\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await disposeBackends();
  }
}
