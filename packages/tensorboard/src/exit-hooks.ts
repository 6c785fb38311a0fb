/**
 * Flushes open writers when the process ends: on 'exit' (normal end, process.exit(), an uncaught exception) and on
 * SIGINT/SIGTERM. Listening for a signal replaces Node's default action (terminate), so after flushing we re-raise
 * the signal with our listener removed, unless the program has listeners of its own: then those decide.
 * The listeners are installed while at least one writer is open and removed when the last one closes.
 */
export interface Flushable {
  flush(): void;
}

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
  if (process.listenerCount(signal) === 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
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
