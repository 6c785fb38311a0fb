/** Names a user can ask for; 'auto' picks the fastest one that loads. */
export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

/** Concrete backends, in the order 'auto' tries them. */
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu'];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
