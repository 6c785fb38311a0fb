import { LogdirError, listRuns, type RunLocation } from '../logdir.js';
import { CliError, listNames } from './cli-errors.js';

/** The LOGDIR argument of a command, and whether the user gave it or it is the default (./runs). */
export interface LogdirArgument {
  path: string;
  given: boolean;
}

/**
 * The runs under the logdir a command was given. A missing or non-directory logdir is an error naming the path (and
 * saying it was the default when it was); a logdir without any run is one too, as every command would print nothing.
 */
export async function findRuns(logdir: LogdirArgument): Promise<RunLocation[]> {
  let runs: RunLocation[];
  try {
    runs = await listRuns(logdir.path);
  } catch (err) {
    if (err instanceof LogdirError && !logdir.given && err.code === 'ENOENT') {
      throw new CliError(`${err.message} (LOGDIR defaults to ./runs; give the directory your SummaryWriter wrote to)`);
    }
    throw err;
  }
  if (runs.length === 0) {
    throw new CliError(`logdir ${logdir.path}: no runs (no event files, *tfevents*, in it or below)`);
  }
  return runs;
}

/** The run `--run NAME` names (as `ls` prints it: relative to the logdir), or an error listing the runs there. */
export function pickRun(runs: readonly RunLocation[], name: string, logdir: LogdirArgument): RunLocation {
  // accept the spellings a shell completion gives: ./a, a/
  const wanted = name.replace(/^(\.\/)+(?=.)/, '').replace(/(?<=.)\/+$/, '');
  const run = runs.find((r) => r.name === wanted);
  if (!run) {
    throw new CliError(
      `--run ${name}: no such run in ${logdir.path}; the runs there: ${listNames(runs.map((r) => r.name))}`,
    );
  }
  return run;
}
