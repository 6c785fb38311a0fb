// The fused optimizer kernels (one kernel per parameter and step: JavaScript loops on cpu, wasm SIMD on wasm) against
// the op-by-op updates they replace; the fused path is also checked against PyTorch's numbers by optim.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import { useFusedOptimizerKernels } from '../src/optim/fused-update.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

type Make = (params: nn.Parameter[]) => optim.Optimizer<optim.BaseOptions>;

const CASES: [string, Make][] = [
  ['SGD', (p) => new optim.SGD(p, { lr: 0.1 })],
  [
    'SGD momentum dampening weight decay',
    (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: 0.01 }),
  ],
  ['SGD nesterov maximize', (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true })],
  ['Adam', (p) => new optim.Adam(p, { lr: 0.01 })],
  [
    'Adam amsgrad weight decay maximize',
    (p) => new optim.Adam(p, { lr: 0.02, amsgrad: true, weightDecay: 0.1, maximize: true }),
  ],
  ['AdamW amsgrad', (p) => new optim.AdamW(p, { lr: 0.02, betas: [0.8, 0.95], eps: 1e-6, amsgrad: true })],
];

/** Five steps of `make` on fixed parameters and gradients (odd sizes); the parameters and state afterwards. */
function run(make: Make, fused: boolean): { params: Float32Array[]; state: Float32Array[] } {
  const before = useFusedOptimizerKernels(fused);
  try {
    // odd sizes: the SIMD loop's scalar tail runs too
    const shapes = [[7, 5], [13], [3, 1, 2], [64, 9]];
    const params = shapes.map((s, i) => new nn.Parameter(tf.randomUniform(s, -1, 1, 'float32', 3 + i)));
    const opt = make(params);
    for (let step = 0; step < 5; step++) {
      params.forEach((p, i) => {
        p.zeroGrad();
        // seed 0 would mean unseeded to tfjs
        p.grad = tf.randomNormal(p.shape, 0, 1, 'float32', 1 + 100 * step + i);
      });
      const tensors = tf.memory().numTensors;
      opt.step();
      // the update replaces parameters and state, never adds tensors (state appears on the first step only)
      if (step > 0) expect(tf.memory().numTensors).toBe(tensors);
    }
    const out = {
      params: params.map((p) => p.data.dataSync() as Float32Array),
      state: [...opt.state.values()].flatMap((s) =>
        Object.values(s)
          .filter((v): v is tf.Tensor => v instanceof tf.Tensor)
          .map((v) => v.dataSync() as Float32Array),
      ),
    };
    for (const p of params) p.dispose();
    for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
    return out;
  } finally {
    useFusedOptimizerKernels(before);
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`fused optimizer kernels on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const [name, make] of CASES) {
      it(`${name}: one kernel per parameter, the same numbers as the op-by-op update`, async () => {
        const fused = run(make, true);
        const ops = run(make, false);
        expect(fused.state.length).toBe(ops.state.length);
        [...fused.params, ...fused.state].forEach((got, i) => {
          const want = [...ops.params, ...ops.state][i]!;
          for (let j = 0; j < want.length; j++) {
            expect(Math.abs(got[j]! - want[j]!), `${name} tensor ${i} element ${j}`).toBeLessThanOrEqual(
              1e-6 + 1e-5 * Math.abs(want[j]!),
            );
          }
        });
        const info = await tf.profile(() => {
          const p = new nn.Parameter(tf.ones([4]));
          const opt = make([p]);
          p.grad = tf.ones([4]);
          opt.step();
          p.dispose();
          for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
        });
        const fusedName = name.startsWith('SGD') ? 'TrainkitSGDUpdate' : 'TrainkitAdamUpdate';
        expect(info.kernelNames).toContain(fusedName);
        expect(info.kernelNames.filter((k) => !['ZerosLike', 'Fill', fusedName].includes(k))).toEqual([]);
      });
    }
  });
}
