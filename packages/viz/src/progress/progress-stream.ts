/** Where bars are drawn: process.stderr by default, or anything with write() (a file stream, a test double). */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True for a terminal: bars redraw in place. Otherwise plain lines are printed now and then. */
  isTTY?: boolean;
  /** Terminal width in cells; the bar fills what the text leaves. */
  columns?: number;
  /** Terminal height; bars at positions past it are hidden. */
  rows?: number;
}

/** Moves the cursor `n` lines down (n > 0) or up (n < 0) from the current line, as tqdm's moveto. */
export function moveTo(n: number): string {
  return n >= 0 ? '\n'.repeat(n) : '\x1b[A'.repeat(-n);
}

export function isStdStream(stream: ProgressStream): boolean {
  return stream === process.stdout || stream === process.stderr;
}
