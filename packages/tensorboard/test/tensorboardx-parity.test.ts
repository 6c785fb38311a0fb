import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun, SummaryWriter, type TensorInput } from '../src/index.js';
import { decodeMessage, type EventProto, pb } from '../src/proto.js';
import { readRecords } from '../src/record-reader.js';
import { labelRect } from '../src/summary/boxes.js';
import { videoFrames } from '../src/summary/video.js';
import { decodeGif } from './helpers/gif-decode.js';

// What tensorboardX's SummaryWriter wrote for the same calls: tools/fixtures/tensorboardx_summaries.py ran it and
// read its event files back record by record.
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
type Case = Record<string, any>;
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tensorboardx-summaries.json', import.meta.url), 'utf8'),
) as {
  walltime: number;
  versions: Record<string, string | null>;
  cases: Case[];
};
const cases = (name: string): Case[] => fixture.cases.filter((c) => c.name === name);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const WALL = fixture.walltime;

const root = mkdtempSync(join(tmpdir(), 'tk-tbx-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fixture tensor as the writer takes it: float32/uint8 data in typed arrays of that type, with its shape. */
function input(t: { shape: number[]; dtype: string; data: number[] }): TensorInput {
  const data =
    t.dtype === 'float32'
      ? Float32Array.from(t.data)
      : t.dtype === 'uint8'
        ? Uint8Array.from(t.data)
        : Float64Array.from(t.data);
  return { data, shape: t.shape, dtype: t.dtype };
}

/** Runs `call` on a fresh writer and returns the raw bytes of each event it wrote after the file version. */
async function written(call: (w: SummaryWriter) => void): Promise<{ dir: string; events: Uint8Array[] }> {
  const dir = join(root, `run-${n++}`);
  const w = new SummaryWriter(dir);
  call(w);
  await w.close();
  const run = await loadRun(dir);
  const records = readRecords(readFileSync(run.files[0]!)).records;
  const events = records.filter((r) => !decodeMessage<EventProto>(pb.Event, r).fileVersion);
  return { dir, events };
}

describe(`parity with tensorboardX ${fixture.versions.tensorboardX?.slice(0, 7)}`, () => {
  it.each(cases('scalar'))(
    'addScalar $tag with displayName "$displayName", description: same Event bytes',
    async (c) => {
      const { dir, events } = await written((w) =>
        w.addScalar(c.tag, c.value, {
          globalStep: c.step,
          walltime: WALL,
          displayName: c.displayName,
          summaryDescription: c.description,
        }),
      );
      expect(events.map(hex)).toEqual([c.eventHex]);
      const run = await loadRun(dir);
      expect(run.scalars[c.tag]).toMatchObject([{ step: c.step, value: Math.fround(c.value) }]);
      expect(run.tagInfo[c.tag]).toEqual({ displayName: c.displayName, description: c.description });
    },
  );

  it.each(cases('audio'))('addAudio $label: same Event bytes, WAV included', async (c) => {
    const { dir, events } = await written((w) =>
      w.addAudio(c.tag, input(c.input), c.step, c.sampleRate ?? undefined, WALL),
    );
    expect(hex(events[0]!).length).toBe(c.eventHex.length);
    const ours = decodeMessage<EventProto>(pb.Event, events[0]!).summary!.value[0]!.audio!.encodedAudioString!;
    expect(hex(ours)).toBe(c.wavHex);
    expect(events.map(hex)).toEqual([c.eventHex]);
    const [a] = (await loadRun(dir)).audio[c.tag]!;
    expect(a).toMatchObject({
      step: c.step,
      sampleRate: c.sampleRate ?? 44100,
      numChannels: c.input.shape[1] ?? 1,
      lengthFrames: c.input.shape[0],
      contentType: 'audio/wav',
    });
    expect(hex(a!.encoded)).toBe(c.wavHex);
  });

  it.each(cases('video'))('addVideo $label: same frames handed to the GIF encoder', (c) => {
    const ours = videoFrames(
      {
        data: (input(c.input) as { data: ArrayLike<number> }).data,
        shape: c.input.shape,
        uint8: c.input.dtype === 'uint8',
      },
      'NTCHW',
      'test',
    );
    const h = c.handedFrames; // [T, H, W, C] uint8
    expect([ours.frames.length, ours.height, ours.width]).toEqual(h.shape.slice(0, 3));
    const channels = h.shape[3];
    const expected = ours.frames.map((_, f) => {
      const frame = h.data.slice(
        f * ours.height * ours.width * channels,
        (f + 1) * ours.height * ours.width * channels,
      );
      return channels === 1 ? frame.flatMap((v: number) => [v, v, v]) : frame;
    });
    expect(ours.frames.map((f) => Array.from(f))).toEqual(expected);
    expect(ours.channels).toBe(c.colorspace);
  });

  it.each(cases('video'))('addVideo $label: the GIF shows the same frames, size and timing', async (c) => {
    // Our decoder, checked first on tensorboardX's GIF against what Pillow decoded from it.
    const theirs = decodeGif(Buffer.from(c.gifHex, 'hex'));
    expect(theirs.frames.map((f) => Array.from(f))).toEqual(c.gifFrames);
    const { dir, events } = await written((w) =>
      w.addVideo(c.tag, input(c.input), c.step, { fps: c.fps, walltime: WALL }),
    );
    const ev = decodeMessage<EventProto>(pb.Event, events[0]!);
    const v = ev.summary!.value[0]!;
    expect(ev.step ?? 0).toBe(c.eventStep);
    expect(ev.wallTime).toBe(WALL);
    expect(v.metadata?.pluginData?.pluginName).toBe(c.pluginName);
    expect([v.image!.height, v.image!.width, v.image!.colorspace]).toEqual([c.height, c.width, c.colorspace]);
    const gif = decodeGif(v.image!.encodedImageString!);
    expect([gif.width, gif.height]).toEqual(c.gifSize);
    expect(gif.loop).toBe(c.gifLoop);
    expect(gif.frames.map((f) => Array.from(f))).toEqual(c.gifFrames);
    expect(gif.delaysCs.map((d) => d * 10)).toEqual(c.gifDurationsMs);
    expect((await loadRun(dir)).images[c.tag]![0]!.encoded).toEqual(v.image!.encodedImageString);
  });

  it.each(cases('mesh'))('addMesh $label: same Event bytes; read back as one mesh', async (c) => {
    const { dir, events } = await written((w) =>
      w.addMesh(c.tag, input(c.vertices), {
        colors: c.colors ? input(c.colors) : undefined,
        faces: c.faces ? input(c.faces) : undefined,
        configDict: c.config ?? undefined,
        globalStep: c.step ?? undefined,
        walltime: WALL,
      }),
    );
    expect(events.map(hex)).toEqual([c.eventHex]);
    const [m] = (await loadRun(dir)).meshes[c.tag]!;
    expect(m!.step).toBe(c.step ?? 0);
    expect(m!.config).toEqual(c.config);
    expect(m!.vertices).toEqual({ shape: c.vertices.shape, data: Array.from(Float32Array.from(c.vertices.data)) });
    if (c.faces) expect(m!.faces).toEqual({ shape: c.faces.shape, data: c.faces.data });
    if (c.colors) expect(m!.colors).toEqual({ shape: c.colors.shape, data: c.colors.data });
  });

  it.each(cases('image_with_boxes'))('addImageWithBoxes $label: same pixels', async (c) => {
    const { events } = await written((w) =>
      w.addImageWithBoxes(c.tag, input(c.image), input(c.boxes), c.step, {
        walltime: WALL,
        labels: c.labels ?? undefined,
      }),
    );
    const v = decodeMessage<EventProto>(pb.Event, events[0]!).summary!.value[0]!;
    expect(v.metadata !== undefined).toBe(c.hasMetadata);
    expect([v.image!.height, v.image!.width, v.image!.colorspace]).toEqual([c.height, c.width, c.colorspace]);
    const png = decodePng(v.image!.encodedImageString!);
    const ours = Array.from(png.data as Uint8Array);
    if (!c.labels) {
      expect(ours).toEqual(c.pixels);
      return;
    }
    // Label text comes from different fonts (PIL's default, our bitmap font): outside PIL's label box and text and
    // ours the pixels are the same; inside ours there is red background and black text.
    const boxes = c.boxes.data as number[];
    const ourRects = (c.labels as string[]).map((text, i) =>
      labelRect(text, Math.trunc(boxes[4 * i]!), Math.trunc(boxes[4 * i + 3]!)),
    );
    const theirRects = (c.labelRects as number[][][]).flat().map((r) => r.map(Math.trunc));
    const skip = [...ourRects, ...theirRects];
    const inLabel = (x: number, y: number) => skip.some(([l, t, r, b]) => x >= l! && x <= r! && y >= t! && y <= b!);
    let compared = 0;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        if (inLabel(x, y)) continue;
        const o = 3 * (y * c.width + x);
        expect([x, y, ...ours.slice(o, o + 3)]).toEqual([x, y, ...c.pixels.slice(o, o + 3)]);
        compared++;
      }
    }
    for (const [l, t, r, b] of ourRects) {
      const colours = new Set<string>();
      for (let y = Math.max(0, t); y <= Math.min(c.height - 1, b); y++) {
        for (let x = Math.max(0, l); x <= Math.min(c.width - 1, r); x++) {
          colours.add(ours.slice(3 * (y * c.width + x), 3 * (y * c.width + x) + 3).join(','));
        }
      }
      expect([...colours].sort()).toEqual(['0,0,0', '255,0,0']);
    }
    expect(compared).toBeGreaterThan(100); // PIL 9.4's default font is 11 px high: labels cover much of 24 × 20
  });
});
