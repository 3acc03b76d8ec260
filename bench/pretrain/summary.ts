// The summary of bench/pretrain/run.sh: both runs' lines in, OUT/summary.md and the PyTorch run's
// loss curve (drawn by the trainer's own lossCurveSvg, so both pictures share axes and style) out.
//
// Throughput is the steady state: tokens of every step but the first, over the seconds from the end
// of the first step to the end of the last. That leaves out start-up (tokenizing, building the
// model), the first step's warm-up (wasm compilation, allocation) and the final evaluation, the
// same way for both runs.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lossCurveSvg } from '../../train/trainer/lossCurve.js';
import type { LogEntry } from '../../train/trainer/trainerState.js';

interface RunSummary {
  readonly steps: number;
  readonly tokens: number;
  readonly tokensPerSecond: number;
  readonly evalLoss: number;
  readonly evalPerplexity: number;
  readonly history: readonly LogEntry[];
}

type Line = Readonly<Record<string, number | boolean | null>>;

/** Steps (with the second each ended), evaluations and the final line of one run. */
function summarize(lines: readonly { readonly at: number; readonly entry: Line }[], what: string): RunSummary {
  const steps = lines.filter(({ entry }) => typeof entry.loss === 'number');
  const final = lines.find(({ entry }) => entry.final === true)?.entry;
  const lastEval = lines.filter(({ entry }) => typeof entry.eval_loss === 'number' && entry.final !== true).at(-1)?.entry;
  if (final === undefined || lastEval === undefined || steps.length < 2) {
    throw new Error(`${what}: the run did not finish (${steps.length} steps, ${final === undefined ? 'no' : 'a'} final line); see its log`);
  }
  const tokens = final.tokens as number;
  const perStep = tokens / steps.length;
  return {
    steps: steps.length,
    tokens,
    tokensPerSecond: (perStep * (steps.length - 1)) / (steps.at(-1)!.at - steps[0]!.at),
    evalLoss: lastEval.eval_loss as number,
    evalPerplexity: lastEval.eval_perplexity as number,
    history: lines.filter(({ entry }) => entry.final !== true).map(({ entry }) => entry as LogEntry),
  };
}

function jsonLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

/** roberta-ts.jsonl: "<epoch seconds>\t<JSON line>" as run.sh stamps them. */
function robertaTsRun(path: string): RunSummary {
  return summarize(
    jsonLines(path).map((l) => {
      const tab = l.indexOf('\t');
      return { at: Number(l.slice(0, tab)), entry: JSON.parse(l.slice(tab + 1)) as Line };
    }),
    path,
  );
}

/** torch.jsonl: each step line carries its own "seconds" since training began. */
function torchRun(path: string): RunSummary {
  return summarize(
    jsonLines(path).map((l) => {
      const entry = JSON.parse(l) as Line;
      return { at: typeof entry.seconds === 'number' ? entry.seconds : NaN, entry };
    }),
    path,
  );
}

function main(): void {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, budget: { type: 'string' } } });
  if (values.dir === undefined || values.budget === undefined) throw new Error('usage: summary.js --dir OUT --budget SECONDS [--backend wasm]');
  const dir = values.dir;
  const ours = robertaTsRun(join(dir, 'roberta-ts.jsonl'));
  const torch = torchRun(join(dir, 'torch.jsonl'));
  writeFileSync(join(dir, 'torch_loss_curve.svg'), lossCurveSvg(torch.history, 'PyTorch (plain re-implementation): loss against step'));
  const state = JSON.parse(readFileSync(join(dir, 'roberta-ts', 'trainer_state.json'), 'utf8')) as { hyperparameters: Record<string, unknown> };
  const recipe = Object.entries(state.hyperparameters).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const row = (name: string, f: (r: RunSummary) => string) => `| ${name} | ${f(ours)} | ${f(torch)} |`;
  const markdown = [
    `Pretraining a 4-layer RoBERTa (hidden 256, 4 heads, FFN 1024, roberta-base tokenizer) on tinyshakespeare for ${values.budget} s of training each.`,
    '',
    `Recipe (both runs): ${recipe}.`,
    ...readFileSync(join(dir, 'machine.txt'), 'utf8').trim().split('\n').map((l) => `${l}  `),
    '',
    `| | roberta-ts (${values.backend}) | PyTorch (plain re-implementation, 2 threads) |`,
    '|---|---|---|',
    row('steps in the budget', (r) => String(r.steps)),
    row('tokens', (r) => String(r.tokens)),
    row('tokens/s (steady state)', (r) => r.tokensPerSecond.toFixed(0)),
    row('final eval loss', (r) => r.evalLoss.toFixed(4)),
    row('eval perplexity', (r) => r.evalPerplexity.toFixed(1)),
    `| loss curve | ${join(dir, 'roberta-ts', 'loss_curve.svg')} | ${join(dir, 'torch_loss_curve.svg')} |`,
    '',
    'Both evaluate every held-out sequence with 15 % of its tokens masked from a fixed seed, but from different generators (roberta-ts: counter-based streams; PyTorch: torch.Generator), so the masked positions differ.',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'summary.md'), markdown);
}

main();
