import { join } from 'node:path';
import { RunManifest, type RunStatus } from '@trainkit/core';
import type { TrainingState } from './checkpoints.js';
import type { CifarConfig } from './config.js';

export const MANIFEST_FILE = 'manifest.json';

const PACKAGES = [
  '@trainkit/cifar-train',
  '@trainkit/core',
  '@trainkit/data',
  '@trainkit/metrics',
  '@trainkit/tensorboard',
  '@trainkit/viz',
];

/** The run's manifest.json (see core's RunManifest), with cifar-train's progress and results. */
export class CifarManifest {
  readonly #manifest: RunManifest;

  constructor(runDir: string, config: CifarConfig, datasets: { train: string; test: string }) {
    this.#manifest = new RunManifest(join(runDir, MANIFEST_FILE), {
      app: 'cifar-train',
      config,
      seed: config.seed,
      datasets,
      packages: PACKAGES,
      from: import.meta.url,
    });
  }

  write(status: RunStatus, state: TrainingState, extra: Record<string, unknown> = {}): Promise<void> {
    const last = state.history.at(-1);
    return this.#manifest.write(status, {
      progress: { epochsCompleted: state.epoch, epochs: state.config.epochs, step: state.step },
      results: last ? { testLoss: last.testLoss, testAccuracy: last.testAccuracy, best: state.best } : null,
      history: state.history,
      ...extra,
    });
  }
}
