import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Animator, linePlot, scatterPlot } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'viz-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from the PNG's IHDR chunk, the first after the signature. */
function ihdrSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

const series = [{ name: 'loss', x: [1, 2, 3], y: [2, 1, 0.5] }];

describe('Figure PNG size', () => {
  it('is the size the plot was asked for by default, as matplotlib’s figsize × dpi', () => {
    expect(ihdrSize(linePlot(series).toPNG())).toEqual([560, 380]);
    const fig = linePlot(series, { width: 640, height: 480 });
    expect([fig.width, fig.height]).toEqual([640, 480]);
    expect(ihdrSize(fig.toPNG())).toEqual([640, 480]);
    const file = join(dir, 'curve.png');
    fig.save(file);
    expect(ihdrSize(readFileSync(file))).toEqual([640, 480]);
  });

  it('scale multiplies both sides, when asked for', () => {
    const fig = linePlot(series, { width: 300, height: 200 });
    expect(ihdrSize(fig.toPNG({ scale: 2 }))).toEqual([600, 400]);
    expect(ihdrSize(fig.toPNG({ scale: 1.5 }))).toEqual([450, 300]);
    const file = join(dir, 'curve2x.png');
    fig.save(file, { scale: 2 });
    expect(ihdrSize(readFileSync(file))).toEqual([600, 400]);
    const anim = new Animator({ legend: ['loss'], width: 320, height: 240, png: { scale: 2 } });
    anim.add(1, [1]);
    expect(ihdrSize(anim.toPNG())).toEqual([640, 480]);
    expect(() => fig.toPNG({ scale: 0 })).toThrow('Figure.toPNG: scale should be a positive number, got 0');
  });

  it('a plot that sizes itself (a scatter plot with its legend) comes out at its own width and height', () => {
    const points = [
      [0, 1],
      [1, 0],
      [2, 1],
      [3, 0],
    ];
    const fig = scatterPlot(points, { labels: [0, 1, 0, 1], classNames: ['cat', 'a much longer class name'] });
    expect(Number.isInteger(fig.width) && Number.isInteger(fig.height)).toBe(true);
    expect(fig.width).toBeGreaterThan(560);
    expect(ihdrSize(fig.toPNG())).toEqual([fig.width, fig.height]);
  });
});
