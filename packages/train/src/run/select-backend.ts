import { type BackendName, describeBackend, useBackend } from '@trainkit/core';
import { explainFailure } from '../cli/cli-errors.js';

/** --backend (default $TRAINKIT_BACKEND, else auto): selects it and logs which one runs, or fails naming the flag. */
export async function selectBackend(backend: BackendName | undefined, log: (line: string) => void): Promise<void> {
  const info = await explainFailure('--backend', backend ?? 'auto', () => useBackend(backend));
  log(`backend: ${describeBackend(info)}`);
}
