import type { ProgressCallback } from '../io/progress.js';
import { stderrProgress } from '../io/progress.js';

/** How a dataset downloads its files; every field has a default suited to real use, tests inject their own. */
export interface DownloadSettings {
  /** base URLs tried in order; the file name is appended */
  mirrors?: string[];
  /** fetch implementation (default: Node's global fetch) */
  fetch?: typeof globalThis.fetch;
  /** give up on a server silent for this long (default 15 s) */
  timeoutMs?: number;
  /** true (default): a progress bar on stderr; false: silent; a function: called with each progress report */
  progress?: boolean | ProgressCallback;
}

export function progressCallback(progress: DownloadSettings['progress']): ProgressCallback | undefined {
  if (progress === false) return undefined;
  if (typeof progress === 'function') return progress;
  return stderrProgress();
}

export function mirrorUrls(mirrors: readonly string[], file: string): string[] {
  return mirrors.map((m) => (m.endsWith('/') ? m + file : `${m}/${file}`));
}
