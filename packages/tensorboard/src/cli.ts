#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { writeFileAtomic } from './atomic-write.js';
import { CliError, UsageError } from './cli/cli-errors.js';
import { compareCommand, shortRunNames } from './cli/compare-command.js';
import { exportCsv } from './cli/export-command.js';
import { findRuns, type LogdirArgument, pickRun } from './cli/find-runs.js';
import { lsCommand } from './cli/ls-command.js';
import { scalarsCommand } from './cli/scalars-command.js';
import { LogdirError, listRuns } from './logdir.js';
import { loadRun, type RunData } from './run-loader.js';
import { joinPath } from './storage/gfile.js';

const USAGE = `trainkit-tb: look at TensorBoard logs without a browser

  trainkit-tb ls [LOGDIR]                       runs, their tags and counts, hparams, custom scalars charts and
                                                projector embeddings (LOGDIR defaults to ./runs)
  trainkit-tb scalars TAG [LOGDIR] [--run RUN]  step, wall time and value of a scalar tag, per run
  trainkit-tb export --csv [LOGDIR] [--out F]   every scalar as CSV: run,tag,step,wall_time,value
  trainkit-tb compare RUN_DIR... --tag T        one column per run, one row per step, then last/min/max

  trainkit-tb --help | --version

Runs are named by their path relative to LOGDIR, as TensorBoard and 'ls' name them. LOGDIR and RUN_DIR may be
s3://bucket/prefix URLs (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY from the environment;
needs @aws-sdk/client-s3 installed).
Exit codes: 0 done, 1 failed (the message says why), 2 usage error.
`;

// Which options each command takes and how many positional arguments (after the command's name).
const COMMANDS = {
  ls: { options: [], positionals: [0, 1], args: '[LOGDIR]' },
  scalars: { options: ['run'], positionals: [1, 2], args: 'TAG [LOGDIR]' },
  export: { options: ['csv', 'out'], positionals: [0, 1], args: '[LOGDIR]' },
  compare: { options: ['tag'], positionals: [1, Number.POSITIVE_INFINITY], args: 'RUN_DIR...' },
} as const satisfies Record<
  string,
  { options: readonly string[]; positionals: readonly [number, number]; args: string }
>;

const OPTIONS = {
  run: { type: 'string' },
  tag: { type: 'string' },
  csv: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** node:util's parse errors, said the way the rest of the CLI says things. */
function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`unknown option ${unknown[1]}`);
    const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missing) throw new UsageError(`${missing[2]} needs a value`);
    const flag = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
    if (flag) throw new UsageError(`${flag[2]} takes no value`);
    throw new UsageError(message);
  }
}

const logdirArg = (path: string | undefined): LogdirArgument =>
  path === undefined ? { path: 'runs', given: false } : { path, given: true };

type Warn = (message: string) => void;

function warnIssues(runs: readonly RunData[], warn: Warn): void {
  for (const r of runs) for (const i of r.issues) warn(i.message);
}

async function loadAll(logdir: LogdirArgument, warn: Warn): Promise<RunData[]> {
  const runs: RunData[] = [];
  for (const { dir, name } of await findRuns(logdir)) runs.push(await loadRun(dir, name));
  warnIssues(runs, warn);
  return runs;
}

/** A RUN_DIR given to compare: a run directory; one that holds runs only below it gets told which. */
async function loadRunDir(dir: string, name: string): Promise<RunData> {
  const run = await loadRun(dir, name);
  if (run.files.length > 0) return run;
  const below = (await listRuns(dir)).filter((r) => r.name !== '.').map((r) => joinPath(dir, r.name));
  throw new CliError(
    `${dir}: no event files, not a run directory${below.length ? `; the runs under it: ${below.join(', ')}` : ''}`,
  );
}

export interface MainOptions {
  /** where warnings about damaged files go (default: stderr, as `warning: …` lines) */
  warn?: Warn;
}

/**
 * Runs one trainkit-tb command line and returns what it prints. Throws UsageError (exit 2) for a mistake in the
 * command line, CliError or LogdirError (exit 1) for a failure its message explains.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<string> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const { values, positionals } = parse(argv);
  if (values.help) return USAGE.trimEnd();
  if (values.version) return version;
  const [cmd, ...rest] = positionals;
  if (cmd === undefined) throw new UsageError('no command given', true);
  if (!Object.hasOwn(COMMANDS, cmd)) throw new UsageError(`unknown command '${cmd}'`, true);
  const spec = COMMANDS[cmd as keyof typeof COMMANDS];
  for (const name of Object.keys(values)) {
    if (!(spec.options as readonly string[]).includes(name)) {
      throw new UsageError(`--${name} is not an option of ${cmd} (trainkit-tb ${cmd} ${spec.args}${optionsOf(spec)})`);
    }
  }
  const [least, most] = spec.positionals;
  if (rest.length < least || rest.length > most) {
    throw new UsageError(
      rest.length < least
        ? `${cmd} needs ${spec.args.split(' ')[0]} (trainkit-tb ${cmd} ${spec.args}${optionsOf(spec)})`
        : `${cmd} takes ${spec.args}, got ${rest.length} arguments: ${rest.join(' ')}`,
    );
  }

  if (cmd === 'ls') return lsCommand(await loadAll(logdirArg(rest[0]), warn));
  if (cmd === 'scalars') {
    const [tag, dir] = rest as [string, string | undefined];
    const logdir = logdirArg(dir);
    if (values.run === undefined) return scalarsCommand(await loadAll(logdir, warn), tag, `logdir ${logdir.path}`);
    const picked = pickRun(await findRuns(logdir), values.run, logdir);
    const run = await loadRun(picked.dir, picked.name);
    warnIssues([run], warn);
    return scalarsCommand([run], tag, `run '${run.name}'`);
  }
  if (cmd === 'export') {
    if (!values.csv) throw new UsageError('export needs --csv (the only format)');
    const csv = exportCsv(await loadAll(logdirArg(rest[0]), warn));
    if (values.out === undefined) return csv.trimEnd();
    writeOut(values.out, csv);
    return `wrote ${values.out}`;
  }
  // compare
  if (values.tag === undefined) throw new UsageError('compare needs --tag T');
  const names = shortRunNames(rest);
  const runs: RunData[] = [];
  for (let i = 0; i < rest.length; i++) runs.push(await loadRunDir(rest[i]!, names[i]!));
  warnIssues(runs, warn);
  return compareCommand(runs, values.tag);
}

/** export --out: written atomically; the usual failures said with the path. */
function writeOut(path: string, text: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`--out ${path}: is a directory`);
  try {
    writeFileAtomic(path, text);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reasons: Record<string, string> = {
      ENOENT: 'its directory does not exist',
      ENOTDIR: 'its directory does not exist',
      EACCES: 'permission denied',
    };
    throw new CliError(`--out ${path}: ${reasons[e.code ?? ''] ?? e.message}`);
  }
}

function optionsOf(spec: { options: readonly string[] }): string {
  const forms: Record<string, string> = { run: '[--run RUN]', tag: '--tag T', csv: '--csv', out: '[--out F]' };
  return spec.options.map((o) => ` ${forms[o]}`).join('');
}

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The trainkit-tb program: runs `main`, prints its output, and turns errors into one message on stderr and the exit
 * code trainkit's programs use — 2 for usage errors (with a pointer to --help), 1 for failures (the message alone;
 * a stack trace only for an unexpected error, a bug).
 */
export async function runCli(argv: readonly string[], io: CliStreams = process): Promise<number> {
  try {
    const warn = (message: string) => io.stderr.write(`warning: ${message}\n`);
    io.stdout.write(`${await main(argv, { warn })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`trainkit-tb: ${err.message}\n`);
      io.stderr.write(err.showUsage ? `\n${USAGE}` : 'Run trainkit-tb --help for usage.\n');
      return err.exitCode;
    }
    if (err instanceof CliError || err instanceof LogdirError) {
      io.stderr.write(`trainkit-tb: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`trainkit-tb: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && /(?:^|[\\/])(?:cli\.(?:c?js|ts)|trainkit-tb)$/.test(process.argv[1]);
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
