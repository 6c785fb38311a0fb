// trainkit's wasm kernels, called one by one through the engine, against tfjs's cpu kernels (or, where those are
// wrong, an equivalent formulation); plus registration, leaks and the tfjs-backend-wasm surface they rely on.
import { createRequire } from 'node:module';
import { tf, useBackend } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectAllClose, rand } from '../../core/test/wasm-kernels-compare.js';
import {
  registeredWasmKernels,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNELS,
} from '../src/kernels/register-wasm-kernels.js';

type Pad = 'valid' | 'same' | number | number[][];
type Out = { shape: number[]; data: Float32Array };

/** Runs one kernel on a backend with inputs made fresh there (same values on both), returning its output. */
async function kernel(
  backend: 'cpu' | 'wasm',
  name: string,
  inputs: () => Record<string, tf.Tensor>,
  attrs: object,
): Promise<Out> {
  await useBackend(backend);
  const ins = inputs();
  const y = tf.engine().runKernel(name, ins as never, attrs as never) as tf.Tensor;
  const out = { shape: y.shape, data: y.dataSync() as Float32Array };
  tf.dispose([y, ...Object.values(ins)]);
  return out;
}

async function expectKernelMatchesCpu(name: string, inputs: () => Record<string, tf.Tensor>, attrs: object) {
  const ref = await kernel('cpu', name, inputs, attrs);
  const got = await kernel('wasm', name, inputs, attrs);
  expectAllClose(got, ref, `${name} ${JSON.stringify(attrs)}`);
}

const convInfo = (
  x: number[],
  f: number[],
  s: number | number[],
  pad: Pad,
  depthwise = false,
  d: number | number[] = 1,
) =>
  tf.backend_util.computeConv2DInfo(x as never, f as never, s as never, d as never, pad as never, undefined, depthwise);

const convConfigs: { x: number[]; f: number[]; s: number | [number, number]; pad: Pad }[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 8, 9, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [2, 9, 8, 2], f: [4, 3, 2, 3], s: [2, 1], pad: 'valid' },
  {
    x: [1, 10, 11, 3],
    f: [5, 5, 3, 2],
    s: [2, 3],
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 7, 7, 3], f: [1, 1, 3, 2], s: 2, pad: 'valid' },
  { x: [2, 11, 11, 3], f: [3, 3, 3, 4], s: 3, pad: 'valid' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 4 },
  { x: [1, 1, 1, 3], f: [1, 1, 3, 2], s: 1, pad: 'valid' },
  { x: [3, 12, 12, 6], f: [5, 5, 6, 7], s: 1, pad: 2 },
];

describe('conv2d gradient kernels match cpu', () => {
  it.each(convConfigs.map((c) => [JSON.stringify(c), c] as const))('Conv2DBackpropFilter %s', async (_l, c) => {
    const info = convInfo(c.x, c.f, c.s, c.pad);
    await expectKernelMatchesCpu('Conv2DBackpropFilter', () => ({ x: rand(c.x, 1), dy: rand(info.outShape, 2) }), {
      strides: c.s,
      pad: c.pad,
      dataFormat: 'NHWC',
      filterShape: c.f,
    });
  });
  it.each(convConfigs.map((c) => [JSON.stringify(c), c] as const))('Conv2DBackpropInput %s', async (_l, c) => {
    const info = convInfo(c.x, c.f, c.s, c.pad);
    await expectKernelMatchesCpu('Conv2DBackpropInput', () => ({ dy: rand(info.outShape, 3), filter: rand(c.f, 4) }), {
      strides: c.s,
      pad: c.pad,
      dataFormat: 'NHWC',
      inputShape: c.x,
    });
  });
  it('refuses NCHW with a message that says so', async () => {
    await useBackend('wasm');
    const x = rand([1, 3, 5, 5], 1);
    const dy = rand([1, 2, 5, 5], 2);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: [3, 3, 3, 2],
      } as never),
    ).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});

/** A filter with (d − 1) zeros between taps: a dilated depthwise conv is an undilated one with this filter. */
function dilate(w: tf.Tensor, d: number): tf.Tensor {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const spread = tf.reshape(w, [kh, 1, kw, 1, c, m]);
  const padded = tf.pad(spread, [
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(padded, [kh * d, kw * d, c, m]), 0, [(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
}

const depthwiseConfigs: { x: number[]; f: number[]; s: number | [number, number]; pad: Pad; d: number }[] = [
  { x: [2, 7, 8, 3], f: [3, 3, 3, 1], s: 1, pad: 'same', d: 1 },
  { x: [2, 7, 8, 3], f: [3, 3, 3, 2], s: 2, pad: 'valid', d: 1 },
  { x: [1, 9, 7, 4], f: [2, 3, 4, 3], s: [1, 2], pad: 'same', d: 1 },
  {
    x: [2, 6, 7, 2],
    f: [3, 3, 2, 2],
    s: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
    d: 1,
  },
  { x: [2, 9, 9, 3], f: [3, 2, 3, 2], s: 1, pad: 'same', d: 2 },
  { x: [1, 10, 9, 2], f: [2, 2, 2, 1], s: 1, pad: 'valid', d: 3 },
];

describe('depthwise gradient kernels match cpu', () => {
  // cpu's depthwise backprop kernels ignore dilations; for d > 1 cpu gets the undilated problem with a dilated filter.
  it.each(depthwiseConfigs.map((c) => [JSON.stringify(c), c] as const))(
    'DepthwiseConv2dNativeBackpropFilter %s',
    async (_l, c) => {
      const info = convInfo(c.x, c.f, c.s, c.pad, true, c.d);
      const attrs = { strides: c.s, pad: c.pad, dilations: c.d, filterShape: c.f };
      const inputs = () => ({ x: rand(c.x, 5), dy: rand(info.outShape, 6) });
      const got = await kernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
      const ek = [(c.f[0]! - 1) * c.d + 1, (c.f[1]! - 1) * c.d + 1, c.f[2]!, c.f[3]!];
      const full = await kernel('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, {
        ...attrs,
        dilations: 1,
        filterShape: ek,
      });
      const ref = tf.tidy(() => {
        const t = tf.stridedSlice(tf.tensor(full.data, full.shape), [0, 0, 0, 0], ek, [c.d, c.d, 1, 1]);
        return { shape: t.shape, data: t.dataSync() as Float32Array };
      });
      expectAllClose(got, ref, 'DepthwiseConv2dNativeBackpropFilter');
    },
  );
  it.each(depthwiseConfigs.map((c) => [JSON.stringify(c), c] as const))(
    'DepthwiseConv2dNativeBackpropInput %s',
    async (_l, c) => {
      const info = convInfo(c.x, c.f, c.s, c.pad, true, c.d);
      const attrs = { strides: c.s, pad: c.pad, dilations: c.d, inputShape: c.x };
      const got = await kernel(
        'wasm',
        'DepthwiseConv2dNativeBackpropInput',
        () => ({ dy: rand(info.outShape, 7), filter: rand(c.f, 8) }),
        attrs,
      );
      const ref = await kernel(
        'cpu',
        'DepthwiseConv2dNativeBackpropInput',
        () => ({ dy: rand(info.outShape, 7), filter: tf.tidy(() => dilate(rand(c.f, 8), c.d)) }),
        { ...attrs, dilations: 1 },
      );
      expectAllClose(got, ref, 'DepthwiseConv2dNativeBackpropInput');
    },
  );
});

const poolConfigs: { x: number[]; k: number | [number, number]; s: number | [number, number]; pad: Pad }[] = [
  { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], k: 3, s: 2, pad: 'same' },
  { x: [2, 7, 9, 3], k: 3, s: 1, pad: 'same' },
  { x: [1, 5, 5, 2], k: 2, s: 2, pad: 'valid' },
  {
    x: [2, 7, 6, 3],
    k: [2, 3],
    s: [1, 2],
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 7, 6, 3],
    k: 3,
    s: 2,
    pad: [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [2, 9, 9, 5], k: 3, s: 3, pad: 1 },
  { x: [4, 32, 32, 16], k: 2, s: 2, pad: 'valid' },
  // channels past a multiple of 4 go through the SIMD MaxPoolGrad's scalar tail; overlapping windows add up
  { x: [2, 7, 9, 7], k: 3, s: 1, pad: 'same' },
  { x: [3, 10, 10, 6], k: 2, s: 2, pad: 'valid' },
];

describe('pooling gradient kernels', () => {
  it.each(poolConfigs.map((c) => [JSON.stringify(c), c] as const))('MaxPoolGrad matches cpu %s', async (_l, c) => {
    const inputs = () =>
      tf.tidy(() => {
        // relu makes ties inside windows; the first maximum (row-major) must win on both
        const input = tf.relu(rand(c.x, 9, -1, 0.5)) as tf.Tensor4D;
        const output = tf.maxPool(input, c.k, c.s, c.pad as never);
        return { dy: rand(output.shape, 10), input, output };
      });
    await expectKernelMatchesCpu('MaxPoolGrad', inputs, { filterSize: c.k, strides: c.s, pad: c.pad });
  });
  it.each(poolConfigs.map((c) => [JSON.stringify(c), c] as const))(
    'AvgPoolGrad is the gradient of AvgPool %s',
    async (_l, c) => {
      const info = tf.backend_util.computePool2DInfo(c.x as never, c.k, c.s, 1, c.pad as never);
      const inputs = () => ({ dy: rand(info.outShape, 11), input: rand(c.x, 12) });
      const got = await kernel('wasm', 'AvgPoolGrad', inputs, { filterSize: c.k, strides: c.s, pad: c.pad });
      // AvgPool is linear, so its gradient is its transpose: scatter dy / (pixels each window covers).
      const [n, h, w, ch] = c.x as [number, number, number, number];
      const {
        outHeight: oh,
        outWidth: ow,
        strideHeight: sh,
        strideWidth: sw,
        filterHeight: kh,
        filterWidth: kw,
      } = info;
      const dy = rand(info.outShape, 11);
      const dyv = dy.dataSync();
      dy.dispose();
      const ref = new Float64Array(n * h * w * ch);
      for (let b = 0; b < n; b++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            const r0 = Math.max(0, i * sh - info.padInfo.top);
            const r1 = Math.min(h, i * sh - info.padInfo.top + kh);
            const c0 = Math.max(0, j * sw - info.padInfo.left);
            const c1 = Math.min(w, j * sw - info.padInfo.left + kw);
            for (let r = r0; r < r1; r++)
              for (let q = c0; q < c1; q++)
                for (let k = 0; k < ch; k++)
                  ref[((b * h + r) * w + q) * ch + k]! +=
                    dyv[((b * oh + i) * ow + j) * ch + k]! / ((r1 - r0) * (c1 - c0));
          }
      expectAllClose(got, { shape: c.x, data: ref }, 'AvgPoolGrad');
      if (c.pad === 'valid') {
        // without padding tfjs's cpu kernel agrees too
        expectAllClose(
          got,
          await kernel('cpu', 'AvgPoolGrad', inputs, { filterSize: c.k, strides: c.s, pad: c.pad }),
          'cpu',
        );
      }
    },
  );
});

describe('forward kernels with a numeric pad and dimRoundingMode', () => {
  const cases: { x: [number, number, number, number]; k: number; s: number; pad: number; round: string }[] = [
    { x: [2, 8, 8, 3], k: 3, s: 2, pad: 0, round: 'ceil' },
    { x: [1, 9, 8, 2], k: 3, s: 2, pad: 1, round: 'ceil' },
    { x: [1, 8, 8, 2], k: 3, s: 2, pad: 1, round: 'round' },
    { x: [2, 7, 7, 3], k: 3, s: 2, pad: 1, round: 'floor' },
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))(
    'MaxPool, AvgPool, Conv2D and depthwise match cpu %s',
    async (_l, c) => {
      const pool = { filterSize: c.k, strides: c.s, pad: c.pad, dimRoundingMode: c.round };
      await expectKernelMatchesCpu('MaxPool', () => ({ x: rand(c.x, 13) }), pool);
      await expectKernelMatchesCpu('AvgPool', () => ({ x: rand(c.x, 14) }), pool);
      const conv = { strides: c.s, pad: c.pad, dimRoundingMode: c.round, dilations: 1, dataFormat: 'NHWC' };
      const cin = c.x[3];
      await expectKernelMatchesCpu('Conv2D', () => ({ x: rand(c.x, 15), filter: rand([c.k, c.k, cin, 4], 16) }), conv);
      await expectKernelMatchesCpu(
        'DepthwiseConv2dNative',
        () => ({ x: rand(c.x, 17), filter: rand([c.k, c.k, cin, 2], 18) }),
        conv,
      );
    },
  );
});

describe('matmul kernels match cpu', () => {
  const shapes = [
    { a: [7, 13], b: [13, 5] },
    { a: [3, 4, 6], b: [3, 6, 5] },
    { a: [1, 4, 6], b: [3, 6, 5] },
    { a: [64, 1024], b: [1024, 64] },
  ];
  const t = (s: number[], flip: boolean) => (flip ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
  for (const s of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`BatchMatMul ${JSON.stringify(s)} transposeA=${ta} transposeB=${tb}`, async () => {
          const inputs = () => ({ a: rand(t(s.a, ta), 19), b: rand(t(s.b, tb), 20) });
          const attrs = { transposeA: ta, transposeB: tb };
          // float32 sums of k terms (XNNPACK) against float64 ones (cpu) differ by about 1e-6·√k·|terms|
          const k = s.a[s.a.length - 1]!;
          const atol = 1e-5 * Math.max(1, Math.sqrt(k / 16));
          expectAllClose(
            await kernel('wasm', 'BatchMatMul', inputs, attrs),
            await kernel('cpu', 'BatchMatMul', inputs, attrs),
            'BatchMatMul',
            { atol },
          );
        });
      }
    }
  }
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      for (const activation of ['linear', 'relu', 'elu'] as const) {
        it(`_FusedMatMul transposeA=${ta} transposeB=${tb} bias ${activation}`, async () => {
          await expectKernelMatchesCpu(
            '_FusedMatMul',
            () => ({ a: rand(t([1, 8, 12], ta), 21), b: rand(t([1, 12, 6], tb), 22), bias: rand([6], 23) }),
            { transposeA: ta, transposeB: tb, activation },
          );
        });
      }
    }
  }
});

describe('Sum and Mean', () => {
  const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axis: [2, 0, 1], keepDims: true },
    { shape: [7, 9], axis: 0, keepDims: false },
    { shape: [3, 4, 5], axis: [-3, -2], keepDims: false },
    { shape: [3, 4, 5], axis: [1, 2], keepDims: false },
    { shape: [3, 4, 5], axis: [0, 2], keepDims: true },
    { shape: [3, 4, 5], axis: [0, 1, 2], keepDims: false },
  ];
  for (const op of ['Sum', 'Mean']) {
    it.each(cases.map((c) => [JSON.stringify(c), c] as const))(`${op} matches cpu %s`, async (_l, c) => {
      await expectKernelMatchesCpu(op, () => ({ x: rand(c.shape, 33) }), { axis: c.axis, keepDims: c.keepDims });
    });
  }
  it('Sum of int32 over leading axes stays int32 (stock kernel)', async () => {
    const got = await kernel(
      'wasm',
      'Sum',
      () => ({
        x: tf.tensor2d(
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          [3, 2],
          'int32',
        ),
      }),
      { axis: 0, keepDims: false },
    );
    expect(Array.from(got.data)).toEqual([9, 12]);
  });
});

describe('UnsortedSegmentSum', () => {
  it('sums rows into segments like cpu, repeated ids included', async () => {
    await expectKernelMatchesCpu(
      'UnsortedSegmentSum',
      () => ({ x: rand([7, 3, 2], 24), segmentIds: tf.tensor1d([4, 0, 4, 2, 0, 4, 1], 'int32') }),
      { numSegments: 6 },
    );
  });
  it('drops ids outside [0, numSegments), as TensorFlow does', async () => {
    const got = await kernel(
      'wasm',
      'UnsortedSegmentSum',
      () => ({
        x: tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
        segmentIds: tf.tensor1d([1, -1, 5, 1], 'int32'),
      }),
      { numSegments: 2 },
    );
    expect(got.shape).toEqual([2, 2]);
    expect(Array.from(got.data)).toEqual([0, 0, 8, 10]);
  });
});

describe('registration', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  let log: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    await useBackend('wasm');
    warn = vi.spyOn(console, 'warn');
    log = vi.spyOn(console, 'log');
  });
  afterAll(() => {
    registerWasmKernels();
    warn.mockRestore();
    log.mockRestore();
  });

  it('loadWasm registered every trainkit kernel; registering again is silent and changes nothing', () => {
    expect(registeredWasmKernels().sort()).toEqual(WASM_KERNELS.map((k) => k.name).sort());
    const before = WASM_KERNELS.map((k) => tf.getKernel(k.name, 'wasm'));
    registerWasmKernels();
    registerWasmKernels();
    expect(WASM_KERNELS.map((k) => tf.getKernel(k.name, 'wasm'))).toEqual(before);
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('unregistering restores the stock kernels, which then show the bugs trainkit fixes; re-registering fixes them', async () => {
    unregisterWasmKernels();
    expect(registeredWasmKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeDefined();
    const step = () =>
      tf.tidy(() => {
        const x = rand([1, 6, 6, 2], 25) as tf.Tensor4D;
        const w = rand([3, 3, 2, 2], 26) as tf.Tensor4D;
        return tf
          .grad((v: tf.Tensor) => tf.conv2d(x, v as tf.Tensor4D, 1, 'same').sum())(w)
          .dataSync();
      });
    expect(step).toThrow(/Conv2DBackpropFilter/);
    registerWasmKernels();
    expect(step().length).toBe(36);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('no leaks', () => {
  it('20 forward+backward steps through every trainkit kernel keep tensors and wasm buffers flat', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const w1 = tf.variable(rand([3, 3, 3, 4], 27));
    const dw = tf.variable(rand([3, 3, 4, 2], 28));
    const fc = tf.variable(rand([10, 32], 29));
    const bias = tf.variable(rand([10], 30));
    const emb = tf.variable(rand([6, 4], 31));
    const x = rand([2, 9, 9, 3], 32) as tf.Tensor4D;
    const ids = tf.tensor1d([1, 5, 1, 0], 'int32');
    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        let h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, [2, 1], 'same'));
        h = tf.conv2d(
          h,
          w1.slice([0, 0, 0, 0], [3, 3, 3, 4]).transpose([0, 1, 3, 2]).slice(0, [3, 3, 4, 3]) as tf.Tensor4D,
          1,
          1,
          'NHWC',
          1,
          'ceil',
        );
        h = tf.depthwiseConv2d(h as tf.Tensor4D, dw.slice(0, [3, 3, 3, 2]) as tf.Tensor4D, 1, 'same');
        h = tf.maxPool(h as tf.Tensor4D, 3, 2, 1, 'ceil');
        h = tf.avgPool(h as tf.Tensor4D, 2, 1, 'same');
        const flat = tf.reshape(h, [2, -1]).slice([0, 0], [2, 32]);
        const logits = tf.fused.matMul({ a: flat, b: fc, transposeB: true, bias, activation: 'relu' });
        const e = tf.reshape(tf.gather(emb, ids), [2, 8]).slice([0, 0], [2, 8]);
        return tf.add(
          tf.mean(
            tf.matMul(
              logits,
              tf.pad(e, [
                [0, 0],
                [0, 2],
              ]),
              true,
              false,
            ),
          ),
          tf.mean(flat),
        );
      });
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([w1, dw, fc, bias, emb, x, ids]);
  });
});

describe('tfjs-backend-wasm surface', () => {
  it('is the pinned 4.22 and still has the BackendWasm members the JavaScript kernels use', async () => {
    const require = createRequire(import.meta.url);
    const pkg = require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string };
    // wasm-kernel-call.ts is the one place that touches BackendWasm; review it before moving off 4.22.
    expect(pkg.version).toBe('4.22.0');
    await useBackend('wasm');
    const backend = tf.backend() as unknown as Record<string, unknown>;
    for (const member of ['makeOutput', 'typedArrayFromHeap', 'disposeData']) {
      expect(typeof backend[member], member).toBe('function');
    }
    for (const name of [
      'Conv2D',
      'DepthwiseConv2dNative',
      'Transpose',
      'Reverse',
      'PadV2',
      'Slice',
      'Reshape',
      'Sum',
    ]) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });
});
