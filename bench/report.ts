// Markdown output of the suites, and their JSON results on disk.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeMachine, type MachineInfo } from './machine.js';

export type Cell = string | number | undefined;

/** A GitHub-flavoured Markdown table; numbers are right-aligned, missing cells print as `—`. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const numeric = headers.map((_, c) => rows.some((row) => typeof row[c] === 'number'));
  const text = (cell: Cell) => (cell === undefined ? '—' : String(cell).replaceAll('|', '\\|'));
  const lines = [`| ${headers.join(' | ')} |`, `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${headers.map((_, c) => text(row[c])).join(' | ')} |`);
  return lines.join('\n');
}

/** A number with `digits` significant figures at most, without exponent notation. */
export function sig(value: number | undefined, digits = 3): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  if (value === 0) return 0;
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(decimals));
}

export function percent(fraction: number | undefined): string | undefined {
  return fraction === undefined || !Number.isFinite(fraction) ? undefined : `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

export interface SuiteReport {
  readonly suite: string;
  readonly title: string;
  /** Markdown: tables and notes, without the machine header. */
  readonly markdown: string;
  /** Everything measured, for the JSON file. */
  readonly data: unknown;
}

export function machineHeader(machine: MachineInfo, adapter: string): string {
  return `machine: ${describeMachine(machine)}  \nGPU adapter: ${adapter}`;
}

/** `2025-01-31T14-05-09Z`: sortable, and valid in file names everywhere. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
}

export async function writeResult(dir: string, stamp: string, report: SuiteReport, context: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${stamp}-${report.suite}.json`);
  await writeFile(path, `${JSON.stringify({ suite: report.suite, date: new Date().toISOString(), ...context, results: report.data }, null, 2)}\n`);
  return path;
}
