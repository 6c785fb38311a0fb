import type { Module } from '../nn/module.js';
import { tf } from '../tf.js';

/** The parts of a SummaryWriter the shared run logging uses (core does not depend on @trainkit/tensorboard). */
export interface RunLogWriter {
  addScalar(tag: string, value: number, step: number): void;
  addHistogram(tag: string, values: tf.Tensor, step: number): void;
  addGraph(model: Module, input: tf.Tensor): void;
}

/** The model's graph, traced on a zero input of `inputShape` (the trace frees what it makes, this its input). */
export function logGraph(writer: RunLogWriter, model: Module, inputShape: number[]): void {
  const input = tf.zeros(inputShape);
  try {
    writer.addGraph(model, input);
  } finally {
    input.dispose();
  }
}

/** What every app logs at an epoch's end besides its own metrics: throughput, epoch time, every parameter's values. */
export function logEpochEnd(
  writer: RunLogWriter,
  model: Module,
  step: number,
  perf: { imagesPerSecond: number; epochSeconds: number },
): void {
  writer.addScalar('perf/images_per_second', perf.imagesPerSecond, step);
  writer.addScalar('perf/epoch_seconds', perf.epochSeconds, step);
  for (const [name, p] of model.namedParameters()) writer.addHistogram(`weights/${name}`, p.data, step);
}
