import { backendInfo } from './use-backend.js';

/**
 * Where tensors live, as torch.device: 'cpu' or 'gpu' (PyTorch's 'cuda'). tfjs has one backend per process, chosen by
 * useBackend, and every tensor lives on it: so a device here names a backend kind to check against, and moving a
 * tensor or module "to" the device in use is a no-op, as in PyTorch; asking for a GPU the backend does not run on is an
 * error, not a silent fall-back.
 */
export class Device {
  constructor(
    readonly type: 'cpu' | 'gpu',
    readonly index = 0,
  ) {}

  /** As PyTorch prints it: `cpu`, `cuda:0`. */
  toString(): string {
    return this.type === 'cpu' ? 'cpu' : `cuda:${this.index}`;
  }
}

/** Parses 'cpu', 'gpu', 'cuda', 'cuda:1' or 'gpu:1'. */
export function device(spec: string): Device {
  const m = /^(cpu|gpu|cuda)(?::(\d+))?$/.exec(spec.trim());
  if (!m || (m[1] === 'cpu' && m[2] !== undefined)) {
    throw new Error(`device: expected 'cpu', 'cuda', 'cuda:N', 'gpu' or 'gpu:N', got '${spec}'`);
  }
  return new Device(m[1] === 'cpu' ? 'cpu' : 'gpu', Number(m[2] ?? 0));
}

/** Whether the backend in use computes on a GPU (tfjs-node-gpu). */
export function onGpu(): boolean {
  return backendInfo()?.name === 'tensorflow-gpu';
}

/**
 * d2l's try_gpu: GPU i when the backend runs on a GPU and has it, else the CPU. tfjs-node-gpu exposes one device per
 * process (TensorFlow places ops itself), so only i = 0 exists there.
 */
export function tryGpu(i = 0): Device {
  return onGpu() && i === 0 ? new Device('gpu', 0) : new Device('cpu');
}

/** d2l's try_all_gpus: every GPU the backend has ([gpu 0] on tfjs-node-gpu), else [cpu]. */
export function tryAllGpus(): Device[] {
  return onGpu() ? [new Device('gpu', 0)] : [new Device('cpu')];
}

/**
 * Checks that `target` is where tensors already are, for `module.to(device)` and `toDevice(x, device)`; throws with
 * what to do otherwise.
 */
export function checkDevice(target: Device | string, what: string): void {
  const d = typeof target === 'string' ? device(target) : target;
  const gpu = onGpu();
  if (d.type === 'gpu' && (!gpu || d.index !== 0)) {
    const backend = backendInfo()?.name ?? 'none chosen yet';
    throw new Error(
      `${what}: no ${d} here: the backend is ${backend}; tensors live on the backend useBackend chose (use tryGpu() to get the GPU when there is one, the CPU otherwise)`,
    );
  }
  if (d.type === 'cpu' && gpu) {
    throw new Error(
      `${what}: the backend computes on the GPU (tensorflow-gpu); choose a CPU backend with useBackend to run on cpu`,
    );
  }
}

/** `x.to(device)` for a tensor or a batch of them: returns them as they are once checkDevice agrees. */
export function toDevice<T>(x: T, target: Device | string): T {
  checkDevice(target, 'toDevice');
  return x;
}
