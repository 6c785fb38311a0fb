import { type nn, tf } from '@trainkit/core';
import type { SummaryWriter } from '@trainkit/tensorboard';

/** The model's graph, traced on a zero input of `inputShape` (the trace frees what it makes, this its input). */
export function logGraph(writer: SummaryWriter, model: nn.Module, inputShape: readonly number[]): void {
  const input = tf.zeros([...inputShape]);
  try {
    writer.addGraph(model, input);
  } finally {
    input.dispose();
  }
}

/** What every run logs at an epoch's end besides its metrics: throughput, epoch time, every parameter's values. */
export function logEpochEnd(
  writer: SummaryWriter,
  model: nn.Module,
  step: number,
  perf: { imagesPerSecond: number; epochSeconds: number },
): void {
  writer.addScalar('perf/images_per_second', perf.imagesPerSecond, step);
  writer.addScalar('perf/epoch_seconds', perf.epochSeconds, step);
  for (const [name, p] of model.namedParameters()) writer.addHistogram(`weights/${name}`, p.data, step);
}
