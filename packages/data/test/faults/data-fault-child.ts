// The child process of data-faults.test.ts: builds each case's input in its own directory and runs it (see
// tools/testing/case-runner.ts for why in a child).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeBackend, useBackend } from '@trainkit/core';
import { serveCases } from '../../../../tools/testing/case-runner.js';
import { DATA_CASES } from './data-cases.js';
import { changedPaths, snapshot } from './snapshot.js';

export interface DataCaseResult {
  outcome: 'error' | 'accepted';
  name?: string;
  message?: string;
  offset?: number;
  /** the first lines of the stack, to show where an unexpected error came from */
  stack?: string;
  /** paths outside the case's `writes` directory that the run added, removed or changed */
  changed: string[];
  backend: string;
}

// the readers hardly touch tensors, but the campaign runs on the backend it is given (TRAINKIT_BACKEND=native)
const backend = describeBackend(await useBackend(process.env.TRAINKIT_BACKEND ? undefined : 'cpu'));
const base = process.env.TRAINKIT_FAULTS_DIR!;

await serveCases<DataCaseResult>(async (id) => {
  const index = DATA_CASES.findIndex((c) => c.id === id);
  const c = DATA_CASES[index]!;
  const dir = join(base, `case-${index}`);
  mkdirSync(join(dir, 'outside'), { recursive: true });
  writeFileSync(join(dir, 'outside', 'sentinel.txt'), 'nothing may write here');
  c.build(dir);
  const before = snapshot(dir, c.writes);
  let result: Omit<DataCaseResult, 'changed' | 'backend'>;
  try {
    await c.run(dir);
    result = { outcome: 'accepted' };
  } catch (err) {
    const e = err as Error & { offset?: number };
    result = {
      outcome: 'error',
      name: e?.name,
      message: e?.message ?? String(err),
      offset: e?.offset,
      stack: e?.stack?.split('\n').slice(0, 6).join('\n'),
    };
  }
  return { ...result, changed: changedPaths(before, snapshot(dir, c.writes)), backend };
});
