import type { ProgressStream } from '../../src/index.js';

/** A stream double that records every write; isTTY and columns say what kind of output it pretends to be. */
export class FakeStream implements ProgressStream {
  readonly chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
    readonly rows = 24,
  ) {}

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** A clock the test moves by hand, in seconds. */
export class FakeClock {
  t = 1000;
  readonly now = () => this.t;
  tick(seconds: number): void {
    this.t += seconds;
  }
}

/**
 * Replays what a terminal would show for text with \r, \n and cursor-up (ESC[A): returns the screen lines.
 * Enough of a terminal to check that in-place redraws leave the intended picture.
 */
export function renderTerminal(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\x1b' && text.startsWith('\x1b[A', i)) {
      row = Math.max(0, row - 1);
      i += 2;
    } else if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      while (lines.length <= row) lines.push('');
    } else {
      const chars = Array.from(lines[row] ?? '');
      while (chars.length < col) chars.push(' ');
      chars[col] = ch;
      lines[row] = chars.join('');
      col++;
    }
  }
  return lines.map((l) => l.trimEnd());
}
