// useBackend with this package installed: 'auto' reaches wasm, and says why it skipped the backends before it.
import { backendInfo, describeBackend, tf, useBackend } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { childBackend } from '../../core/test/helpers/child-backend.js';

describe('useBackend', () => {
  it("'auto' picks native when @trainkit/backend-native loads, else wasm, and says why the others were skipped", async () => {
    const info = await useBackend('auto');
    const native = info.skipped.find((s) => s.name === 'native');
    const expected = native ? 'wasm' : 'native';
    expect(info.name).toBe(expected);
    expect(tf.getBackend()).toBe(expected);
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', ...(native ? ['native'] : [])]);
    expect(info.skipped[0]!.reason).toBe('@tensorflow/tfjs-node-gpu: not installed');
    expect(info.skipped[1]!.reason).toBe('@tensorflow/tfjs-node: not installed');
    // a skipped native backend names the package and what is missing
    if (native) expect(native.reason).toMatch(/^@trainkit\/backend-native: /);
    expect(backendInfo()).toEqual(info);
    expect(describeBackend()).toContain(`${expected} (auto; skipped tensorflow-gpu`);
  });

  it("TRAINKIT_DISABLE_NATIVE=1 makes 'auto' skip native with that reason", async () => {
    const before = process.env.TRAINKIT_DISABLE_NATIVE;
    process.env.TRAINKIT_DISABLE_NATIVE = '1';
    try {
      const info = await useBackend('auto');
      expect(info.name).toBe('wasm');
      expect(info.skipped.find((s) => s.name === 'native')?.reason).toBe(
        '@trainkit/backend-native: disabled by TRAINKIT_DISABLE_NATIVE=1',
      );
    } finally {
      if (before === undefined) delete process.env.TRAINKIT_DISABLE_NATIVE;
      else process.env.TRAINKIT_DISABLE_NATIVE = before;
    }
  });
});

describe('backend from the environment', () => {
  it('auto falls back to cpu when wasm is disabled, without the tfjs banner', () => {
    const { out, err } = childBackend({
      TRAINKIT_DISABLE_WASM: '1',
      TRAINKIT_DISABLE_NATIVE: '1',
      TRAINKIT_BACKEND: '',
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.name).toBe('cpu');
    expect(result.line).toContain('wasm: @trainkit/backend-wasm: disabled by TRAINKIT_DISABLE_WASM=1');
    expect(out + err).not.toContain('Hi, looks like you are running TensorFlow.js');
  });
});
