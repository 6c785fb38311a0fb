import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../src/index.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

describe('trainkit without Redis', () => {
  it('prints its help, and exits 2 naming the flag at fault', async () => {
    const help = await runMain('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('trainkit sweep status --name NAME');
    expect((await runMain()).code).toBe(2);
    const unknown = await runMain('sweep', '--grdi', 'lr=1');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('trainkit: sweep: unknown flag --grdi');
    const attempts = await runMain('sweep', '--grid', 'lr=1', '--attempts', '0', '--', 'app');
    expect(attempts.stderr).toContain('--attempts: expected an integer ≥ 1, got "0"');
    expect((await runMain('train')).stderr).toContain('unknown command train');
    const status = await runMain('sweep', 'status');
    expect(status.stderr).toContain('--name NAME is needed');
  });

  it('--dry-run lists the jobs without a queue', async () => {
    const dry = await runMain(
      'sweep',
      '--dry-run',
      '--name',
      'd',
      '--random',
      'lr=loguniform:1e-3:1',
      '--trials',
      '2',
      '--',
      'app',
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.trim().split('\n')).toHaveLength(2);
    expect(dry.stdout).toMatch(/^0-lr=[\d.e-]+: app --lr [\d.e-]+ → runs\/sweeps\/d\/0-lr=/m);
  });

  it('an unreachable Redis is one line, exit 1', async () => {
    const r = await runMain('sweep', 'status', '--redis', 'redis://127.0.0.1:1', '--name', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--redis redis://127.0.0.1:1: cannot connect');
  });
});

describe('runProgram', () => {
  it('starts the program with the orphan guard preloaded and its lines streamed, and stops it with SIGINT', async () => {
    const lines: string[] = [];
    const program = [
      "process.on('SIGINT', () => { console.log('saving'); process.exit(130); });",
      "console.log(process.env.NODE_OPTIONS); process.stderr.write('ready\\r'); setInterval(() => {}, 1000);",
    ].join(' ');
    const run = runProgram([process.execPath, '-e', program], {
      onLine: (line) => {
        lines.push(line);
        if (line === 'ready') run.stop();
      },
    });
    const exit = await run.exit;
    expect(exit).toMatchObject({ code: 130, signal: null });
    const guard = /--require "([^"]+)"/.exec(lines[0]!)?.[1];
    expect(guard).toMatch(/guard\/orphan-guard\.cjs$/);
    expect(existsSync(guard!)).toBe(true);
    expect(lines.slice(1)).toEqual(['ready', 'saving']);
    expect(exit.tail.split('\n').at(-1)).toBe('saving');
  });
});

describe.skipIf(!redisInstalled)('trainkit with Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('enqueues a sweep once, and status names the sweeps it has', async () => {
    const first = await runMain('sweep', '--redis', redis.url, '--name', 'one', '--grid', 'lr=1,2', '--', 'app');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('sweep one: 2 jobs enqueued in trainkit-sweeps');
    const again = await runMain('sweep', '--redis', redis.url, '--name', 'one', '--grid', 'lr=3', '--', 'app');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--name one: queue trainkit-sweeps already holds that sweep (2 jobs)');
    const unknown = await runMain('sweep', 'status', '--redis', redis.url, '--name', 'two');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--name two: no such sweep in queue trainkit-sweeps; the sweeps there: one');
    const status = await runMain('sweep', 'status', '--redis', redis.url, '--name', 'one');
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/^0-lr=1\s+waiting\s+0\/3\s+-\s+runs\/sweeps\/one\/0-lr=1$/m);
  });
});
