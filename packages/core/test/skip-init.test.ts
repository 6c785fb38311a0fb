import { beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, nn, tf, useBackend } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const values = (m: nn.Module) => m.parameters().flatMap((p) => Array.from(p.data.dataSync()));

describe('nn.utils.skipInit, as torch.nn.utils.skip_init', () => {
  it('builds layers with zero parameters, drawing nothing from the generator, and init works again after it', () => {
    manualSeed(0);
    const skipped = nn.utils.skipInit(() => new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.BatchNorm2d(3)));
    expect(values(skipped.at(0)).every((v) => v === 0)).toBe(true);
    expect(Object.keys(skipped.stateDict())).toContain('1.running_var');
    const afterSkip = new nn.Linear(4, 2);
    manualSeed(0);
    const fresh = new nn.Linear(4, 2);
    expect(values(afterSkip)).toEqual(values(fresh)); // the skipped build advanced no stream
    expect(values(fresh).some((v) => v !== 0)).toBe(true);
  });

  it("skips a model's own init calls made while it builds, also nested, and restores after an error", () => {
    const w = nn.utils.skipInit(() => nn.utils.skipInit(() => nn.init.normal_(new nn.Parameter(tf.zeros([5])), 3, 1)));
    expect(Array.from(w.data.dataSync())).toEqual([0, 0, 0, 0, 0]);
    expect(() => nn.utils.skipInit(() => nn.init.normal_(w, 0, -1))).toThrow('normal_: expects std ≥ 0'); // checked still
    expect(() =>
      nn.utils.skipInit(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    nn.init.constant_(w, 2);
    expect(Array.from(w.data.dataSync())).toEqual([2, 2, 2, 2, 2]);
    expect(() => nn.utils.skipInit(async () => new nn.Linear(1, 1))).toThrow('skipInit: build must be synchronous');
  });
});
