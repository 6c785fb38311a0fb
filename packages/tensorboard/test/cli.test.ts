import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { SummaryWriter } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-cli-'));
let brokenFile = '';

beforeAll(async () => {
  for (const [name, lr] of [
    ['a', 0.1],
    ['b', 0.5],
  ] as const) {
    const w = new SummaryWriter(join(root, name));
    for (let step = 0; step < 3; step++) w.addScalar('loss', 1 - lr * step, step);
    if (name === 'b') w.addScalar('loss', 0.25, 5);
    w.addHparams({ lr }, { loss: null });
    await w.close();
    if (name === 'b') brokenFile = w.eventFile;
  }
  appendFileSync(brokenFile, Buffer.from([1, 2, 3])); // a torn final record
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('trainkit-tb', () => {
  it('ls lists runs, tags and hparams, and warns about the torn record with file and offset', async () => {
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = await main(['ls', root]);
    expect(out).toContain('a  (1 event file)');
    expect(out).toContain('scalars    loss  3 points, last step 2');
    expect(out).toContain('scalars    loss  4 points, last step 5');
    expect(out).toContain('hparams    lr=0.5  metrics: loss');
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      new RegExp(`warning: .*${brokenFile.split('/').at(-1)}: record at byte offset \\d+: truncated header`),
    );
    warn.mockRestore();
  });

  it('scalars prints one table per run', async () => {
    const out = await main(['scalars', 'loss', root, '--run', 'a']);
    expect(out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['a', 'step', '0', '1', '2']);
    expect(out).toContain('0.8');
  });

  it('export --csv writes every scalar', async () => {
    const csv = await main(['export', '--csv', root]);
    const lines = csv.split('\n');
    expect(lines[0]).toBe('run,tag,step,wall_time,value');
    expect(lines.filter((l) => l.startsWith('b,loss,'))).toHaveLength(4);
    expect(lines.find((l) => l.startsWith('a,loss,2,'))!.split(',')[4]).toBe(String(Math.fround(0.8)));
  });

  it('compare puts runs side by side with last/min/max', async () => {
    const out = await main(['compare', join(root, 'a'), join(root, 'b'), '--tag', 'loss']);
    const rows = out.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['step', join(root, 'a'), join(root, 'b')]);
    expect(rows[4]).toEqual(['5', '-', '0.25']);
    expect(rows[5]).toEqual(['last', '0.8', '0.25']);
    expect(rows[6]).toEqual(['min', '0.8', '0']);
  });

  it('explains bad usage', async () => {
    await expect(main(['compare', join(root, 'a')])).rejects.toThrow('compare needs --tag T');
    await expect(main(['scalars', 'nope', root])).rejects.toThrow("no run has a scalar tag 'nope'");
    await expect(main(['frobnicate'])).rejects.toThrow("unknown command 'frobnicate'");
    expect(await main([])).toContain('trainkit-tb ls');
  });
});
