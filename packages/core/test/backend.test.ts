import { describe, expect, it } from 'vitest';
import { backendInfo, candidates, describeBackend, tf, useBackend } from '../src/index.js';
import { childBackend } from './helpers/child-backend.js';

describe('useBackend', () => {
  it("'auto' falls back to cpu when the optional backend packages are switched off, and says why", async () => {
    const before = { native: process.env.TRAINKIT_DISABLE_NATIVE, wasm: process.env.TRAINKIT_DISABLE_WASM };
    process.env.TRAINKIT_DISABLE_NATIVE = '1';
    process.env.TRAINKIT_DISABLE_WASM = '1';
    try {
      const info = await useBackend('auto');
      expect(info.name).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(info.skipped).toEqual([
        { name: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu: not installed' },
        { name: 'tensorflow', reason: '@tensorflow/tfjs-node: not installed' },
        { name: 'native', reason: '@trainkit/backend-native: disabled by TRAINKIT_DISABLE_NATIVE=1' },
        { name: 'wasm', reason: '@trainkit/backend-wasm: disabled by TRAINKIT_DISABLE_WASM=1' },
      ]);
      expect(backendInfo()).toEqual(info);
      expect(describeBackend()).toContain('cpu (auto; skipped tensorflow-gpu');
    } finally {
      for (const [key, value] of [
        ['TRAINKIT_DISABLE_NATIVE', before.native],
        ['TRAINKIT_DISABLE_WASM', before.wasm],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("asking for 'wasm' where @trainkit/backend-wasm cannot load says how to get it", async () => {
    const before = process.env.TRAINKIT_DISABLE_WASM;
    process.env.TRAINKIT_DISABLE_WASM = '1';
    try {
      await expect(useBackend('wasm')).rejects.toThrow(
        /not available: @trainkit\/backend-wasm: disabled by TRAINKIT_DISABLE_WASM=1; list @trainkit\/backend-wasm/,
      );
    } finally {
      if (before === undefined) delete process.env.TRAINKIT_DISABLE_WASM;
      else process.env.TRAINKIT_DISABLE_WASM = before;
    }
  });

  it("asking for 'tensorflow' fails with the install hint", async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(
      /not available: @tensorflow\/tfjs-node: not installed.*pnpm add @tensorflow\/tfjs-node/,
    );
    await expect(useBackend('tensorflow-gpu')).rejects.toThrow(/pnpm add @tensorflow\/tfjs-node-gpu/);
  });

  it('rejects an unknown name', async () => {
    await expect(useBackend('metal' as never)).rejects.toThrow(/'metal' is not a backend/);
  });

  it('lists the candidates in auto order', () => {
    expect(candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']);
  });
});

describe('backend from the environment', () => {
  it('TRAINKIT_BACKEND=cpu chooses cpu', () => {
    const { out } = childBackend({ TRAINKIT_BACKEND: 'cpu' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({ name: 'cpu', source: 'env' });
  });

  it('a bad TRAINKIT_BACKEND is a clear error', () => {
    const { err } = childBackend({ TRAINKIT_BACKEND: 'gpu' });
    expect(err).toContain("TRAINKIT_BACKEND='gpu' is not a backend");
  });
});
