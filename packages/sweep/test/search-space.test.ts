import { describe, expect, it } from 'vitest';
import {
  expandSearchSpace,
  jobName,
  parseGridParam,
  parseRandomParam,
  sweepJobData,
  UsageError,
} from '../src/index.js';

describe('search space', () => {
  it('a grid is the cartesian product, the first flag varying slowest', () => {
    const grid = [parseGridParam('lr=0.01,0.1'), parseGridParam('batch-size=32,64')];
    expect(expandSearchSpace({ grid })).toEqual([
      { lr: '0.01', 'batch-size': '32' },
      { lr: '0.01', 'batch-size': '64' },
      { lr: '0.1', 'batch-size': '32' },
      { lr: '0.1', 'batch-size': '64' },
    ]);
  });

  it('random draws stay in their ranges, repeat with the seed and change with it', () => {
    const random = [
      parseRandomParam('lr=loguniform:1e-4:1e-1'),
      parseRandomParam('momentum=uniform:0:0.9'),
      parseRandomParam('batch-size=int:16:18'),
      parseRandomParam('optimizer=choice:sgd,adam'),
    ];
    const a = expandSearchSpace({ random, trials: 200, seed: 1 });
    expect(a).toHaveLength(200);
    expect(expandSearchSpace({ random, trials: 200, seed: 1 })).toEqual(a);
    expect(expandSearchSpace({ random, trials: 200, seed: 2 })).not.toEqual(a);
    const lr = a.map((c) => Number(c.lr));
    expect(Math.min(...lr)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lr)).toBeLessThanOrEqual(1e-1);
    // log-uniform: about as many draws below 1e-2.5 as above
    const below = lr.filter((v) => v < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(60);
    expect(below).toBeLessThan(140);
    expect(new Set(a.map((c) => c['batch-size']))).toEqual(new Set(['16', '17', '18']));
    expect(new Set(a.map((c) => c.optimizer))).toEqual(new Set(['sgd', 'adam']));
    for (const c of a) expect(Number(c.momentum)).toBeLessThanOrEqual(0.9);
  });

  it('each grid point gets its own random draws', () => {
    const configs = expandSearchSpace({
      grid: [parseGridParam('optimizer=sgd,adam')],
      random: [parseRandomParam('lr=uniform:0:1')],
      trials: 3,
    });
    expect(configs.map((c) => c.optimizer)).toEqual(['sgd', 'sgd', 'sgd', 'adam', 'adam', 'adam']);
    expect(new Set(configs.map((c) => c.lr)).size).toBe(6);
  });

  it('says what is wrong with a bad flag', () => {
    expect(() => parseGridParam('lr')).toThrow('--grid "lr": expected FLAG=VALUES, like --grid lr=0.01,0.1');
    expect(() => parseGridParam('lr=0.1,,1')).toThrow('an empty value');
    expect(() => parseRandomParam('lr=normal:0:1')).toThrow('unknown distribution "normal"');
    expect(() => parseRandomParam('lr=loguniform:0:1')).toThrow('loguniform bounds must be > 0');
    expect(() => parseRandomParam('lr=uniform:1:0')).toThrow('LOW must be less than HIGH');
    expect(() => parseRandomParam('n=int:1.5:3')).toThrow('int bounds must be integers');
    expect(() => expandSearchSpace({})).toThrow(UsageError);
    expect(() =>
      expandSearchSpace({ grid: [parseGridParam('lr=1')], random: [parseRandomParam('lr=uniform:0:1')] }),
    ).toThrow('--lr is swept twice');
    expect(() => expandSearchSpace({ grid: [parseGridParam('lr=1')], trials: 3 })).toThrow('give --random too');
  });
});

describe('jobs', () => {
  it('are named by index and values, and run in <log dir>/<sweep>/<job> with the values as flags', () => {
    const jobs = sweepJobData({
      name: 's1',
      logDir: 's3://bucket/sweeps/',
      command: ['cifar-train', '--epochs', '2'],
      grid: [parseGridParam('lr=0.01,0.1'), parseGridParam('optimizer=sgd,adam')],
    });
    expect(jobs.map((j) => j.job)).toEqual([
      '0-lr=0.01-optimizer=sgd',
      '1-lr=0.01-optimizer=adam',
      '2-lr=0.1-optimizer=sgd',
      '3-lr=0.1-optimizer=adam',
    ]);
    expect(jobs[3]).toEqual({
      sweep: 's1',
      job: '3-lr=0.1-optimizer=adam',
      params: { lr: '0.1', optimizer: 'adam' },
      command: ['cifar-train', '--epochs', '2', '--lr', '0.1', '--optimizer', 'adam'],
      runDir: 's3://bucket/sweeps/s1/3-lr=0.1-optimizer=adam',
    });
    expect(jobName(7, 12, { data: 'a/b c' })).toBe('07-data=a_b_c');
  });

  it('refuse the flags the worker sets, a bad name and a missing program', () => {
    const base = { name: 's', logDir: 'runs', grid: [parseGridParam('lr=1,2')] };
    expect(() => sweepJobData({ ...base, command: ['app', '--log-dir', 'x'] })).toThrow(
      '--log-dir: the worker sets it',
    );
    expect(() => sweepJobData({ ...base, command: ['app'], grid: [parseGridParam('run-name=a,b')] })).toThrow(
      '--run-name: the worker sets it',
    );
    expect(() => sweepJobData({ ...base, command: [] })).toThrow('no program to run: put it after --');
    expect(() => sweepJobData({ ...base, name: 'a/b', command: ['app'] })).toThrow('--name "a/b"');
  });
});
