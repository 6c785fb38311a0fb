import { join } from 'node:path';
import { writeFileAtomic } from '@trainkit/core';
import type { SummaryWriter } from '@trainkit/tensorboard';
import type { Figure } from '@trainkit/viz';

/**
 * Writes a figure as `runDir/<name>.png` and logs the same picture to TensorBoard's Images tab as `report/<name>`
 * (what PyTorch's add_figure does for matplotlib). Rendered once: the file and the event hold the same PNG bytes.
 * Returns the file's path.
 */
export async function saveFigure(
  figure: Figure,
  runDir: string,
  name: string,
  writer: SummaryWriter,
  step: number,
): Promise<string> {
  const png = figure.toPNG({ scale: 1.5 });
  const path = join(runDir, `${name}.png`);
  await writeFileAtomic(path, [png]);
  writer.addFigure(`report/${name}`, png, step);
  return path;
}
