import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, nn, optim, saveCheckpoint, tf, useBackend } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Make = (params: nn.Parameter[]) => {
  optimizer: optim.Optimizer<optim.BaseOptions>;
  scheduler: optim.LRScheduler;
};

const runs: [string, Make][] = [
  [
    'Adam + OneCycleLR (three phases)',
    (params) => {
      const optimizer = new optim.Adam(params, { lr: 0.01 });
      return { optimizer, scheduler: new optim.OneCycleLR(optimizer, 0.05, { totalSteps: 12, threePhase: true }) };
    },
  ],
  [
    'RMSprop (centered, momentum) + OneCycleLR (linear)',
    (params) => {
      const optimizer = new optim.RMSprop(params, { centered: true, momentum: 0.5 });
      return {
        optimizer,
        scheduler: new optim.OneCycleLR(optimizer, 0.02, { totalSteps: 12, annealStrategy: 'linear' }),
      };
    },
  ],
  [
    'Adagrad + LambdaLR',
    (params) => {
      const optimizer = new optim.Adagrad(params, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 });
      return { optimizer, scheduler: new optim.LambdaLR(optimizer, (e) => 1 / (1 + e)) };
    },
  ],
  [
    'SGD (momentum) + ExponentialLR',
    (params) => {
      const optimizer = new optim.SGD(params, { lr: 0.1, momentum: 0.9 });
      return { optimizer, scheduler: new optim.ExponentialLR(optimizer, 0.8) };
    },
  ],
];

describe('the new optimizers and schedulers resume exactly from a checkpoint', () => {
  for (const [name, make] of runs) {
    it(name, async () => {
      const x = tf.tensor2d([
        [1, 2],
        [-1, 0.5],
        [0.3, -2],
      ]);
      const y = tf.tensor1d([1, -1, 0.5]);
      const fresh = () => [new nn.Parameter(tf.tensor2d([[0.1], [-0.2]])), new nn.Parameter(tf.zeros([1]))];
      const loss = (p: nn.Parameter[]) => () =>
        tf.mean(tf.square(tf.sub(tf.squeeze(tf.add(tf.matMul(x, p[0]!.data), p[1]!.data)), y)));
      const train = (p: nn.Parameter[], run: ReturnType<Make>, steps: number) => {
        for (let i = 0; i < steps; i++) {
          run.optimizer.step(loss(p));
          run.scheduler.step();
        }
      };

      const a = fresh();
      const runA = make(a);
      train(a, runA, 5);
      const path = join(dir, `${name.replace(/\W+/g, '_')}.safetensors`);
      await saveCheckpoint(path, { optimizer: runA.optimizer, scheduler: runA.scheduler, step: 5 });
      const b = a.map((p) => new nn.Parameter(p.data.clone()));
      const runB = make(b);
      await loadCheckpoint(path, { optimizer: runB.optimizer, scheduler: runB.scheduler });

      train(a, runA, 6);
      train(b, runB, 6);
      expect(runB.scheduler.getLastLr()).toEqual(runA.scheduler.getLastLr());
      expect(runB.optimizer.stateDict().param_groups).toEqual(runA.optimizer.stateDict().param_groups);
      a.forEach((p, i) => {
        expect(Array.from(b[i]!.data.dataSync()), `${name} param ${i}`).toEqual(Array.from(p.data.dataSync()));
      });
      for (const r of [runA, runB]) r.optimizer.dispose();
      for (const p of [...a, ...b]) p.dispose();
      tf.dispose([x, y]);
    });
  }
});
