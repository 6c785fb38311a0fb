import { readFileSync } from 'node:fs';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeMessage, pb, type SummaryValueProto } from '../src/proto.js';
import { ScalarEventEncoder } from '../src/scalar-event.js';
import { customScalarsValue } from '../src/summary/custom-scalars.js';
import { makeHistogram } from '../src/summary/histogram.js';
import { hparamsValues } from '../src/summary/hparams.js';
import { imageProto, toHWC } from '../src/summary/image.js';
import { computeCurve, prCurveValue } from '../src/summary/pr-curve.js';
import { textValue } from '../src/summary/text.js';

// What torch.utils.tensorboard (torch 1.13) encoded for fixed inputs; written by fixtures/make_pytorch_fixtures.py.
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
type Case = Record<string, any>;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pytorch-summaries.json', import.meta.url), 'utf8')) as {
  walltime: number;
  cases: Case[];
};
const cases = (name: string): Case[] => fixture.cases.filter((c) => c.name === name);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const num = (v: number | string): number => (typeof v === 'string' ? Number(v) : v);

function eventHex(values: SummaryValueProto[], step?: number): string {
  const ev: Record<string, unknown> = { wallTime: fixture.walltime, summary: { value: values } };
  if (step) ev.step = step;
  return hex(encodeMessage(pb.Event, ev));
}

describe('byte parity with PyTorch SummaryWriter', () => {
  it.each(cases('scalar'))('scalar $tag = $value at step $step (hand-written encoder)', (c) => {
    const enc = new ScalarEventEncoder();
    const field = enc.tagField(c.tag);
    const buf = new Uint8Array(enc.maxBytes(field));
    const n = enc.encode(buf, new DataView(buf.buffer), 0, fixture.walltime, c.step, num(c.value), field);
    expect(hex(buf.subarray(0, n))).toBe(c.eventHex);
  });

  it.each(cases('scalar'))('scalar $tag through the generic protobufjs encoder', (c) => {
    expect(eventHex([{ tag: c.tag, simpleValue: num(c.value) }], c.step)).toBe(c.eventHex);
  });

  it('new-style scalar (tensor + scalars plugin)', () => {
    const [c] = cases('scalar_new_style');
    const v = {
      tag: c!.tag,
      tensor: { dtype: 1, floatVal: [c!.value] },
      metadata: { pluginData: { pluginName: 'scalars' } },
    };
    expect(eventHex([v], c!.step)).toBe(c!.eventHex);
  });

  it('text', () => {
    const [c] = cases('text');
    expect(eventHex([textValue(c!.tag, c!.text)], c!.step)).toBe(c!.eventHex);
  });

  it('pr curve (compute_curve on float32 predictions)', () => {
    const [c] = cases('pr_curve');
    const rows = computeCurve(c!.labels, Float32Array.from(c!.predictions), c!.numThresholds);
    expect(eventHex([prCurveValue(c!.tag, rows, c!.numThresholds)], c!.step)).toBe(c!.eventHex);
  });

  it('custom scalars layout', () => {
    const [c] = cases('custom_scalars');
    expect(eventHex([customScalarsValue(c!.layout)])).toBe(c!.eventHex);
  });

  it('hparams experiment and session end bytes, session start values', () => {
    const [c] = cases('hparams');
    const [exp, ssi, sei] = hparamsValues(c!.hparams, c!.metrics, c!.domainDiscrete);
    expect(hex(encodeMessage(pb.Summary, { value: [exp] }))).toBe(c!.experimentHex);
    expect(hex(encodeMessage(pb.Summary, { value: [sei] }))).toBe(c!.sessionEndHex);
    expect(ssi!.tag).toBe(c!.sessionStartTag);
    const content = pb.HParamsPluginData.toObject(pb.HParamsPluginData.decode(ssi!.metadata!.pluginData!.content!)) as {
      sessionStartInfo: { hparams: Record<string, { numberValue?: number; stringValue?: string }> };
    };
    const values = Object.fromEntries(
      Object.entries(content.sessionStartInfo.hparams).map(([k, v]) => [k, v.numberValue ?? v.stringValue]),
    );
    expect(values).toEqual(c!.sessionStartValues);
  });
});

describe('histograms as PyTorch computes them', () => {
  it.each(cases('histogram'))('$label bins', (c) => {
    const h = makeHistogram(Float32Array.from(c.values), c.bins, c.maxBins ?? undefined);
    expect(h.bucketLimit).toEqual(c.bucketLimit);
    expect(h.bucket).toEqual(c.bucket);
    expect([h.min, h.max, h.num]).toEqual([c.min, c.max, c.num]);
    // numpy sums pairwise and BLAS computes the dot product; only the last bits may differ.
    expect(h.sum).toBeCloseTo(c.sum, 6);
    expect(h.sumSquares! / c.sumSquares).toBeCloseTo(1, 12);
  });
});

describe('images as PyTorch converts them', () => {
  it.each(cases('image'))('$label', (c) => {
    const data = c.uint8 ? Uint8Array.from(c.data) : Float32Array.from(c.data);
    const img = imageProto(toHWC({ data, shape: c.shape, uint8: c.uint8 }, c.dataformats, 'test'));
    expect([img.height, img.width, img.colorspace]).toEqual([c.height, c.width, c.colorspace]);
    const png = decodePng(img.encodedImageString!);
    expect([png.width, png.height, png.channels, png.depth]).toEqual([c.width, c.height, c.colorspace, 8]);
    expect(Array.from(png.data)).toEqual(c.pixels);
  });
});
