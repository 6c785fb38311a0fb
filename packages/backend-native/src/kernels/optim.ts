import type { tf } from '@trainkit/core';
import {
  ADAM_UPDATE,
  type AdamUpdateAttrs,
  adamUpdateConstants,
  SGD_UPDATE,
  type SGDUpdateAttrs,
} from '@trainkit/core/kernels';
import type { NativeAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { floats, uninitialised } from './util.js';

const missing = (name: string) => new Error(`${name} on native: missing or non-float32 inputs`);

/**
 * core's fused optimizer updates (ADAM_UPDATE, SGD_UPDATE) on the addon: one pass per parameter instead
 * of the op-by-op update, with the same inputs, attributes, outputs and float32 rounding as core's cpu kernels.
 */
export function optimKernels(addon: NativeAddon): tf.KernelConfig[] {
  const adam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamUpdateAttrs;
    const b = backend as NativeBackend;
    const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = inputs as Record<string, tf.TensorInfo | undefined>;
    const [p, g, m, v] = [param, grad, expAvg, expAvgSq].map((t) => t && floats(b, t));
    const vMax = maxExpAvgSq ? floats(b, maxExpAvgSq) : undefined;
    if (!param || !p || !g || !m || !v || (a.amsgrad && !vMax)) throw missing(ADAM_UPDATE);
    const outs = Array.from({ length: a.amsgrad ? 4 : 3 }, () => uninitialised(b, p.length));
    const c = adamUpdateConstants(a);
    addon.adamUpdate(
      p,
      g,
      m,
      v,
      a.amsgrad ? (vMax ?? null) : null,
      outs[0]!,
      outs[1]!,
      outs[2]!,
      outs[3] ?? null,
      Float64Array.of(c.b1, c.b2, c.eps, c.l2, c.stepSize, c.bc2Sqrt, c.decay, c.sign),
    );
    return outs.map((values) => b.makeTensorInfo(param.shape, 'float32', values));
  };

  const sgd: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as SGDUpdateAttrs;
    const b = backend as NativeBackend;
    const { param, grad, momentumBuffer } = inputs as Record<string, tf.TensorInfo | undefined>;
    const p = param && floats(b, param);
    const g = grad && floats(b, grad);
    const prev = momentumBuffer ? floats(b, momentumBuffer) : undefined;
    if (!param || !p || !g || (momentumBuffer && !prev)) throw missing(SGD_UPDATE);
    const outs = Array.from({ length: a.momentum !== 0 ? 2 : 1 }, () => uninitialised(b, p.length));
    addon.sgdUpdate(
      p,
      g,
      prev ?? null,
      outs[0]!,
      outs[1] ?? null,
      Float64Array.of(a.lr, a.momentum, a.dampening, a.weightDecay, a.nesterov ? 1 : 0, a.maximize ? 1 : 0),
    );
    return outs.map((values) => b.makeTensorInfo(param.shape, 'float32', values));
  };

  return [
    { kernelName: ADAM_UPDATE, backendName: 'native', kernelFunc: adam },
    { kernelName: SGD_UPDATE, backendName: 'native', kernelFunc: sgd },
  ];
}
