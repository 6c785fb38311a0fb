// The child process of event-fuzz.test.ts: runs every trainkit-tb command on one damaged run directory per case,
// through the CLI's own runCli (what the trainkit-tb binary runs) with its output captured.
import { join } from 'node:path';
import { serveCases } from '../../../../tools/testing/case-runner.js';
import { runCli } from '../../src/cli.js';
import { commandsFor } from './commands.js';

export type { CliRun } from './commands.js';

import type { CliRun } from './commands.js';

const root = process.env.TRAINKIT_FUZZ_LOGDIR!;

await serveCases<CliRun[]>(async (id) => {
  const argvs =
    id === 'all'
      ? [
          ['ls', root],
          ['export', '--csv', root],
        ]
      : commandsFor(join(root, id));
  const out: CliRun[] = [];
  for (const argv of argvs) {
    let stderr = '';
    const code = await runCli(argv, {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
    });
    out.push({ argv, code, stderr });
  }
  return out;
});
