import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callArgs } from '../src/call-args.js';
import { loadLogdir, loadRun, SummaryWriter } from '../src/index.js';
import { decodeMessage, type EventProto, encodeMessage, pb } from '../src/proto.js';
import { readRecords } from '../src/record-reader.js';

const root = mkdtempSync(join(tmpdir(), 'tk-options-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPEC = { positional: ['globalStep', 'walltime', 'flag'], named: ['displayName', 'summaryDescription'] };

describe('callArgs: positionals or one options object', () => {
  it('reads positionals, an options object, or positionals followed by options', () => {
    expect(callArgs('f', SPEC, [3, 1.5, true])).toEqual({ globalStep: 3, walltime: 1.5, flag: true });
    expect(callArgs('f', SPEC, [{ globalStep: 3, flag: true, displayName: 'D' }])).toEqual({
      globalStep: 3,
      flag: true,
      displayName: 'D',
    });
    expect(callArgs('f', SPEC, [3, { walltime: 2 }])).toEqual({ globalStep: 3, walltime: 2 });
    expect(callArgs('f', SPEC, [undefined, 2])).toEqual({ walltime: 2 });
    expect(callArgs('f', SPEC, [])).toEqual({});
  });

  it('takes step for globalStep and description for summaryDescription', () => {
    expect(callArgs('f', SPEC, [{ step: 4, description: 'd' }])).toEqual({ globalStep: 4, summaryDescription: 'd' });
  });

  it('names the method and the argument at fault', () => {
    expect(() => callArgs('addX(t)', SPEC, [{ setp: 4 }])).toThrow(
      "addX(t): unknown option 'setp'; the options are globalStep, walltime, flag, displayName, summaryDescription",
    );
    expect(() => callArgs('addX(t)', SPEC, [3, { globalStep: 4 }])).toThrow(
      "addX(t): 'globalStep' is given twice, as argument 1 after the leading ones and as an option",
    );
    expect(() => callArgs('addX(t)', SPEC, [{ step: 3, globalStep: 4 }])).toThrow(/'globalStep' is given twice/);
    expect(() => callArgs('addX(t)', SPEC, [1, 2, 3, 4])).toThrow('addX(t): too many arguments: 4');
    expect(() => callArgs('addX(t)', { positional: ['a', 'b'], required: 2 }, [{ a: 1 }])).toThrow(
      "addX(t): 'b' is required",
    );
  });

  it('tells a plain-object value (a {data, shape} tensor, a dict) from an options object', () => {
    const spec = { positional: ['labelImg', 'globalStep'], objectValued: ['labelImg'] };
    const img = { data: [1], shape: [1] };
    expect(callArgs('f', spec, [img])).toEqual({ labelImg: img });
    expect(callArgs('f', spec, [{ labelImg: img, step: 2 }])).toEqual({ labelImg: img, globalStep: 2 });
    // A tensor object (not a plain object) is never taken for options.
    const t = new (class T {
      dataSync() {
        return [1];
      }
    })();
    expect(callArgs('f', { positional: ['x'] }, [t])).toEqual({ x: t });
  });
});

/**
 * The events `call` wrote in every run, the file-version records left out, re-encoded with the wall time zeroed
 * unless it is the T the calls give (the calls without one get now()).
 */
async function records(call: (w: SummaryWriter) => void): Promise<string[]> {
  const dir = join(root, `r${n++}`);
  const w = new SummaryWriter(dir);
  call(w);
  await w.close();
  const out: string[] = [];
  for (const run of await loadLogdir(dir)) {
    for (const file of run.files) {
      for (const r of readRecords(readFileSync(file)).records) {
        const ev = decodeMessage<EventProto>(pb.Event, r);
        if (ev.fileVersion) continue;
        if (ev.wallTime !== T) ev.wallTime = 0;
        out.push(`${run.name} ${Buffer.from(encodeMessage(pb.Event, ev)).toString('hex')}`);
      }
    }
  }
  return out;
}

const T = 1_700_000_000.5;
const img = { data: new Float32Array(3 * 2 * 2).fill(0.5), shape: [3, 2, 2] };
const video = { data: new Uint8Array(1 * 2 * 3 * 2 * 2).fill(9), shape: [1, 2, 3, 2, 2] };
const tp = [3, 2];
const fp = [2, 1];
const tn = [0, 1];
const fn = [0, 1];
const prec = [0.6, 0.67];
const rec = [1, 0.67];

// Each method called with PyTorch's positionals and with an options object writes the same bytes.
const pairs: [string, (w: SummaryWriter) => void, (w: SummaryWriter) => void][] = [
  [
    'addScalar',
    (w) => w.addScalar('s', 0.5, 3, T, true, true),
    (w) => w.addScalar('s', 0.5, { step: 3, walltime: T, newStyle: true, doublePrecision: true }),
  ],
  [
    'addScalar, step then options',
    (w) => w.addScalar('s', 0.5, 3, T),
    (w) => w.addScalar('s', 0.5, 3, { walltime: T }),
  ],
  [
    'addScalars',
    (w) => w.addScalars('m', { a: 1, b: 2 }, 4, T),
    (w) => w.addScalars('m', { a: 1, b: 2 }, { globalStep: 4, walltime: T }),
  ],
  [
    'addHistogram',
    (w) => w.addHistogram('h', [1, 2, 3, 4], 2, 3, T, 2),
    (w) => w.addHistogram('h', [1, 2, 3, 4], { globalStep: 2, bins: 3, walltime: T, maxBins: 2 }),
  ],
  [
    'addHistogramRaw',
    (w) => w.addHistogramRaw('r', 0, 4, 3, 6, 14, [1, 4], [1, 2], 5, T),
    (w) =>
      w.addHistogramRaw('r', {
        min: 0,
        max: 4,
        num: 3,
        sum: 6,
        sumSquares: 14,
        bucketLimits: [1, 4],
        bucketCounts: [1, 2],
        globalStep: 5,
        walltime: T,
      }),
  ],
  [
    'addHistogramRaw, statistics then options',
    (w) => w.addHistogramRaw('r', 0, 4, 3, 6, 14, [1, 4], [1, 2], 5, T),
    (w) => w.addHistogramRaw('r', 0, 4, 3, 6, 14, [1, 4], [1, 2], { step: 5, walltime: T }),
  ],
  ['addImage', (w) => w.addImage('i', img, 1, T, 'CHW'), (w) => w.addImage('i', img, { step: 1, walltime: T })],
  [
    'addImages',
    (w) => w.addImages('i', { data: img.data, shape: [1, 3, 2, 2] }, 1, T, 'NCHW'),
    (w) => w.addImages('i', { data: img.data, shape: [1, 3, 2, 2] }, { globalStep: 1, walltime: T }),
  ],
  [
    'addImageWithBoxes',
    (w) => w.addImageWithBoxes('b', img, [[0, 0, 1, 1]], 2, T, 1, 'CHW', ['x']),
    (w) => w.addImageWithBoxes('b', img, [[0, 0, 1, 1]], 2, { walltime: T, labels: 'x' }),
  ],
  [
    'addVideo',
    (w) => w.addVideo('v', video, 1, 5, T, 'NTCHW'),
    (w) => w.addVideo('v', video, { globalStep: 1, fps: 5, walltime: T }),
  ],
  [
    'addAudio',
    (w) => w.addAudio('a', [0, 0.5, -0.5], 1, 8000, T),
    (w) => w.addAudio('a', [0, 0.5, -0.5], 1, { sampleRate: 8000, walltime: T }),
  ],
  ['addText', (w) => w.addText('t', 'hi', 1, T), (w) => w.addText('t', 'hi', { step: 1, walltime: T })],
  [
    'addPrCurve',
    (w) => w.addPrCurve('p', [1, 0, 1], [0.9, 0.2, 0.6], 2, 5, [1, 2, 1], T),
    (w) =>
      w.addPrCurve('p', [1, 0, 1], [0.9, 0.2, 0.6], {
        globalStep: 2,
        numThresholds: 5,
        weights: [1, 2, 1],
        walltime: T,
      }),
  ],
  [
    'addPrCurveRaw',
    (w) => w.addPrCurveRaw('r', tp, fp, tn, fn, prec, rec, 1, 2, T),
    (w) =>
      w.addPrCurveRaw('r', {
        truePositiveCounts: tp,
        falsePositiveCounts: fp,
        trueNegativeCounts: tn,
        falseNegativeCounts: fn,
        precision: prec,
        recall: rec,
        globalStep: 1,
        numThresholds: 2,
        walltime: T,
      }),
  ],
  [
    'addPrCurveRaw, counts then options',
    (w) => w.addPrCurveRaw('r', tp, fp, tn, fn, prec, rec, 1, 2, T),
    (w) => w.addPrCurveRaw('r', tp, fp, tn, fn, prec, rec, { step: 1, numThresholds: 2, walltime: T }),
  ],
  [
    'addMesh',
    (w) => w.addMesh('m', [[[0, 0, 0]]], [[[1, 2, 3]]], null, { camera: { fov: 75 } }, 3, T),
    (w) =>
      w.addMesh('m', [[[0, 0, 0]]], {
        colors: [[[1, 2, 3]]],
        configDict: { camera: { fov: 75 } },
        step: 3,
        walltime: T,
      }),
  ],
  [
    'addMesh, a config dict in its position',
    (w) => w.addMesh('m', [[[0, 0, 0]]], undefined, undefined, { camera: { fov: 75 } }),
    (w) => w.addMesh('m', [[[0, 0, 0]]], { configDict: { camera: { fov: 75 } } }),
  ],
  [
    'addCustomScalarsMultilinechart',
    (w) => w.addCustomScalarsMultilinechart(['a', 'b'], 'cat', 'title'),
    (w) => w.addCustomScalarsMultilinechart(['a', 'b'], { category: 'cat', title: 'title' }),
  ],
  [
    'addCustomScalarsMarginchart',
    (w) => w.addCustomScalarsMarginchart(['a', 'b', 'c'], 'cat'),
    (w) => w.addCustomScalarsMarginchart(['a', 'b', 'c'], { category: 'cat' }),
  ],
  [
    'addGraph',
    (w) => w.addGraph({ nodes: [{ name: 'a', op: 'X' }] }, undefined, false),
    (w) => w.addGraph({ nodes: [{ name: 'a', op: 'X' }] }, undefined, { verbose: false }),
  ],
];

describe('every method: PyTorch positionals and an options object write the same events', () => {
  it.each(pairs)('%s', async (_, positional, options) => {
    const a = await records(positional);
    expect(a.length).toBeGreaterThan(0);
    expect(await records(options)).toEqual(a);
  });

  it('addHparams: domain dict, run name and step positionally or as options', async () => {
    const dir = join(root, `hp${n++}`);
    const w = new SummaryWriter(dir);
    w.addHparams({ opt: 'sgd' }, { m: 1 }, { opt: ['sgd', 'adam'] }, 'a', 4);
    w.addHparams({ opt: 'sgd' }, { m: 1 }, { hparamDomainDiscrete: { opt: ['sgd', 'adam'] }, runName: 'b', step: 4 });
    await w.close();
    const [a, b] = [await loadRun(join(dir, 'a')), await loadRun(join(dir, 'b'))];
    expect(a.hparams).toEqual(b.hparams);
    expect(a.hparams).toMatchObject({ values: { opt: 'sgd' }, step: 4 });
    expect(b.scalars.m).toMatchObject([{ step: 4, value: 1 }]);
  });

  it('addEmbedding: positionals or options', async () => {
    const dir = join(root, `emb${n++}`);
    const w = new SummaryWriter(dir);
    w.addEmbedding(
      [
        [1, 2],
        [3, 4],
      ],
      ['a', 'b'],
      undefined,
      1,
      'pos',
    );
    w.addEmbedding(
      [
        [1, 2],
        [3, 4],
      ],
      { metadata: ['a', 'b'], step: 1, tag: 'opt' },
    );
    await w.close();
    const tsv = (tag: string) => readFileSync(join(dir, '00001', tag, 'metadata.tsv'), 'utf8');
    expect(tsv('opt')).toBe(tsv('pos'));
  });

  it('rejects a misspelt option, naming the method and the tag', () => {
    const w = new SummaryWriter(join(root, `bad${n++}`));
    expect(() => w.addScalar('loss', 1, { stpe: 3 } as never)).toThrow(/addScalar\('loss'\): unknown option 'stpe'/);
    expect(() => w.addAudio('a', [0], { sampleRate: 1.5 })).toThrow(
      /addAudio\('a'\): sampleRate must be a positive integer/,
    );
    return w.close();
  });
});
