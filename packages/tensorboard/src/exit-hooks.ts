/**
 * Flushes open writers when the process ends: on 'exit' (normal end, process.exit(), an uncaught exception) and on
 * SIGINT/SIGTERM. Listening for a signal replaces Node's default action (terminate), so after flushing we re-raise
 * the signal with our listener removed, unless the program has listeners of its own: then those decide.
 * The listeners are installed while at least one writer is open and removed when the last one closes.
 */
export interface Flushable {
  flush(): void;
  /** Resolves once what flush() started is stored (an upload to S3); awaited on SIGINT/SIGTERM before exiting. */
  settle?(): Promise<void>;
}

// How long a signal waits for uploads started by the flush before the process ends anyway.
const SETTLE_TIMEOUT_MS = 10_000;

const open = new Set<Flushable>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function flushAll(): void {
  for (const w of open) {
    try {
      w.flush();
    } catch (err) {
      process.stderr.write(`@trainkit/tensorboard: flush at exit failed: ${(err as Error).message}\n`);
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  flushAll();
  if (process.listenerCount(signal) !== 1) return;
  uninstall();
  const pending = [...open].map((w) => w.settle?.()).filter((p) => p !== undefined);
  if (pending.length === 0) {
    process.kill(process.pid, signal);
    return;
  }
  // S3 uploads are asynchronous: give the ones the flush started a chance to finish before the signal ends us.
  const timeout = new Promise((resolve) => setTimeout(resolve, SETTLE_TIMEOUT_MS).unref());
  void Promise.race([Promise.allSettled(pending), timeout]).then(() => process.kill(process.pid, signal));
}

function install(): void {
  process.on('exit', flushAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', flushAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function registerOpenWriter(w: Flushable): void {
  if (open.size === 0) install();
  open.add(w);
}

export function unregisterOpenWriter(w: Flushable): void {
  if (open.delete(w) && open.size === 0) uninstall();
}
