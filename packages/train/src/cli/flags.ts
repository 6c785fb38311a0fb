import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * Command-line flags for training programs: node:util parseArgs in strict mode, plus typed validation, a JSON
 * config file, `--no-x` for booleans and a generated --help. Spec keys are camelCase (`batchSize`); the flag is
 * their kebab-case form (`--batch-size`). Precedence: defaults < config file < command line.
 */
export type FlagSpec =
  | { type: 'int'; help: string; default?: number; min?: number; max?: number; placeholder?: string }
  | { type: 'number'; help: string; default?: number; min?: number; positive?: boolean; placeholder?: string }
  | { type: 'string'; help: string; default?: string; placeholder?: string }
  | { type: 'choice'; help: string; choices: readonly string[]; default?: string }
  | { type: 'boolean'; help: string; default?: boolean };

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<F extends FlagSpec> = F extends { type: 'int' | 'number' }
  ? number
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { type: 'choice'; choices: readonly (infer C)[] }
      ? C
      : string;

/** Flags with a default always have a value; the others may be undefined. */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  /** keys set on the command line or in the config file (not by a default) */
  explicit: Set<keyof S & string>;
  /** --help was given: print helpText and exit 0 */
  help: boolean;
  /** --version was given: print the program's version and exit 0 */
  version: boolean;
  /** the config file read, if any */
  configFile: string | undefined;
}

/** A mistake in how the program was called; CLIs print the message and exit with `exitCode` (2, as argparse). */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const kebabCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camelCase = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Parses and checks one value the way the command line does, so a config file gets the same messages. */
function coerce(spec: FlagSpec, flag: string, raw: unknown, where: string): unknown {
  const bad = (expected: string) => new UsageError(`${where}: expected ${expected}, got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      throw bad('true or false');
    case 'string':
      if (typeof raw === 'string' && raw !== '') return raw;
      throw bad('a non-empty string');
    case 'choice':
      if (typeof raw === 'string' && spec.choices.includes(raw)) return raw;
      throw bad(`one of ${spec.choices.join(', ')}`);
    case 'int': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())
            ? Number(raw)
            : Number.NaN;
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? ` from ${spec.min} to ${spec.max}`
          : spec.min !== undefined
            ? ` ≥ ${spec.min}`
            : spec.max !== undefined
              ? ` ≤ ${spec.max}`
              : '';
      if (
        !Number.isSafeInteger(n) ||
        (spec.min !== undefined && n < spec.min) ||
        (spec.max !== undefined && n > spec.max)
      ) {
        throw bad(`an integer${range}`);
      }
      return n;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      const what = spec.positive ? 'a number > 0' : spec.min !== undefined ? `a number ≥ ${spec.min}` : 'a number';
      if (!Number.isFinite(n) || (spec.positive && !(n > 0)) || (spec.min !== undefined && n < spec.min))
        throw bad(what);
      return n;
    }
  }
  throw new Error(`flag ${flag}: unknown type`);
}

/**
 * Checks values that did not come from a command line (a checkpoint's saved config) against the flags' specs, with
 * the command line's rules and messages: the first bad one throws a UsageError naming `where` and the key, e.g.
 * `runs/x/epoch_2.safetensors: saved config "batchSize": expected an integer ≥ 1, got 0`. Keys without a spec and
 * absent values are left alone (a config saved by another version of the program may have more or fewer).
 */
export function checkFlagValues(values: Record<string, unknown>, specs: FlagSpecs, where: string): void {
  for (const [key, raw] of Object.entries(values)) {
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (spec === undefined || raw === undefined || raw === null) continue;
    // numbers only as numbers: a saved "0.01" string is as wrong as a saved -5
    if ((spec.type === 'int' || spec.type === 'number') && typeof raw !== 'number')
      throw new UsageError(`${where} "${key}": expected a number, got ${JSON.stringify(raw)}`);
    coerce(spec, kebabCase(key), raw, `${where} "${key}"`);
  }
}

function nearest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--config: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config: ${path} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config: ${path} should hold a JSON object of flag values, like {"epochs": 10}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Parses `argv` against `specs`. A `--config FILE` flag is always accepted: a JSON object whose keys are the flags'
 * camelCase or kebab-case names. Throws UsageError for unknown flags (with the nearest known one), missing or
 * malformed values, positional arguments and unknown config keys.
 */
export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedFlags<S> {
  const keys = Object.keys(specs) as (keyof S & string)[];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    config: { type: 'string' },
  };
  for (const key of keys) {
    const flag = kebabCase(key);
    if (specs[key]!.type === 'boolean') {
      options[flag] = { type: 'boolean' };
      options[`no-${flag}`] = { type: 'boolean' };
    } else {
      options[flag] = { type: 'string' };
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'(-{1,2}[^' ]+)'/.exec(e.message)?.[1] ?? e.message;
      const guess = nearest(flag.replace(/^-+/, '').split('=')[0]!, Object.keys(options));
      throw new UsageError(`unknown flag ${flag}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(e.message)?.[1] ?? '';
      throw new UsageError(`unexpected argument '${arg}': this command takes only flags (--name value)`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(--?[^' ]+)/.exec(e.message)?.[1] ?? '';
      if (/argument missing/.test(e.message))
        throw new UsageError(`${flag}: expected a value after it (${flag} VALUE)`);
      if (/does not take an argument/.test(e.message))
        throw new UsageError(`${flag} is a switch and takes no value; use ${flag} or --no-${flag.slice(2)}`);
      if (/ambiguous/.test(e.message))
        throw new UsageError(`${flag}: a value starting with '-' must be written ${flag}=VALUE`);
    }
    throw new UsageError((e.message.split('\n')[0] ?? String(err)).trim());
  }
  const cli = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  const explicit = new Set<keyof S & string>();
  for (const key of keys) if (specs[key]!.default !== undefined) values[key] = specs[key]!.default;

  const configFile = typeof cli.config === 'string' ? cli.config : undefined;
  if (configFile !== undefined) {
    for (const [name, raw] of Object.entries(readConfigFile(configFile))) {
      const key = (name in specs ? name : camelCase(name)) as keyof S & string;
      const spec = specs[key];
      if (!spec) {
        const guess = nearest(name, keys as string[]);
        throw new UsageError(
          `--config ${configFile}: unknown key "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
        );
      }
      values[key] = coerce(spec, kebabCase(key), raw, `--config ${configFile}: "${name}"`);
      explicit.add(key);
    }
  }
  for (const key of keys) {
    const flag = kebabCase(key);
    const spec = specs[key]!;
    if (spec.type === 'boolean') {
      const on = cli[flag] === true;
      const off = cli[`no-${flag}`] === true;
      if (on && off) throw new UsageError(`--${flag} and --no-${flag} contradict each other; give one`);
      if (on || off) {
        values[key] = on;
        explicit.add(key);
      }
      continue;
    }
    const raw = cli[flag];
    if (raw === undefined) continue;
    values[key] = coerce(spec, flag, raw, `--${flag}`);
    explicit.add(key);
  }
  return {
    values: values as FlagValues<S>,
    explicit,
    help: cli.help === true,
    version: cli.version === true,
    configFile,
  };
}

export interface HelpOptions {
  /** the command as the user types it, e.g. 'cifar-train' */
  program: string;
  /** one paragraph under the usage line */
  description?: string;
  /** examples or notes printed last */
  epilog?: string;
  /** the program's version: --version is listed (and prints it) */
  version?: string;
  /** line width the flag descriptions are wrapped to (default 110) */
  columns?: number;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The --help text: usage, description, one aligned line (or more) per flag with its default. */
export function formatHelp(specs: FlagSpecs, options: HelpOptions): string {
  const rows: [string, string][] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const flag = kebabCase(key);
    let left: string;
    let def = '';
    if (spec.type === 'boolean') {
      left = `--${flag}, --no-${flag}`;
      def = spec.default === undefined ? '' : spec.default ? ' (default: on)' : ' (default: off)';
    } else {
      const ph =
        spec.type === 'choice' ? spec.choices.join('|') : (spec.placeholder ?? (spec.type === 'string' ? 'PATH' : 'N'));
      left = `--${flag} ${ph}`;
      if (spec.default !== undefined) def = ` (default: ${spec.default})`;
    }
    rows.push([left, `${spec.help}${def}`]);
  }
  rows.push([
    '--config FILE',
    'read flag values from a JSON object ({"epochs": 5, "batchSize": 32}); flags given here win',
  ]);
  rows.push(['-h, --help', 'show this help and exit']);
  if (options.version !== undefined) rows.push(['--version', 'print the version and exit']);
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  const indent = ' '.repeat(width + 2);
  const lines = rows.map(([l, r]) => {
    const text = wrap(r, Math.max(40, (options.columns ?? 110) - width - 2)).join(`\n${indent}`);
    return l.length + 2 > width ? `  ${l}\n${indent}${text}` : `  ${l.padEnd(width)}${text}`;
  });
  return [
    `Usage: ${options.program} [flags]`,
    ...(options.description ? ['', options.description] : []),
    '',
    'Flags:',
    ...lines,
    ...(options.epilog ? ['', options.epilog] : []),
    '',
  ].join('\n');
}
