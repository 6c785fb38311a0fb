import { describe, expect, it } from 'vitest';
import { ProgressBar, progress, trange } from '../src/index.js';
import { FakeClock, FakeStream, renderTerminal } from './helpers/fake-stream.js';

const ESC = '\x1b';

describe('progress on a terminal', () => {
  it('redraws in place with \\r and leaves the final line with the average rate', () => {
    const stream = new FakeStream(true, 80);
    const clock = new FakeClock();
    const seen: number[] = [];
    for (const x of progress([10, 20, 30, 40, 50], { desc: 'train', unit: 'batch', stream, clock: clock.now })) {
      seen.push(x);
      clock.tick(1);
    }
    expect(seen).toEqual([10, 20, 30, 40, 50]);
    // initial draw + one redraw per item (1 s apart > mininterval) + final
    expect(stream.chunks.length).toBe(1 + 5 + 2);
    for (const c of stream.chunks.slice(0, -1)) expect(c.startsWith('\r')).toBe(true);
    expect(stream.chunks.at(-1)).toBe('\n');
    const screen = renderTerminal(stream.text);
    expect(screen[0]).toMatch(/^train: 100%\|█+\| 5\/5 \[00:05<00:00, {2}1\.00batch\/s\]$/);
    expect(screen[0]).toHaveLength(80);
    expect(screen).toHaveLength(2);
  });

  it('does not redraw more often than mininterval', () => {
    const stream = new FakeStream(true);
    const clock = new FakeClock();
    const bar = progress({ total: 1000, stream, clock: clock.now, mininterval: 0.5 });
    for (let i = 0; i < 1000; i++) {
      bar.update();
      clock.tick(1 / 64);
    }
    bar.close();
    // 1000/64 s of updates, a redraw once 0.5 s (32 updates) have passed: 31 redraws, plus the first and last line
    expect(stream.chunks.length).toBe(1 + 31 + 2);
    expect(renderTerminal(stream.text)[0]).toContain('1000/1000');
  });

  it('smooths the rate with an exponential moving average (smoothing 0.3)', () => {
    const stream = new FakeStream(true);
    const clock = new FakeClock();
    const bar = progress({ total: 100, stream, clock: clock.now, mininterval: 0 });
    clock.tick(1);
    bar.update(10); // 10 it/s
    clock.tick(2);
    bar.update(2); // 1 it/s
    // bias-corrected EMA of dn and dt: dn = (0.3*2 + 0.21*10) / (1 - 0.49), dt = (0.3*2 + 0.21*1) / (1 - 0.49)
    const expected = (0.3 * 2 + 0.7 * 0.3 * 10) / (0.3 * 2 + 0.7 * 0.3 * 1);
    expect(bar.rate).toBeCloseTo(expected, 10);
    expect(bar.toString()).toContain(`${expected.toFixed(2)}it/s`);
    bar.close();
  });

  it('shows postfix and description changes', () => {
    const stream = new FakeStream(true, 100);
    const clock = new FakeClock();
    const bar = progress({ total: 1000, stream, clock: clock.now, unit: 'batch' });
    clock.tick(3.5);
    bar.update(450);
    bar.setPostfix({ loss: 0.5123, acc: 0.9 });
    bar.setDescription('epoch 2');
    const line = renderTerminal(stream.text)[0];
    expect(line).toMatch(
      /^epoch 2: {2}45%\|█+[▉-▏]? *\| 450\/1000 \[00:03<00:04, 128\.57batch\/s, loss=0\.512, acc=0\.9\]$/,
    );
    bar.close();
  });

  it('draws nested bars on their own lines with cursor moves and erases a bar with leave=false', () => {
    const stream = new FakeStream(true, 60);
    const clock = new FakeClock();
    for (const epoch of trange(2, { desc: 'epoch', stream, clock: clock.now })) {
      const inner = progress([1, 2, 3], { desc: `batch ${epoch}`, leave: false, stream, clock: clock.now });
      expect(inner.position).toBe(1);
      for (const _ of inner) clock.tick(1);
    }
    const text = stream.text;
    expect(text).toContain(`\n\rbatch 0:`);
    expect(text).toContain(`${ESC}[A`);
    const screen = renderTerminal(text);
    expect(screen[0]).toMatch(/^epoch: 100%\|█+\| 2\/2 \[00:06<00:00, {2}3\.00s\/it\]$/);
    // the inner bar's line was blanked when it closed
    expect(screen.slice(1).every((l) => l === '')).toBe(true);
  });

  it('write() prints a message above the bars and draws them again', () => {
    const stream = new FakeStream(true, 60);
    const clock = new FakeClock();
    const bar = progress({ total: 10, desc: 'run', stream, clock: clock.now });
    clock.tick(1);
    bar.update(3);
    ProgressBar.write('checkpoint saved', { stream });
    clock.tick(1);
    bar.update(7);
    bar.close();
    const screen = renderTerminal(stream.text);
    expect(screen[0]).toBe('checkpoint saved');
    expect(screen[1]).toMatch(/^run: 100%\|█+\| 10\/10/);
  });

  it('hides bars beyond the terminal height', () => {
    const stream = new FakeStream(true, 60, 3);
    const bars = [0, 1, 2, 3].map((position) => progress({ total: 5, position, stream, leave: false }));
    const screen = renderTerminal(stream.text);
    expect(screen[2]).toBe(' ... (more hidden) ...');
    expect(screen).toHaveLength(3);
    for (const b of bars) b.close();
  });
});

describe('progress off a terminal', () => {
  it('prints plain lines at most every minintervalNonTty seconds and a final line, with no escape codes', () => {
    const stream = new FakeStream(false);
    const clock = new FakeClock();
    const items = Array.from({ length: 100 }, (_, i) => i);
    for (const _ of progress(items, { desc: 'epoch 1', stream, clock: clock.now, minintervalNonTty: 5 })) {
      clock.tick(0.5);
    }
    // 50 s of work, a line every 5 s (after items 10, 20, ..., 100), then the final line
    expect(stream.chunks).toHaveLength(11);
    for (const c of stream.chunks) {
      expect(c.endsWith('\n')).toBe(true);
      for (const ch of ['\r', '\n', ESC]) expect(c.slice(0, -1).includes(ch)).toBe(false);
    }
    expect(stream.chunks[0]).toBe('epoch 1:  10%|█         | 10/100 [00:05<00:45,  2.00it/s]\n');
    expect(stream.chunks.at(-1)).toBe('epoch 1: 100%|██████████| 100/100 [00:50<00:00,  2.00it/s]\n');
  });

  it('defaults to one line every 10 s', () => {
    const stream = new FakeStream(false);
    const clock = new FakeClock();
    const bar = progress({ total: 30, stream, clock: clock.now });
    for (let i = 0; i < 30; i++) {
      clock.tick(1);
      bar.update();
    }
    bar.close();
    expect(stream.chunks).toHaveLength(3 + 1);
  });

  it('prints the final line when the loop breaks early', () => {
    const stream = new FakeStream(false);
    const clock = new FakeClock();
    for (const x of progress([1, 2, 3, 4, 5], { stream, clock: clock.now })) {
      clock.tick(1);
      if (x === 3) break;
    }
    expect(stream.chunks).toEqual([' 40%|████      | 2/5 [00:03<00:04,  1.50s/it]\n']);
  });
});

describe('progress over async iterables', () => {
  it('wraps an async generator and shows counts when the total is unknown', async () => {
    const stream = new FakeStream(false);
    const clock = new FakeClock();
    async function* gen() {
      for (let i = 0; i < 4; i++) yield i;
    }
    const got: number[] = [];
    for await (const x of progress(gen(), { stream, clock: clock.now, unit: 'batch' })) {
      got.push(x);
      clock.tick(2);
    }
    expect(got).toEqual([0, 1, 2, 3]);
    expect(stream.text).toBe('4batch [00:08,  2.00s/batch]\n');
  });

  it('takes the total from length and iterates a sync iterable with for await', async () => {
    const stream = new FakeStream(false);
    const bar = progress(new Set(['a', 'b']), { stream });
    expect(bar.total).toBe(2);
    const got: string[] = [];
    for await (const x of bar) got.push(x);
    expect(got).toEqual(['a', 'b']);
    expect(stream.text).toContain('2/2');
  });

  it('refuses sync iteration of an async-only input', () => {
    async function* gen() {
      yield 1;
    }
    const bar = progress(gen(), { stream: new FakeStream(false) });
    expect(() => [...bar]).toThrow(/async-iterable/);
    bar.close();
  });
});

describe('disable', () => {
  it('writes nothing and passes items through', () => {
    const stream = new FakeStream(true);
    expect([...progress([1, 2], { stream, disable: true })]).toEqual([1, 2]);
    expect(stream.chunks).toEqual([]);
  });
});
