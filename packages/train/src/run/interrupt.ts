import { constants } from 'node:os';

export interface InterruptOptions {
  /** signals that ask for a graceful stop (default SIGINT, SIGTERM and SIGHUP) */
  signals?: NodeJS.Signals[];
  /** told once, on the first signal (default: a line on stderr explaining what happens next) */
  onRequest?: (signal: NodeJS.Signals) => void;
  /** how a second signal ends the process (default process.exit); tests replace it */
  exit?: (code: number) => void;
}

/**
 * Graceful stop for a training loop, the Ctrl-C behaviour users expect: the first signal only sets `requested`, so
 * the loop finishes the current step, saves a checkpoint and flushes its logs; a second signal exits at once with
 * 128 + the signal number (130 for SIGINT), as a shell reports a process killed by it.
 */
export class InterruptGuard {
  /** the signal received, once one was */
  signal: NodeJS.Signals | undefined;
  readonly #listeners = new Map<NodeJS.Signals, () => void>();
  #muted: (() => void) | undefined;

  constructor(options: InterruptOptions = {}) {
    // SIGHUP: the terminal was closed (or the ssh session dropped); Node's default would end the run unsaved.
    const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const onRequest =
      options.onRequest ??
      ((signal: NodeJS.Signals) => {
        // After SIGHUP the terminal may be gone: a failed write must not stop the checkpoint from being saved.
        try {
          process.stderr.write(
            `\n${signal} received: stopping after the current step, then saving a checkpoint and the logs (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again quits at once)\n`,
          );
        } catch {
          // nobody to tell
        }
      });
    for (const signal of signals) {
      const listener = () => {
        if (this.signal !== undefined) {
          exit(InterruptGuard.exitCode(signal));
          return;
        }
        this.signal = signal;
        if (signal === 'SIGHUP') this.#muted = muteOutput();
        onRequest(signal);
      };
      this.#listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /** true once a stop was asked for: leave the loop after the current step */
  get requested(): boolean {
    return this.signal !== undefined;
  }

  /**
   * Lets a pending signal in, then tells whether a stop was asked for: call once per step. Node delivers signals
   * from its event loop, which a training loop never reaches while its awaits meet ready promises (batches built
   * ahead, in-memory data): without this yield, Ctrl-C would only be seen at the end of the epoch.
   */
  async check(): Promise<boolean> {
    await new Promise<void>((resume) => setImmediate(resume));
    return this.requested;
  }

  /** The exit code for a graceful stop on this guard's signal (130 for SIGINT), or 0 when none came. */
  get exitCode(): number {
    return this.signal === undefined ? 0 : InterruptGuard.exitCode(this.signal);
  }

  static exitCode(signal: NodeJS.Signals): number {
    return 128 + (constants.signals[signal] ?? 0);
  }

  /** Removes the handlers: the next signal gets Node's default behaviour again. */
  dispose(): void {
    for (const [signal, listener] of this.#listeners) process.off(signal, listener);
    this.#listeners.clear();
    this.#muted?.();
    this.#muted = undefined;
  }
}

/**
 * After SIGHUP the terminal is gone and every write to it fails (EIO), each failure an 'error' event that would end
 * the process before the checkpoint is saved: those errors are swallowed until dispose().
 */
function muteOutput(): () => void {
  const ignore = () => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  return () => {
    process.stdout.off('error', ignore);
    process.stderr.off('error', ignore);
  };
}

/** Installs an InterruptGuard; call dispose() when the loop is over. */
export function onInterrupt(options: InterruptOptions = {}): InterruptGuard {
  return new InterruptGuard(options);
}
