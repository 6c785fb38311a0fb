// useBackend with this package installed: 'auto' reaches wasm, and says why it skipped the backends before it.
import { execFileSync } from 'node:child_process';
import { backendInfo, describeBackend, tf, useBackend } from '@trainkit/core';
import { describe, expect, it } from 'vitest';

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

// Environment-driven choices run in a child process so that the tfjs engine of this test file stays untouched.
function childBackend(env: Record<string, string>): { out: string; err: string } {
  const script = `
    import { useBackend, describeBackend, tf } from '${new URL('../../core/src/index.ts', import.meta.url).pathname}';
    const info = await useBackend();
    tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])).dataSync());
    console.log(JSON.stringify({ name: info.name, source: info.source, line: describeBackend() }));
  `;
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { out, err: '' };
  } catch (e) {
    const err = e as { stdout: string; stderr: string };
    return { out: err.stdout, err: err.stderr };
  }
}

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
