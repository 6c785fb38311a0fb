import { join } from 'node:path';
import { RunManifest, type RunStatus } from '@trainkit/core';
import type { TrainingState } from './checkpoints.js';
import type { MnistConfig } from './config.js';

export const MANIFEST_FILE = 'manifest.json';

const PACKAGES = [
  '@trainkit/mnist-train',
  '@trainkit/core',
  '@trainkit/data',
  '@trainkit/metrics',
  '@trainkit/tensorboard',
  '@trainkit/viz',
];

/** The run's manifest.json (see core's RunManifest), with mnist-train's progress and results. */
export class MnistManifest {
  readonly #manifest: RunManifest;

  constructor(runDir: string, config: MnistConfig, datasets: Record<string, string>) {
    this.#manifest = new RunManifest(join(runDir, MANIFEST_FILE), {
      app: 'mnist-train',
      config,
      seed: config.seed,
      datasets,
      packages: PACKAGES,
      from: import.meta.url,
    });
  }

  write(status: RunStatus, state: TrainingState, extra: Record<string, unknown> = {}): Promise<void> {
    return this.#manifest.write(status, {
      progress: { epochsCompleted: state.epoch, epochs: state.config.epochs, step: state.step },
      best: state.best,
      history: state.history,
      ...extra,
    });
  }
}
