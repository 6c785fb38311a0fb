import { tf } from '../tf.js';

/**
 * One trainkit kernel for one backend.
 * 'missing': an op of trainkit's own, or one the backend's tfjs release lacks; a backend that already has the kernel
 * (a later tfjs, or a backend package that brings its own) keeps it.
 * 'replace': made from the stock kernel it replaces (its fallback for the cases it does not handle), and it wins.
 */
export type BackendKernel =
  | { name: string; role: 'missing'; kernelFunc: tf.KernelFunc }
  | { name: string; role: 'replace'; make(stock: tf.KernelConfig | undefined): tf.KernelFunc };

// Marks our configs, so that a second copy of trainkit in the process (ESM and CJS side by side) leaves them be.
const MARK = Symbol.for('trainkit.kernel');
type Marked = tf.KernelConfig & { [MARK]?: { stock: tf.KernelConfig | undefined } };

const marked = (name: string, backendName: string) => (tf.getKernel(name, backendName) as Marked | undefined)?.[MARK];
const selected = (kernels: readonly BackendKernel[], names: readonly string[] | undefined) =>
  names ? kernels.filter((k) => names.includes(k.name)) : kernels;

/** The stock kernel a 'replace' kernel needs, or an error that says it was not there to wrap. */
export function requireStock(backendName: string, name: string, stock: tf.KernelConfig | undefined): tf.KernelConfig {
  if (!stock) throw new Error(`${backendName} kernels: '${name}' must be registered by tfjs before trainkit wraps it`);
  return stock;
}

/**
 * Registers `kernels` (or the named ones among them) for a backend: one list, one loop, the same for cpu, wasm and
 * native. Idempotent and silent. A replaced kernel keeps the stock setupFunc and disposeFunc, which a backend runs at
 * initialisation and the wrapped stock kernel may still need.
 */
export function registerKernels(
  backendName: string,
  kernels: readonly BackendKernel[],
  options: { only?: readonly string[] } = {},
): void {
  for (const k of selected(kernels, options.only)) {
    const existing = tf.getKernel(k.name, backendName) as Marked | undefined;
    if (existing?.[MARK]) continue;
    if (existing && k.role === 'missing') continue;
    if (existing) tf.unregisterKernel(k.name, backendName);
    const config: Marked = {
      kernelName: k.name,
      backendName,
      kernelFunc: k.role === 'missing' ? k.kernelFunc : k.make(existing),
      ...(existing?.setupFunc ? { setupFunc: existing.setupFunc } : {}),
      ...(existing?.disposeFunc ? { disposeFunc: existing.disposeFunc } : {}),
      [MARK]: { stock: existing },
    };
    tf.registerKernel(config);
  }
}

/** Puts the backend's own kernels back and removes trainkit's: for tests and benchmarks that compare. */
export function unregisterKernels(
  backendName: string,
  kernels: readonly BackendKernel[],
  options: { only?: readonly string[] } = {},
): void {
  for (const k of selected(kernels, options.only)) {
    const mark = marked(k.name, backendName);
    if (!mark) continue;
    tf.unregisterKernel(k.name, backendName);
    if (mark.stock) tf.registerKernel(mark.stock);
  }
}

/** The names among `kernels` that trainkit has registered for the backend right now. */
export function registeredKernels(backendName: string, kernels: readonly BackendKernel[]): string[] {
  return kernels.filter((k) => marked(k.name, backendName)).map((k) => k.name);
}
