import type { EpochRecord } from './training-state.js';

/** `testAccuracy` → `test_accuracy`: a metric's TensorBoard tag and metadata key. */
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `testAccuracy` → `test accuracy` */
export const words = (name: string): string => snakeCase(name).replaceAll('_', ' ');

/** Accuracies as percentages, everything else (losses) to 4 decimals. */
const formatValue = (name: string, value: number): string =>
  /accuracy$/i.test(name) ? `${(100 * value).toFixed(2)}%` : value.toFixed(4);

const TIMES = new Set(['epoch', 'step', 'trainSeconds', 'epochSeconds', 'imagesPerSecond']);

/** The record's values besides its position and times: the training averages and the program's metrics. */
export const recordMetrics = <M extends string>(record: EpochRecord<M>): [string, number][] =>
  Object.entries(record as Record<string, number>).filter(([name]) => !TIMES.has(name));

/**
 * The line a finished epoch prints: `epoch 2/10: train loss 1.9123, test loss 1.8411, test accuracy 33.10% | 1.5 s,
 * 3069 images/s`, with `(best so far, saved)` when best.safetensors was written.
 */
export function epochLine<M extends string>(record: EpochRecord<M>, epochs: number, { saved = false } = {}): string {
  const values = recordMetrics(record).map(([name, value]) => `${words(name)} ${formatValue(name, value)}`);
  return (
    `epoch ${record.epoch}/${epochs}: ${values.join(', ')}${saved ? ' (best so far, saved)' : ''} | ` +
    `${record.epochSeconds.toFixed(1)} s, ${record.imagesPerSecond.toFixed(0)} images/s`
  );
}
