// argv → ParsedArgs, against the flags a command declares. Accepts `--name value`,
// `--name=value`, bare booleans (`--json`), and `--` to end the flags.

import { UsageError, type FlagSpec, type ParsedArgs } from './command.js';

export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const flags: Record<string, string | number | boolean | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${JSON.stringify(`--${name}`)}`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    if (spec.type === 'number') {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} needs a number, got ${JSON.stringify(raw)}`);
      flags[name] = value;
    } else {
      flags[name] = raw;
    }
  }
  return { flags, positionals };
}

/** A string flag's value, or a UsageError naming it when it is required and absent. */
export function requireString(args: ParsedArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** An integer flag's value (`fallback` when absent), or a UsageError when it is not an integer ≥ `min`. */
export function integerFlag(args: ParsedArgs, name: string, fallback: number | undefined, min: 0 | 1): number | undefined {
  const value = args.flags[name] ?? fallback;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be ${min === 1 ? 'a positive' : 'a non-negative'} integer, got ${String(value)}`);
  }
  return value;
}

export function flagIsSet(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** Renders `roberta <command> --help`. */
export function helpText(command: { name: string; summary: string; usage: readonly string[]; examples: readonly string[]; flags: Readonly<Record<string, FlagSpec>> }): string {
  const width = Math.max(0, ...Object.entries(command.flags).map(([n, s]) => n.length + (s.type === 'boolean' ? 0 : 6)));
  const flagLines = Object.entries(command.flags).map(([name, spec]) => {
    const left = `--${name}${spec.type === 'boolean' ? '' : ` <${spec.type === 'number' ? 'n' : 'value'}>`}`.padEnd(width + 3);
    const dflt = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
    return `  ${left}  ${spec.description}${dflt}`;
  });
  return [
    `roberta ${command.name}: ${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((u) => `  roberta ${u}`),
    '',
    'Options:',
    ...flagLines,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
