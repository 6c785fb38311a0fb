// Times one training step of the CIFAR tutorial net (batch 64) on tfjs's wasm and cpu backends and lists the kernels
// it spends its time in. Runs trainkit from source, so no build is needed:
//
//   cd /work/main && npx tsx --conditions=trainkit-source tools/bench/src/wasm-step-profile.ts \
//     [--model raw|nn] [--steps 8] [--rounds 3] [--no-cpu]
//
// (the cpu part alone takes about three minutes: tfjs's cpu Conv2DBackpropFilter is a scalar loop)
//
// wasm runs twice, alternating in rounds so that load from other processes hits both alike:
//   'stock'    tfjs-backend-wasm's own kernels plus the one it lacks for training (trainkit's Conv2DBackpropFilter)
//   'trainkit' every kernel registerWasmKernels() installs (the default whenever trainkit loads wasm)
// The model is the one in docs/design.md: three 5×5 convs (3→32→32→64, padding 2) each followed by a 2×2 max pool,
// flatten, Linear(1024, 64), Linear(64, 10), cross entropy, plain SGD. 'raw' builds it from tf ops, NHWC throughout
// (one transpose in, one before flatten); 'nn' uses trainkit's nn layers, which are NCHW at every layer boundary.
import { parseArgs } from 'node:util';
import { tudui } from '@trainkit/test-models';
import { registerWasmKernels, unregisterWasmKernels } from '../../../packages/backend-wasm/src/index.js';
import { nn, tf, useBackend } from '../../../packages/core/src/index.js';

// The kernel comparison is single-threaded, as when it was written: switching kernels in and out would drop the
// thread-pool wrappers (see src/profile-step.ts for the threaded step).
process.env.TRAINKIT_WASM_THREADS ??= '1';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'raw' },
    steps: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    top: { type: 'string', default: '12' },
    'no-cpu': { type: 'boolean', default: false },
  },
});
const BATCH = 64;
const STEPS = Number(args.steps);
const ROUNDS = Number(args.rounds);
const TOP = Number(args.top);

interface Net {
  /** One SGD step on (x, y); returns nothing, leaves no tensors behind. */
  step(x: tf.Tensor, y: tf.Tensor): void;
  dispose(): void;
}

function uniform(shape: number[], bound: number, seed: number): tf.Variable {
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
}

/** The docs/design.md net from tf ops, parameters in PyTorch's layouts (conv [out, in, kH, kW], linear [out, in]). */
function rawNet(): Net {
  const conv = (cin: number, cout: number, seed: number) => {
    const b = 1 / Math.sqrt(cin * 25);
    return { w: uniform([cout, cin, 5, 5], b, seed), b: uniform([cout], b, seed + 1) };
  };
  const lin = (fin: number, fout: number, seed: number) => {
    const b = 1 / Math.sqrt(fin);
    return { w: uniform([fout, fin], b, seed), b: uniform([fout], b, seed + 1) };
  };
  const convs = [conv(3, 32, 1), conv(32, 32, 3), conv(32, 64, 5)];
  const fcs = [lin(1024, 64, 7), lin(64, 10, 9)];
  const vars = [...convs, ...fcs].flatMap((p) => [p.w, p.b]);
  const forward = (x: tf.Tensor): tf.Tensor => {
    let h = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
    for (const c of convs) {
      const hwio = tf.transpose(c.w, [2, 3, 1, 0]) as tf.Tensor4D;
      h = tf.add(
        tf.conv2d(h, hwio, 1, [
          [0, 0],
          [2, 2],
          [2, 2],
          [0, 0],
        ]),
        c.b,
      ) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    let f: tf.Tensor = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0]!, -1]);
    for (const l of fcs) f = tf.add(tf.matMul(f, l.w, false, true), l.b);
    return f;
  };
  return {
    step(x, y) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const logits = forward(x);
          return tf.neg(
            tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(y as tf.Tensor1D, 10)), -1)),
          ) as tf.Scalar;
        }, vars);
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
      });
    },
    dispose: () => tf.dispose(vars),
  };
}

/**
 * The same net from trainkit's nn layers (tudui() of @trainkit/test-models) and loss; the update is plain SGD on the
 * parameters' variables.
 */
function nnNet(): Net {
  const model = tudui();
  const lossFn = new nn.CrossEntropyLoss();
  const vars = [...model.parameters()].map((p) => p.data);
  return {
    step(x, y) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => lossFn.forward(model.forward(x), y) as tf.Scalar, vars);
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
      });
    },
    dispose: () => model.dispose(),
  };
}

function batch(): { x: tf.Tensor; y: tf.Tensor } {
  return {
    x: tf.randomUniform([BATCH, 3, 32, 32], -1, 1, 'float32', 11),
    y: tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => (i * 7) % 10),
      'int32',
    ),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** ms per step for `steps` steps, each closed by a read so that the work is done when the clock stops. */
function timeSteps(net: Net, x: tf.Tensor, y: tf.Tensor, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    net.step(x, y);
    tf.tidy(() => tf.sum(tf.stack([tf.scalar(0)])).dataSync());
    out.push(performance.now() - t0);
  }
  return out;
}

/** Per-kernel time of one step, the median over `steps` profiled steps (calls: per step). */
async function kernelProfile(
  net: Net,
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
): Promise<{ name: string; ms: number; calls: number }[]> {
  const runs = new Map<string, { ms: number[]; calls: number }>();
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(() => net.step(x, y));
    const step = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const e = step.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += Number(await k.kernelTimeMs);
      e.calls += 1;
      step.set(k.name, e);
    }
    for (const [name, e] of step) {
      const r = runs.get(name) ?? { ms: [], calls: e.calls };
      r.ms.push(e.ms);
      runs.set(name, r);
    }
  }
  return [...runs].map(([name, r]) => ({ name, ms: median(r.ms), calls: r.calls })).sort((a, b) => b.ms - a.ms);
}

function printProfile(title: string, rows: { name: string; ms: number; calls: number }[], stepMs: number): void {
  const total = rows.reduce((a, r) => a + r.ms, 0);
  console.log(`\n#### ${title}: kernels in one step (sum ${total.toFixed(0)} ms; step ${stepMs.toFixed(0)} ms)\n`);
  console.log('| kernel | ms | calls | share |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows.slice(0, TOP)) {
    console.log(`| ${r.name} | ${r.ms.toFixed(1)} | ${r.calls} | ${((100 * r.ms) / total).toFixed(0)}% |`);
  }
}

const make = args.model === 'nn' ? nnNet : rawNet;

async function main(): Promise<void> {
  console.log(`model '${args.model}', batch ${BATCH}, ${ROUNDS} rounds × ${STEPS} steps per configuration`);
  await useBackend('wasm');
  const configs = {
    stock: () => {
      unregisterWasmKernels();
      registerWasmKernels([tf.Conv2DBackpropFilter]);
    },
    trainkit: () => registerWasmKernels(),
  };
  const times: Record<string, number[]> = { stock: [], trainkit: [] };
  const net = make();
  const { x, y } = batch();
  for (const apply of Object.values(configs)) {
    apply();
    timeSteps(net, x, y, 2); // warm up: XNNPACK operators, wasm memory growth
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, apply] of Object.entries(configs)) {
      apply();
      times[name]!.push(...timeSteps(net, x, y, STEPS));
    }
  }
  const stepMs: Record<string, number> = {};
  for (const [name, apply] of Object.entries(configs)) {
    apply();
    stepMs[name] = median(times[name]!);
    printProfile(`wasm, ${name} kernels`, await kernelProfile(net, x, y, 3), stepMs[name]!);
  }
  registerWasmKernels();
  const leftover = tf.memory().numTensors;
  timeSteps(net, x, y, 3);
  if (tf.memory().numTensors !== leftover)
    console.log(`\nWARNING: tensors grew from ${leftover} to ${tf.memory().numTensors}`);
  tf.dispose([x, y]);
  net.dispose();

  if (!args['no-cpu']) {
    await useBackend('cpu');
    const cpuNet = make();
    const b = batch();
    // tfjs's cpu kernels take minutes for this step (Conv2DBackpropFilter above all): one profiled step is the timing
    const t0 = performance.now();
    const rows = await kernelProfile(cpuNet, b.x, b.y, 1);
    stepMs.cpu = performance.now() - t0;
    printProfile('cpu', rows, stepMs.cpu);
    tf.dispose([b.x, b.y]);
    cpuNet.dispose();
  }

  console.log('\n| backend | kernels | median ms/step | images/s |');
  console.log('|---|---|---:|---:|');
  for (const [name, ms] of Object.entries(stepMs)) {
    const backend = name === 'cpu' ? 'cpu' : 'wasm (1 thread)';
    console.log(
      `| ${backend} | ${name === 'cpu' ? 'tfjs' : name} | ${ms.toFixed(1)} | ${((BATCH * 1000) / ms).toFixed(0)} |`,
    );
  }
}

await main();
