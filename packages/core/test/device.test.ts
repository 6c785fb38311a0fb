// d2l's try_gpu / try_all_gpus and PyTorch's .to(device) on a machine without a GPU backend.
import { beforeAll, describe, expect, it } from 'vitest';
import { Device, device, nn, tf, toDevice, tryAllGpus, tryGpu, useBackend } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('devices', () => {
  it('tryGpu and tryAllGpus fall back to the CPU where the backend has no GPU, printing as PyTorch', () => {
    expect(String(tryGpu())).toBe('cpu');
    expect(tryGpu(3).type).toBe('cpu');
    expect(tryAllGpus().map(String)).toEqual(['cpu']);
    expect(String(device('cuda:1'))).toBe('cuda:1');
    expect(device('gpu')).toEqual(new Device('gpu', 0));
    expect(() => device('tpu')).toThrow(/expected 'cpu', 'cuda', 'cuda:N', 'gpu' or 'gpu:N', got 'tpu'/);
  });

  it('module.to(device) and toDevice(x, device) are no-ops on the device in use and refuse a missing GPU', () => {
    const net = new nn.Linear(2, 1);
    expect(net.to(tryGpu())).toBe(net);
    expect(net.to('cpu')).toBe(net);
    expect(() => net.to('cuda')).toThrow(/Linear.to: no cuda:0 here: the backend is cpu/);
    const x = tf.ones([1, 2]);
    expect(toDevice(x, tryGpu())).toBe(x);
    expect(() => toDevice(x, 'cuda:0')).toThrow(/toDevice: no cuda:0 here/);
    tf.dispose(x);
    net.dispose();
  });
});
