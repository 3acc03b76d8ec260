// The fuzz suite's one invariant, checked for every generated input of every target: the code
// under test either succeeds (the input happened to be valid) or throws one of the project's own
// error types, with a one-line message, within a time bound. Anything else — a TypeError or
// RangeError escaping from deep inside a parser, a multi-line message, a case that takes too long —
// is a crash, and fast-check reports it with the seed and the smallest input it can shrink it to.
//
// Runs are seeded so CI is reproducible: FUZZ_SEED picks another seed, FUZZ_RUNS the number of
// cases per target (for the long run, see README.md here).

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { makeTempDir } from '../tempDir.js';

/** The seed of the normal test run; FUZZ_SEED overrides it. */
export const FUZZ_SEED = envInteger('FUZZ_SEED') ?? 20261204;

const RUNS_OVERRIDE = envInteger('FUZZ_RUNS');

/** Whether this is a long run (FUZZ_RUNS set), where costly examples may run at full size. */
export const LONG_RUN = RUNS_OVERRIDE !== undefined;

/** A jest timeout for one target: the normal run is bounded by the case limit; a long run is not. */
export const FUZZ_TEST_TIMEOUT_MS = LONG_RUN ? 24 * 3_600_000 : 120_000;

/** The classes an expected failure may have (the project's typed errors). */
export type ErrorClass = abstract new (...args: never[]) => Error;

export interface FuzzTarget<T> {
  /** Names the target in the summary line and in failures. */
  readonly name: string;
  /** Cases in the normal run (FUZZ_RUNS replaces it). */
  readonly runs: number;
  /** The most cases even a long run may take, for a target whose cases cost a second or so. */
  readonly maxRuns?: number;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Inputs always tried first, whatever the seed (e.g. the 1 MB text). */
  readonly examples?: readonly T[];
  /** Errors that are a correct answer to bad input. */
  readonly expected: readonly ErrorClass[];
  /** The most one case may take, in milliseconds. */
  readonly limitMs: number;
  /** Runs the code under test on one input; may check more about a success or a failure. */
  readonly run: (input: T) => unknown;
}

export interface FuzzSummary {
  readonly cases: number;
  readonly succeeded: number;
  readonly typedErrors: number;
  readonly crashes: number;
  readonly slowestMs: number;
}

/**
 * Runs a target's cases, prints its summary line ("safetensors: 400 cases, 0 crashes, slowest
 * 12 ms") and fails the test with fast-check's report on the first crash.
 */
export async function fuzz<T>(target: FuzzTarget<T>): Promise<FuzzSummary> {
  const tally = { cases: 0, succeeded: 0, typedErrors: 0, crashes: 0, slowestMs: 0 };
  const repositoryBefore = repositoryListing();
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    tally.cases++;
    const start = performance.now();
    let failure: unknown;
    let threw = false;
    try {
      await target.run(input);
    } catch (error) {
      threw = true;
      failure = error;
    }
    const ms = performance.now() - start;
    tally.slowestMs = Math.max(tally.slowestMs, ms);
    const problem = threw ? crashOf(failure, target.expected) : undefined;
    if (problem === undefined && ms <= target.limitMs) {
      if (threw) tally.typedErrors++;
      else tally.succeeded++;
      return;
    }
    tally.crashes++;
    throw new Error(`${target.name}: ${problem ?? `took ${ms.toFixed(0)} ms, over the ${target.limitMs} ms limit`}`);
  });
  try {
    await fc.assert(property, {
      seed: FUZZ_SEED,
      numRuns: Math.min(RUNS_OVERRIDE ?? target.runs, target.maxRuns ?? Infinity),
      examples: (target.examples ?? []).map((example) => [example] as [T]),
    });
    const written = repositoryListing().filter((name) => !repositoryBefore.includes(name));
    if (written.length > 0) throw new Error(`${target.name}: cases wrote outside their temp dirs: ${written.join(', ')}`);
  } finally {
    console.log(
      `${target.name}: ${tally.cases} cases (${tally.succeeded} valid, ${tally.typedErrors} typed errors), ` +
        `${tally.crashes} crashes, slowest ${tally.slowestMs.toFixed(0)} ms (seed ${FUZZ_SEED})`,
    );
  }
  return tally;
}

/** The repository root's entries: cases write only under their temp dirs (the command runs from the root). */
function repositoryListing(): string[] {
  return readdirSync(process.cwd());
}

/** Why a thrown value is a crash rather than a correct refusal, or undefined if it is the latter. */
function crashOf(error: unknown, expected: readonly ErrorClass[]): string | undefined {
  if (!expected.some((type) => error instanceof type)) {
    // Not `instanceof Error`: errors from Node's own modules come from another realm under jest.
    return `untyped ${(error as Error)?.stack ?? String(error)}`;
  }
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  if (error.message.trim() === '' || /[\r\n]/.test(error.message)) {
    return `${error.name} without a one-line message: ${JSON.stringify(error.message)}`;
  }
  return undefined;
}

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${text}"`);
  return value;
}

/**
 * Makes a fresh directory per case (holding `files`, name → contents), so no case sees another's
 * files; all live in one temp dir removed when the test file ends.
 */
export function caseDirs(name: string): (files?: Readonly<Record<string, string | Uint8Array>>) => string {
  const root = makeTempDir(`fuzz-${name}`);
  let made = 0;
  return (files = {}) => {
    const dir = join(root, `case-${made++}`);
    mkdirSync(dir);
    for (const [file, contents] of Object.entries(files)) writeFileSync(join(dir, file), contents);
    return dir;
  };
}
