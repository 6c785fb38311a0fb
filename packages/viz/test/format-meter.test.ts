import { describe, expect, it } from 'vitest';
import { EMA, formatBar, formatInterval, formatMeter, formatNum, formatSizeof } from '../src/index.js';

// Expected strings are tqdm's own (tests/tests_tqdm.py: test_format_interval, test_format_num, test_format_meter,
// test_si_format, test_ema), so the JS meter is checked against the Python one character for character.
const fm = (n: number, total: number | undefined, elapsed: number, o: Record<string, unknown> = {}) =>
  formatMeter({ n, total, elapsed, ...o });

describe('formatInterval', () => {
  it('formats [H:]MM:SS like tqdm', () => {
    expect(formatInterval(60)).toBe('01:00');
    expect(formatInterval(6160)).toBe('1:42:40');
    expect(formatInterval(238113)).toBe('66:08:33');
    expect(formatInterval(-1)).toBe('-00:01');
    expect(formatInterval(-60)).toBe('-01:00');
    expect(formatInterval(-100000)).toBe('-27:46:40');
    expect(formatInterval(0)).toBe('00:00');
    expect(formatInterval(59.99)).toBe('00:59');
  });
});

describe('formatNum', () => {
  it('uses .3g unless the plain number is shorter', () => {
    expect(Number(formatNum(1337))).toBe(1337);
    expect(formatNum(1e6)).toBe('1e+6');
    expect(formatNum(1239876)).toBe('1239876');
    expect(formatNum(0.00001234)).toBe('1.23e-5');
    expect(formatNum(-0.1234)).toBe('-0.123');
    expect(formatNum(0.51)).toBe('0.51');
    expect(formatNum(0.5123)).toBe('0.512');
  });
});

describe('formatMeter', () => {
  it('matches tqdm for the default bar format', () => {
    expect(fm(0, 1000, 13)).toBe('  0%|          | 0/1000 [00:13<?, ?it/s]');
    expect(fm(0, 1000, 13, { ncols: 68, prefix: 'desc: ' })).toBe(
      'desc:   0%|                                | 0/1000 [00:13<?, ?it/s]',
    );
    expect(fm(231, 1000, 392)).toBe(' 23%|██▎       | 231/1000 [06:32<21:44,  1.70s/it]');
    expect(fm(10000, 1000, 13)).toBe('10000it [00:13, 769.23it/s]');
    expect(fm(5, Number.POSITIVE_INFINITY, 1)).toBe(fm(5, undefined, 1));
    expect(fm(231, 1000, 392, { ncols: 56, ascii: true })).toBe(
      ' 23%|###6            | 231/1000 [06:32<21:44,  1.70s/it]',
    );
    expect(fm(100000, 1000, 13, { unitScale: true, unit: 'iB' })).toBe('100kiB [00:13, 7.69kiB/s]');
    expect(fm(100, 1000, 12, { ncols: 0, rate: 7.33 })).toBe(' 10% 100/1000 [00:12<02:02,  7.33it/s]');
  });

  it('counts wide characters as two cells when sizing the bar', () => {
    expect(fm(0, 1000, 13, { ncols: 68, prefix: 'ｆｕｌｌｗｉｄｔｈ: ' })).toBe(
      'ｆｕｌｌｗｉｄｔｈ:   0%|                  | 0/1000 [00:13<?, ?it/s]',
    );
  });

  it('trims the stats-only line to ncols', () => {
    expect(fm(1, undefined, 12, { ncols: 10 })).toHaveLength(10);
  });

  it('shows description, unit, rate and postfix in the documented layout', () => {
    const line = fm(450, 1000, 3.5, { prefix: 'epoch 1', unit: 'batch', rate: 130.2, postfix: 'loss=0.51' });
    expect(line).toBe('epoch 1:  45%|████▌     | 450/1000 [00:03<00:04, 130.20batch/s, loss=0.51]');
  });

  it('rounds the percentage half to even like Python', () => {
    expect(fm(1, 8, 1)).toMatch(/^ 12%\|/);
    expect(fm(3, 8, 1)).toMatch(/^ 38%\|/);
  });

  it('puts SI prefixes on counts like tqdm', () => {
    const cases: [number, string][] = [
      [9, '9.00 '],
      [99, '99.0 '],
      [999, '999 '],
      [9994, '9.99k '],
      [9999, '10.0k '],
      [99499, '99.5k '],
      [99999, '100k '],
      [999999, '1.00M '],
      [999999999, '1.00G '],
      [999999999999, '1.00T '],
    ];
    for (const [total, s] of cases) expect(fm(1, total, 1, { unitScale: true })).toContain(s);
    expect(formatSizeof(1e24 * 0.999999999)).toBe('1.0Y');
  });
});

describe('formatBar', () => {
  it('fills eighths of a cell with the unicode partial blocks', () => {
    expect(formatBar(0.45, 10)).toBe('████▌     ');
    expect(formatBar(0, 4)).toBe('    ');
    expect(formatBar(1, 4)).toBe('████');
    expect(formatBar(0.3, 5, ' 123456789#')).toBe('#5   ');
  });
});

describe('EMA', () => {
  it('bias-corrects like tqdm.EMA', () => {
    const ema = new EMA(0.01);
    expect(ema.update(10)).toBeCloseTo(10, 2);
    expect(ema.update(1)).toBeCloseTo(5.48, 2);
    expect(ema.value).toBeCloseTo(5.48, 2);
    expect(ema.update(1)).toBeCloseTo(3.97, 2);
    expect(ema.update(1)).toBeCloseTo(3.22, 2);
  });
});
