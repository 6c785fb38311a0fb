/** One trainkit-tb command line and what came of it. */
export interface CliRun {
  argv: string[];
  code: number;
  stderr: string;
}

/** The argument lists of every trainkit-tb command for one run directory. */
export function commandsFor(dir: string): string[][] {
  return [
    ['ls', dir],
    ['scalars', 'loss', dir],
    ['scalars', 'loss', dir, '--run', '.'],
    ['export', '--csv', dir],
    ['compare', dir, '--tag', 'loss'],
  ];
}
