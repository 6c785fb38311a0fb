import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageEntry } from './package-entry.js';

/** Threads a backend's kernels run on, where the backend package sets them up. */
export interface BackendThreads {
  threads: number;
  /** set when threads were wanted and the backend runs on one */
  singleThreadReason?: string;
  /** with threads: which kernels use them ('large ops', or 'every op (why)') */
  poolFor?: string;
}

/** An optional trainkit backend package as core drives it. */
export interface BackendPackage {
  /** Whether the backend can run in this process, and why not. */
  status(): { available: boolean; reason: string };
  /** Registers the backend, and trainkit's kernels for it, with tfjs (idempotent). */
  register(): void | Promise<void>;
  /** After it initialised: its threads, where the package sets them up. */
  threads?(): BackendThreads | undefined;
}

// Shared by every copy of core in the process (ESM and CJS side by side), as tfjs's own registries are.
const PROVIDED = Symbol.for('trainkit.backendPackages');
const registry = globalThis as { [PROVIDED]?: Map<string, BackendPackage> };
registry[PROVIDED] ??= new Map();
const provided = registry[PROVIDED];

/**
 * Hands core a backend package that is already loaded (the package does this when an app or a test registers it
 * itself), so that useBackend takes it as it is instead of looking it up.
 */
export function provideBackendPackage(pkg: string, backend: BackendPackage): void {
  provided.set(pkg, backend);
}

/** The backend package core loaded or was given under that name, if any. */
export function providedBackendPackage(pkg: string): BackendPackage | undefined {
  return provided.get(pkg);
}

/**
 * The one lookup of an optional trainkit backend package (@trainkit/backend-native, @trainkit/backend-wasm). Core
 * does not depend on them (they depend on core), so a package is resolved at run time from core, from the app's
 * directory and from the main script, imported, adapted by `open`, checked and registered. The errors name the
 * package and say what is missing: "not installed", "disabled by …", "failed to load (…)", or its own status.
 */
export async function loadBackendPackage(
  pkg: string,
  options: { disabledBy: string; open(module: unknown): BackendPackage },
): Promise<BackendPackage> {
  if (process.env[options.disabledBy] === '1') throw new Error(`${pkg}: disabled by ${options.disabledBy}=1`);
  let backend = provided.get(pkg);
  if (!backend) {
    backend = options.open(await importBackendPackage(pkg));
    provided.set(pkg, backend);
  }
  const status = backend.status();
  if (!status.available) throw new Error(`${pkg}: ${status.reason}`);
  await backend.register();
  return backend;
}

async function importBackendPackage(pkg: string): Promise<unknown> {
  const bases = [import.meta.url, join(process.cwd(), 'index.js'), process.argv[1]].filter((b): b is string => !!b);
  let entry: string | undefined;
  for (const base of bases) {
    try {
      entry = packageEntry(pkg, base);
      break;
    } catch {
      // not reachable from this base
    }
  }
  if (!entry) throw new Error(`${pkg}: not installed`);
  try {
    return await import(pathToFileURL(entry).href);
  } catch (err) {
    throw new Error(`${pkg}: failed to load (${String((err as Error).message).split('\n')[0]})`);
  }
}
