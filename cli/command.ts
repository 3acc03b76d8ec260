// The shape every `roberta` sub-command has. `cli/main.ts` parses argv into `ParsedArgs`
// against the command's declared flags, then calls `run`. Commands never call
// `process.exit`: they return an exit code and write through `io`, which keeps them testable.

export type FlagType = 'string' | 'boolean' | 'number';

export interface FlagSpec {
  readonly type: FlagType;
  readonly description: string;
  /** Shown in --help; the parsed value is `undefined` when the flag is absent. */
  readonly default?: string | number | boolean;
}

export interface ParsedArgs {
  /** Flags by their long name without dashes (`--max-length 8` → `flags['max-length'] === 8`). */
  readonly flags: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Arguments that are not flags, in order. */
  readonly positionals: readonly string[];
}

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** One or more usage lines, without the leading `roberta `. */
  readonly usage: readonly string[];
  /** At least one runnable example, shown in --help. */
  readonly examples: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** Thrown for bad usage (unknown flag, missing argument): main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
