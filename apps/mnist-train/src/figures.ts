import { join } from 'node:path';
import { writeFileAtomic } from '@trainkit/core';
import type { SummaryWriter } from '@trainkit/tensorboard';
import type { Figure } from '@trainkit/viz';
import { decode } from 'fast-png';

/**
 * Writes a figure as `runDir/<name>.png` and logs the same picture to TensorBoard's Images tab as `report/<name>`
 * (what PyTorch's add_figure does for matplotlib). Rendered once; the PNG is decoded for the writer, which takes
 * pixels. Returns the file's path.
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
  const image = decode(png);
  const data = image.data instanceof Uint8Array ? image.data : Uint8Array.from(image.data, (v) => v >> 8);
  writer.addImage(
    `report/${name}`,
    { data, shape: [image.height, image.width, image.channels] },
    step,
    undefined,
    'HWC',
  );
  return path;
}
