import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { eventFileName, loadLogdir, loadRun, readEvents, SummaryWriter } from '../src/index.js';

// TK_TB_LOGDIR keeps these logs under <dir>/all for verify/check_with_tensorboard.py.
const keep = process.env.TK_TB_LOGDIR;
const root = keep ? join(keep, 'all') : mkdtempSync(join(tmpdir(), 'tk-writer-'));
let n = 0;
const freshDir = (name: string): string => join(root, `${name}-${n++}`);

afterAll(() => {
  if (!keep) rmSync(root, { recursive: true, force: true });
});

/** A tensor as tfjs presents it: shape, dtype, dataSync. */
const tensor = (data: number[] | Float32Array, shape: number[], dtype = 'float32') => ({
  shape,
  dtype,
  dataSync: () => Float32Array.from(data),
});

describe('SummaryWriter round trip through our reader', () => {
  it('addScalar: numbers, tensors, arrays, typed arrays, steps and wall times', async () => {
    const dir = freshDir('scalar');
    const w = new SummaryWriter(dir);
    w.addScalar('a', 1.5, 0, 100.5);
    w.addScalar('a', tensor([2.5], []), 1);
    w.addScalar('a', [[3.5]], 2);
    w.addScalar('a', new Float64Array([4.5]), 2 ** 40);
    w.addScalar('b/c', true, -3);
    w.addScalar('new', 0.25, 5, undefined, true);
    w.addScalar('double', 0.1, 6, undefined, true, true);
    await w.close();
    const run = await loadRun(dir);
    expect(run.scalars.a!.map((p) => [p.step, p.value])).toEqual([
      [0, 1.5],
      [1, 2.5],
      [2, 3.5],
      [2 ** 40, 4.5],
    ]);
    expect(run.scalars.a![0]!.wallTime).toBe(100.5);
    expect(Math.abs(run.scalars.a![1]!.wallTime - Date.now() / 1000)).toBeLessThan(60);
    expect(run.scalars['b/c']).toMatchObject([{ step: -3, value: 1 }]);
    expect(run.scalars.new).toMatchObject([{ step: 5, value: 0.25 }]);
    expect(run.scalars.double).toMatchObject([{ step: 6, value: 0.1 }]); // double precision survives
  });

  it('addScalar reads an input that only has async data() and close() waits for it', async () => {
    const dir = freshDir('async');
    const w = new SummaryWriter(dir);
    w.addScalar('loss', { shape: [], data: async () => new Float32Array([0.75]) }, 9);
    await w.close();
    expect((await loadRun(dir)).scalars.loss).toMatchObject([{ step: 9, value: 0.75 }]);
  });

  it('addScalar rejects inputs with more than one value, naming the tag', () => {
    const w = new SummaryWriter(freshDir('bad-scalar'));
    expect(() => w.addScalar('loss', [1, 2], 0)).toThrow("addScalar('loss'): expected one value, got 2");
    expect(() => w.addScalar('loss', { foo: 1 } as never, 0)).toThrow(/addScalar\('loss'\): expected a number/);
    return w.close();
  });

  it('addScalars: one child run per key, <logdir>/<mainTag>_<key>, tag mainTag', async () => {
    const dir = freshDir('scalars');
    const w = new SummaryWriter(dir);
    for (let i = 0; i < 3; i++) w.addScalars('run/loss', { train: i, val: 10 + i }, i);
    await w.close();
    const runs = await loadLogdir(dir);
    expect(runs.map((r) => r.name)).toEqual(['.', 'run_loss_train', 'run_loss_val']);
    expect(runs[1]!.scalars['run/loss']!.map((p) => p.value)).toEqual([0, 1, 2]);
    expect(runs[2]!.scalars['run/loss']!.map((p) => p.value)).toEqual([10, 11, 12]);
    expect(runs[1]!.scalars['run/loss']![2]!.wallTime).toBe(runs[2]!.scalars['run/loss']![2]!.wallTime);
  });

  it('addHistogram and addHistogramRaw', async () => {
    const dir = freshDir('histogram');
    const w = new SummaryWriter(dir);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    w.addHistogram('w', tensor(values, [10, 100]), 1);
    w.addHistogram('w', values, 2, 20);
    w.addHistogramRaw('raw', 0, 3, 6, 9, 17, [1, 2, 3], [1, 2, 3], 4);
    expect(() => w.addHistogramRaw('raw', 0, 3, 6, 9, 17, [1, 2], [1, 2, 3])).toThrow(
      '2 bucket limits but 3 bucket counts',
    );
    await w.close();
    const run = await loadRun(dir);
    const [h1, h2] = run.histograms.w!;
    expect(h1!.num).toBe(1000);
    expect(h1!.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(h1!.min).toBeCloseTo(-3, 2);
    expect(h1!.bucketLimit.length).toBe(h1!.bucket.length);
    expect(h2!.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(h2!.bucket.length).toBe(21); // 20 bins plus the empty leading one
    expect(run.histograms.raw).toMatchObject([
      { step: 4, min: 0, max: 3, num: 6, sum: 9, sumSquares: 17, bucket: [1, 2, 3] },
    ]);
  });

  it('addImage and addImages: CHW, HWC, NCHW, NHWC, float and uint8, as PNG', async () => {
    const dir = freshDir('images');
    const w = new SummaryWriter(dir);
    // 2x3 image, red channel 1.0 at (0,0) only.
    const chw = new Float32Array(3 * 2 * 3);
    chw[0] = 1;
    w.addImage('chw', tensor(chw, [3, 2, 3]), 0);
    const hwc = new Uint8Array(2 * 3 * 3);
    hwc[5] = 200; // (0,1) blue
    w.addImage('hwc', { data: hwc, shape: [2, 3, 3] }, 0, undefined, 'HWC');
    w.addImages('nchw', tensor(new Float32Array(10 * 1 * 2 * 2).fill(0.5), [10, 1, 2, 2]), 0);
    w.addImages('nhwc', { data: new Float32Array(2 * 2 * 2 * 4).fill(1), shape: [2, 2, 2, 4] }, 0, undefined, 'NHWC');
    expect(() => w.addImage('bad', tensor(new Float32Array(30), [2, 3, 5]), 0, undefined, 'HWC')).toThrow(
      "addImage('bad'): expected 1, 3 or 4 channels, got 5",
    );
    expect(() => w.addImages('bad', tensor(chw, [3, 2, 3]), 0)).toThrow(
      "tensor of shape [3, 2, 3] does not match dataformats 'NCHW'",
    );
    await w.close();
    const run = await loadRun(dir);
    const png = (tag: string) => decodePng(run.images[tag]![0]!.encoded);
    const chwPng = png('chw');
    expect([chwPng.width, chwPng.height, chwPng.channels]).toEqual([3, 2, 3]);
    expect(Array.from(chwPng.data.slice(0, 6))).toEqual([255, 0, 0, 0, 0, 0]);
    expect(Array.from(png('hwc').data.slice(3, 6))).toEqual([0, 0, 200]);
    const grid = png('nchw');
    expect([grid.width, grid.height]).toEqual([16, 4]); // 8 per row, 2 rows
    expect(grid.data[0]).toBe(127);
    expect(grid.data[(2 * 16 + 4) * 3]).toBe(0); // second row past the two images: black
    const rgba = png('nhwc');
    expect([rgba.width, rgba.height, rgba.channels]).toEqual([4, 2, 4]);
    expect(run.images.nhwc![0]!.colorspace).toBe(4);
  });

  it('addText', async () => {
    const dir = freshDir('text');
    const w = new SummaryWriter(dir);
    w.addText('notes', '**bold** é', 3);
    await w.close();
    expect((await loadRun(dir)).texts['notes/text_summary']).toMatchObject([{ step: 3, text: '**bold** é' }]);
  });

  it('addGraph from a GraphSource, a LayersModel-like object and plain nodes', async () => {
    const dir = freshDir('graph');
    const source = {
      toGraph: (x: { shape: number[] }) => ({
        nodes: [
          { name: 'input/x', op: 'IO Node', outputShape: x.shape },
          {
            name: 'Net/Linear[fc]/Linear',
            op: 'Linear',
            inputs: ['input/x'],
            outputShape: [x.shape[0]!, 2],
            attrs: { bias: true },
          },
        ],
      }),
    };
    const w = new SummaryWriter(dir);
    w.addGraph(source, { shape: [4, 3] });
    await w.close();
    const g = (await loadRun(dir)).graph!;
    expect(g.node.map((nd) => [nd.name, nd.op, nd.input])).toEqual([
      ['input/x', 'IO Node', []],
      ['Net/Linear[fc]/Linear', 'Linear', ['input/x']],
    ]);
    expect(g.node[1]!.attr._output_shapes!.list!.shape![0]!.dim.map((d) => d.size)).toEqual([4, 2]);
    expect(g.node[1]!.attr.bias!.b).toBe(true);
    expect(g.versions!.producer).toBe(22);

    const keras = {
      name: 'model',
      layers: [
        {
          name: 'in',
          getClassName: () => 'InputLayer',
          outputShape: [null, 3],
          inboundNodes: [{ inboundLayers: [] }],
          weights: [],
        },
        {
          name: 'dense',
          getClassName: () => 'Dense',
          outputShape: [null, 2],
          inboundNodes: [{ inboundLayers: [{ name: 'in' }] }],
          weights: [{ name: 'dense/kernel', shape: [3, 2] }],
        },
      ],
    };
    const dir2 = freshDir('graph-keras');
    const w2 = new SummaryWriter(dir2);
    w2.addGraph(keras);
    await w2.close();
    const g2 = (await loadRun(dir2)).graph!;
    const dense = g2.node.find((nd) => nd.name === 'model/dense/Dense')!;
    expect(dense.input).toEqual(['model/in/InputLayer', 'model/dense/kernel']);
    expect(dense.attr._output_shapes!.list!.shape![0]!.dim.map((d) => d.size)).toEqual([-1, 2]);

    const w3 = new SummaryWriter(freshDir('graph-bad'));
    expect(() => w3.addGraph({ nodes: [{ name: 'a', op: 'X', inputs: ['missing'] }] })).toThrow(
      "node 'a' has input 'missing', which is no node of the graph",
    );
    expect(() => w3.addGraph({} as never)).toThrow(/addGraph: expected a GraphSource/);
    await w3.close();
  });

  it('addHparams: in the same run by default, in <logdir>/<runName> when asked', async () => {
    const dir = freshDir('hparams');
    const w = new SummaryWriter(dir);
    w.addScalar('acc', 0.5, 10);
    w.addHparams({ lr: 0.1, opt: 'adam', nesterov: false, skipped: null }, { acc: null, 'hparam/best': 0.9 });
    w.addHparams({ lr: 0.2 }, { m: 1 }, undefined, 'child', 7);
    expect(() => w.addHparams({ lr: 0.1 }, {}, { lr: ['x'] })).toThrow(/hparamDomainDiscrete\['lr'\]/);
    await w.close();
    const runs = await loadLogdir(dir);
    const main = runs.find((r) => r.name === '.')!;
    expect(main.hparams).toEqual({
      values: { lr: 0.1, opt: 'adam', nesterov: false },
      hparamNames: ['lr', 'opt', 'nesterov'],
      metricTags: ['acc', 'hparam/best'],
      status: 'success',
      step: 10, // the run's last step, where the metric values go too (PyTorch's add_hparams)
    });
    expect(main.scalars['hparam/best']).toMatchObject([{ step: 10, value: Math.fround(0.9) }]); // at the last step
    expect(main.scalars.acc).toHaveLength(1); // a null metric is only declared
    const child = runs.find((r) => r.name === 'child')!;
    expect(child.hparams?.values).toEqual({ lr: 0.2 });
    expect(child.hparams?.step).toBe(7);
    expect(child.scalars.m).toMatchObject([{ step: 7, value: 1 }]);
  });

  it('addPrCurve and addPrCurveRaw', async () => {
    const dir = freshDir('pr');
    const w = new SummaryWriter(dir);
    w.addPrCurve('pr', [1, 0, 1, 1, 0], [0.9, 0.1, 0.8, 0.4, 0.6], 2, 5);
    w.addPrCurveRaw('raw', [3, 2], [2, 1], [0, 1], [0, 1], [0.6, 0.67], [1, 0.67], 1, 2);
    await w.close();
    const run = await loadRun(dir);
    const pr = run.prCurves.pr![0]!;
    expect(pr.numThresholds).toBe(5);
    expect(pr.truePositives).toEqual([3, 3, 2, 2, 0]);
    expect(pr.falsePositives).toEqual([2, 1, 1, 0, 0]);
    expect(pr.recall[0]).toBe(1);
    expect(run.prCurves.raw![0]!.truePositives).toEqual([3, 2]);
  });

  it('addCustomScalars', async () => {
    const dir = freshDir('custom');
    const w = new SummaryWriter(dir);
    w.addCustomScalars({
      Loss: { both: ['Multiline', ['loss/train', 'loss/val']], band: ['Margin', ['m', 'lo', 'hi']] },
    });
    expect(() => w.addCustomScalars({ X: { bad: ['Margin', ['a', 'b'] as never] } })).toThrow(
      'a Margin chart needs [value, lower, upper]',
    );
    await w.close();
    expect((await loadRun(dir)).customScalarsLayout).toEqual({
      category: [
        {
          title: 'Loss',
          chart: [
            { title: 'both', multiline: { tag: ['loss/train', 'loss/val'] } },
            { title: 'band', margin: { series: [{ value: 'm', lower: 'lo', upper: 'hi' }] } },
          ],
        },
      ],
    });
  });

  it('addEmbedding writes tensors.tsv, metadata.tsv, sprite.png and projector_config.pbtxt', async () => {
    const dir = freshDir('embedding');
    const w = new SummaryWriter(dir);
    const mat = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const labelImg = tensor(new Float32Array(3 * 3 * 4 * 4).fill(1), [3, 3, 4, 4]);
    w.addEmbedding(mat, ['a', 'b', 'c'], labelImg, 2, 'feat/x');
    w.addEmbedding(
      [[1], [2]],
      [
        ['x', 1],
        ['y', 2],
      ],
      undefined,
      3,
      'table',
      ['name', 'n'],
    );
    await w.close();
    const sub = join(dir, '00002', 'feat%2fx');
    expect(readFileSync(join(sub, 'tensors.tsv'), 'utf8')).toBe('1\t2\n3\t4\n5\t6\n');
    expect(readFileSync(join(sub, 'metadata.tsv'), 'utf8')).toBe('a\nb\nc\n');
    const sprite = decodePng(readFileSync(join(sub, 'sprite.png')));
    expect([sprite.width, sprite.height]).toEqual([8, 8]); // ceil(sqrt(3)) = 2 per row, square
    expect(sprite.data[0]).toBe(255);
    expect(sprite.data[(7 * 8 + 7) * 3]).toBe(0); // the empty fourth cell
    expect(readFileSync(join(dir, '00003', 'table', 'metadata.tsv'), 'utf8')).toBe('name\tn\nx\t1\ny\t2\n');
    expect(readFileSync(join(dir, 'projector_config.pbtxt'), 'utf8')).toBe(
      [
        'embeddings {',
        '  tensor_name: "feat/x:00002"',
        '  metadata_path: "00002/feat%2fx/metadata.tsv"',
        '  sprite {',
        '    image_path: "00002/feat%2fx/sprite.png"',
        '    single_image_dim: 4',
        '    single_image_dim: 4',
        '  }',
        '  tensor_path: "00002/feat%2fx/tensors.tsv"',
        '}',
        'embeddings {',
        '  tensor_name: "table:00003"',
        '  metadata_path: "00003/table/metadata.tsv"',
        '  tensor_path: "00003/table/tensors.tsv"',
        '}',
        '',
      ].join('\n'),
    );
    expect(readdirSync(sub).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('SummaryWriter files, flushing and purging', () => {
  it('names files and the default log dir as PyTorch, and writes brain.Event:2 first', async () => {
    const w = new SummaryWriter(undefined, { comment: '_lr0.1', filenameSuffix: '.v2' });
    try {
      expect(w.logDir).toMatch(/^runs\/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_.+_lr0\.1$/);
      const name = w.eventFile.split('/').at(-1)!;
      expect(name).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\..+\\.${process.pid}\\.\\d+\\.v2$`));
      const { events } = await readEvents(w.eventFile);
      expect(events[0]).toMatchObject({
        fileVersion: 'brain.Event:2',
        sourceMetadata: { writer: '@trainkit/tensorboard' },
      });
    } finally {
      await w.close();
      rmSync(w.logDir, { recursive: true, force: true });
    }
  });

  it('gets the first events to disk without flush() or close()', async () => {
    const dir = freshDir('prompt');
    const w = new SummaryWriter(dir, { flushSecs: 3600, maxQueue: 1000 });
    w.addScalar('x', 1, 1);
    let found = 0;
    for (let i = 0; i < 200 && found === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      found = (await readEvents(w.eventFile)).events.filter((e) => e.summary).length;
    }
    expect(found).toBe(1);
    await w.close();
  });

  it('keeps events in memory below maxQueue until flush(), then writes them all', async () => {
    const dir = freshDir('queue');
    const w = new SummaryWriter(dir, { flushSecs: 3600, maxQueue: 50 });
    w.addScalar('x', 0, 0); // the prompt first write
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 1; i <= 20; i++) w.addScalar('x', i, i);
    expect((await readEvents(w.eventFile)).events.filter((e) => e.summary).length).toBeLessThan(21);
    w.flush();
    expect((await readEvents(w.eventFile)).events.filter((e) => e.summary).length).toBe(21);
    await w.close();
  });

  it('purgeStep hides the steps >= purgeStep written before a restart', async () => {
    const dir = freshDir('purge');
    const first = new SummaryWriter(dir);
    for (let i = 0; i < 10; i++) first.addScalar('loss', i, i);
    await first.close();
    // no wait for the next second: the resumed writer's file is named to sort after the first one anyway
    const resumed = new SummaryWriter(dir, { purgeStep: 5 });
    for (let i = 5; i < 8; i++) resumed.addScalar('loss', 100 + i, i);
    await resumed.close();
    const run = await loadRun(dir);
    expect(run.scalars.loss!.map((p) => [p.step, p.value])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 105],
      [6, 106],
      [7, 107],
    ]);
    expect(run.purged).toBe(5);
  });

  it('names a new event file to sort after the files already in the directory', async () => {
    const dir = freshDir('order');
    const first = new SummaryWriter(dir);
    for (let i = 0; i < 10; i++) first.addScalar('loss', i, i);
    await first.close();
    // As if a process with a larger pid had written it, in a second that is still to come for us: by time and pid
    // alone our next file would sort before it, and TensorBoard would read the continuation first.
    const secs = Math.floor(Date.now() / 1000) + 100;
    const theirs = join(dir, `events.out.tfevents.${secs}.${hostname()}.99999999.0`);
    renameSync(first.eventFile, theirs);
    const resumed = new SummaryWriter(dir, { purgeStep: 5 });
    for (let i = 5; i < 8; i++) resumed.addScalar('loss', 100 + i, i);
    await resumed.close();
    expect(basename(resumed.eventFile)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.${secs + 1}\\.`));
    expect(readdirSync(dir).sort()).toEqual([basename(theirs), basename(resumed.eventFile)]);
    const run = await loadRun(dir);
    expect(run.scalars.loss!.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 105, 106, 107]);
  });

  it('eventFileName: the real second unless a name in the directory has the same or a later one', () => {
    const at = (secs: number) => `events.out.tfevents.${String(secs).padStart(10, '0')}.host.7.0`;
    const secondsOf = (name: string) => Number(name.split('.')[3]);
    const now = 1_700_000_000_500;
    expect(secondsOf(eventFileName('', now))).toBe(1_700_000_000);
    expect(secondsOf(eventFileName('', now, [at(1_699_999_999), 'notes.txt', 'x.tfevents.9999999999']))).toBe(
      1_700_000_000,
    );
    expect(secondsOf(eventFileName('', now, [at(1_700_000_000)]))).toBe(1_700_000_001);
    expect(secondsOf(eventFileName('', now, [at(1_700_000_007), at(1_700_000_003)]))).toBe(1_700_000_008);
    expect(eventFileName('.v2', 5_000, [at(3)]).split('.')[3]).toBe('0000000005');
  });

  it('refuses writes after close() and tolerates a second close()', async () => {
    const w = new SummaryWriter(freshDir('closed'));
    await w.close();
    await w.close();
    expect(() => w.addScalar('x', 1)).toThrow(/is closed/);
  });

  it('creates nothing but the log dir and the event file', async () => {
    const dir = freshDir('clean');
    const w = new SummaryWriter(dir);
    await w.close();
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
