import { quietCpuBanner, tf } from '../tf.js';
import { BACKEND_NAMES, type BackendName, type ConcreteBackend, isBackendName } from './backend-name.js';
import { type BackendCandidate, candidates } from './candidates.js';
import { registerTransposeElision } from './transpose-elision.js';

export interface BackendInfo {
  /** the trainkit name of the backend in use */
  name: ConcreteBackend;
  /** what was asked for: an explicit name, 'auto', or the value of TRAINKIT_BACKEND */
  requested: BackendName;
  /** where the request came from */
  source: 'argument' | 'env' | 'default';
  /** why each backend tried before the winner was skipped, in order */
  skipped: { name: ConcreteBackend; reason: string }[];
  /** threads the backend's kernels run on, where trainkit sets them up (wasm) */
  threads?: number;
  /** why the backend runs on one thread although more were wanted */
  singleThreadReason?: string;
  /** with threads: which kernels use them, 'large ops' (small ones stay on one thread) or 'every op (why)' */
  poolFor?: string;
}

let current: BackendInfo | undefined;

async function activate(candidate: BackendCandidate): Promise<void> {
  await candidate.load();
  registerTransposeElision(candidate.tfName);
  const ok = await tf.setBackend(candidate.tfName);
  if (!ok) throw new Error(`${candidate.tfName}: tfjs could not initialise it`);
  await tf.ready();
  quietCpuBanner();
}

function resolveRequest(name?: BackendName): { requested: BackendName; source: BackendInfo['source'] } {
  if (name) return { requested: name, source: 'argument' };
  const env = process.env.TRAINKIT_BACKEND?.trim();
  if (env) {
    if (!isBackendName(env)) {
      throw new Error(`TRAINKIT_BACKEND='${env}' is not a backend; expected one of ${BACKEND_NAMES.join(', ')}`);
    }
    return { requested: env, source: 'env' };
  }
  return { requested: 'auto', source: 'default' };
}

/**
 * Chooses the tfjs backend. 'auto' tries tfjs-node-gpu, tfjs-node, native (oneDNN), wasm and cpu in that order and
 * keeps the first that loads; an explicit name that cannot load throws with how to install it. With no argument, TRAINKIT_BACKEND
 * decides, else 'auto'.
 */
export async function useBackend(name?: BackendName): Promise<BackendInfo> {
  if (name !== undefined && !isBackendName(name)) {
    throw new Error(`useBackend: '${name}' is not a backend; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  const { requested, source } = resolveRequest(name);
  const skipped: BackendInfo['skipped'] = [];
  if (requested !== 'auto') {
    const candidate = candidates.find((c) => c.name === requested)!;
    try {
      await activate(candidate);
    } catch (err) {
      throw new Error(`backend '${requested}' is not available: ${(err as Error).message}; ${candidate.installHint}`);
    }
    current = { name: candidate.name, requested, source, skipped, ...candidate.threads?.() };
    return current;
  }
  for (const candidate of candidates) {
    try {
      await activate(candidate);
      current = { name: candidate.name, requested, source, skipped, ...candidate.threads?.() };
      return current;
    } catch (err) {
      skipped.push({ name: candidate.name, reason: (err as Error).message });
    }
  }
  throw new Error(`no backend could load:\n${skipped.map((s) => `  ${s.name}: ${s.reason}`).join('\n')}`);
}

/** The backend in use and why the ones before it were skipped; undefined before useBackend ran. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/** One line for logs: "wasm (auto; skipped tensorflow-gpu: … ; tensorflow: …; 2 threads)". */
export function describeBackend(info: BackendInfo | undefined = current): string {
  if (!info) return 'no backend chosen yet (call useBackend)';
  const why = info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const from = info.source === 'env' ? `TRAINKIT_BACKEND=${info.requested}` : info.requested;
  const threads = info.threads === undefined ? '' : `; ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const single = info.singleThreadReason ? ` (${info.singleThreadReason})` : '';
  return `${info.name} (${from}${why ? `; skipped ${why}` : ''}${threads}${single})`;
}
