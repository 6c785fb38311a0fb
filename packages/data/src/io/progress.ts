/** One progress report of a download; `total` is undefined when the server does not say. */
export interface DownloadProgress {
  file: string;
  url: string;
  /** bytes in the file so far, counting a resumed part */
  received: number;
  total: number | undefined;
  /** bytes already on disk when this transfer started (a resumed .part file) */
  resumedFrom: number;
  done: boolean;
}

export type ProgressCallback = (p: DownloadProgress) => void;

const mb = (n: number) => (n / 1e6).toFixed(1);

/**
 * A plain progress bar on stderr: redrawn in place (at most every 100 ms) on a terminal, a line at the start and
 * the end otherwise, so CI logs stay short.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressCallback {
  let last = 0;
  let started = false;
  return (p) => {
    const tty = stream.isTTY === true;
    const now = Date.now();
    const pct = p.total ? Math.floor((100 * p.received) / p.total) : undefined;
    const what = `${p.file} ${mb(p.received)}${p.total ? `/${mb(p.total)}` : ''} MB${pct !== undefined ? ` ${pct}%` : ''}`;
    if (tty) {
      if (!p.done && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = pct !== undefined ? Math.round((pct / 100) * width) : 0;
      const bar = pct !== undefined ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
      stream.write(`\rdownloading ${bar}${what}${p.done ? '\n' : ''}`);
    } else if (!started || p.done) {
      stream.write(
        p.done
          ? `downloaded ${what}\n`
          : `downloading ${p.url}${p.resumedFrom ? ` (resuming at ${mb(p.resumedFrom)} MB)` : ''}${p.total ? `, ${mb(p.total)} MB` : ''}\n`,
      );
    }
    started = !p.done;
  };
}
