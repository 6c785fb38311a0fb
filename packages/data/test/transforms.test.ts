import { readFileSync } from 'node:fs';
import { Generator } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { type ArrayTensor, type ImageArray, transforms } from '../src/index.js';

const {
  compose,
  toTensor,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  resize,
  centerCrop,
  lambda,
  hflip,
  rotate,
  randomRotation,
} = transforms;

/** A 2-channel-distinct HWC image: pixel (y, x) = [10y + x, 100 + 10y + x, 200 + y + x]. */
function image(h: number, w: number): ImageArray {
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.set([10 * y + x, 100 + 10 * y + x, (200 + y + x) % 256], (y * w + x) * 3);
  return { data, height: h, width: w, channels: 3 };
}
const px = (img: ImageArray, y: number, x: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x + 1) * 3));
const chw = (t: ArrayTensor, c: number, y: number, x: number) => t.data[(c * t.shape[1]! + y) * t.shape[2]! + x]!;

describe('toTensor', () => {
  it('turns uint8 HWC into float32 CHW in [0, 1] with torchvision values', () => {
    const img = image(2, 3);
    const t = toTensor()(img);
    expect(t.shape).toEqual([3, 2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(chw(t, 0, 1, 2)).toBe(Math.fround(12 / 255));
    expect(chw(t, 1, 1, 2)).toBe(Math.fround(112 / 255));
    expect(chw(t, 2, 0, 1)).toBe(Math.fround(201 / 255));
    expect(() => toTensor()({ data: new Float32Array(4), shape: [2, 2] } as never)).toThrow(/expected an ImageArray/);
  });
});

describe('normalize', () => {
  it('computes (x - mean) / std per channel in float32 like PyTorch', () => {
    const x = { data: Float32Array.from([0.5, 1, 0.25, 0]), shape: [2, 1, 2] };
    const out = normalize([0.5, 0.1], [0.5, 0.2])(x);
    expect(Array.from(out.data)).toEqual([
      0,
      1,
      Math.fround(Math.fround(0.25 - Math.fround(0.1)) / Math.fround(0.2)),
      Math.fround(-Math.fround(0.1) / Math.fround(0.2)),
    ]);
    expect(Array.from(x.data)).toEqual([0.5, 1, 0.25, 0]); // input untouched
    const inplace = normalize([0.5], [0.5], { inplace: true })(x);
    expect(inplace.data).toBe(x.data);
    expect(() => normalize([0, 0, 0], [1, 1, 1])(x)).toThrow(
      /mean has 3 and std 3 values, but the image has 2 channels/,
    );
    expect(() => normalize([0], [0])).toThrow(/std\[0\] is 0/);
    expect(() => normalize([0], [1])(image(2, 2) as never)).toThrow(/apply toTensor first/);
  });
});

describe('randomCrop', () => {
  it('crops a window at a position drawn from the generator, padding with zeros', () => {
    const img = image(6, 6);
    const crop = randomCrop(6, { padding: 2, generator: new Generator(7) });
    const g = new Generator(7);
    const outs = Array.from({ length: 20 }, () => crop(img));
    const positions = new Set<string>();
    for (const out of outs) {
      // torchvision draws top, then left, each randint(0, 10 - 6 + 1)
      const top = g.randint(0, 5) - 2;
      const left = g.randint(0, 5) - 2;
      positions.add(`${top},${left}`);
      expect([out.height, out.width, out.channels]).toEqual([6, 6, 3]);
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 6; x++) {
          const sy = top + y;
          const sx = left + x;
          const inside = sy >= 0 && sy < 6 && sx >= 0 && sx < 6;
          expect(px(out, y, x)).toEqual(inside ? px(img, sy, sx) : [0, 0, 0]);
        }
    }
    expect(positions.size).toBeGreaterThan(5);
  });

  it('is reproducible under a seed and does not draw when the window is the whole image', () => {
    const img = image(8, 8);
    const run = (seed: number) => {
      const crop = randomCrop(4, { generator: new Generator(seed) });
      return Array.from({ length: 5 }, () => Array.from(crop(img).data));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const same = new Generator(5);
    const before = same.getState();
    randomCrop(8, { generator: same })(img);
    expect(same.getState()).toEqual(before);
  });

  it('supports edge, reflect and symmetric padding on CHW tensors', () => {
    const row: ArrayTensor = { data: Float32Array.from([1, 2, 3]), shape: [1, 1, 3] };
    // a 1×3 row padded by 2 on the left/right and cropped to 7 columns: no draw, the whole padded row
    const pad = (mode: 'edge' | 'reflect' | 'symmetric' | 'constant') =>
      Array.from(randomCrop([1, 7], { padding: [2, 0], paddingMode: mode, fill: 9 })(row).data);
    expect(pad('constant')).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect(pad('edge')).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(pad('reflect')).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad('symmetric')).toEqual([2, 1, 1, 2, 3, 3, 2]);
  });

  it('refuses a crop larger than the padded image, naming both sizes', () => {
    expect(() => randomCrop(10)(image(4, 4))).toThrow(
      /required crop size \(10, 10\) is larger than the \(padded\) input image size \(4, 4\)/,
    );
    expect(randomCrop(6, { padIfNeeded: true, generator: new Generator(0) })(image(4, 4)).height).toBe(6);
  });
});

describe('randomHorizontalFlip', () => {
  it('mirrors with probability p, one draw per call, reproducibly', () => {
    const img = image(3, 4);
    const flipped = hflip(img);
    expect(px(flipped, 1, 0)).toEqual(px(img, 1, 3));
    expect(px(flipped, 2, 3)).toEqual(px(img, 2, 0));
    const g = new Generator(11);
    const expected = Array.from({ length: 50 }, () => g.random() < 0.5);
    const flip = randomHorizontalFlip(0.5, { generator: new Generator(11) });
    const got = Array.from({ length: 50 }, () => flip(img) !== img);
    expect(got).toEqual(expected);
    expect(got.filter(Boolean).length).toBeGreaterThan(10);
    expect(randomHorizontalFlip(0)(img)).toBe(img);
    const t = toTensor()(img);
    const tf = randomHorizontalFlip(1)(t);
    expect(chw(tf, 2, 1, 0)).toBe(chw(t, 2, 1, 3));
  });
});

describe('resize', () => {
  it('matches torch.nn.functional.interpolate(bilinear, align_corners=False) on the PyTorch docs example', () => {
    const x: ArrayTensor = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 2, 2] };
    expect(Array.from(resize([4, 4])(x).data)).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
    const x3: ArrayTensor = { data: Float32Array.from([1, 2, 0, 3, 4, 0, 0, 0, 0]), shape: [1, 3, 3] };
    const out = Array.from(resize([6, 6])(x3).data);
    expect(out).toEqual([
      1, 1.25, 1.75, 1.5, 0.5, 0, 1.5, 1.75, 2.25, 1.875, 0.625, 0, 2.5, 2.75, 3.25, 2.625, 0.875, 0, 2.25, 2.4375,
      2.8125, 2.25, 0.75, 0, 0.75, 0.8125, 0.9375, 0.75, 0.25, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(Array.from(resize([4, 4], { interpolation: 'nearest' })(x).data)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
  });

  it('downscales by averaging the two nearest source pixels per axis (no antialias)', () => {
    const row: ArrayTensor = { data: Float32Array.from([0, 10, 20, 30]), shape: [1, 1, 4] };
    // scale 2: source x = 2o + 0.5 → (10 + 0)/2 … i.e. 5 and 25
    expect(Array.from(resize([1, 2])(row).data)).toEqual([5, 25]);
  });

  it('matches the shorter edge for an int size and rounds uint8 results half to even', () => {
    const img = image(4, 8);
    const out = resize(2)(img);
    expect([out.height, out.width]).toEqual([2, 4]);
    expect(out.data).toBeInstanceOf(Uint8Array);
    // a 1×2 uint8 row [1, 2] → 1×4: 1, 1.25, 1.75, 2 → 1, 1, 2, 2
    const row: ImageArray = { data: Uint8Array.from([1, 2]), height: 1, width: 2, channels: 1 };
    expect(Array.from(resize([1, 4])(row).data)).toEqual([1, 1, 2, 2]);
    const half: ImageArray = { data: Uint8Array.from([1, 2, 3, 4]), height: 1, width: 4, channels: 1 };
    // → 1.5 and 3.5 → 2 and 4 (half to even)
    expect(Array.from(resize([1, 2])(half).data)).toEqual([2, 4]);
  });
});

describe('resize with antialias (PIL / torchvision)', () => {
  interface Case {
    in: [number, number, number];
    out: [number, number];
    pixels: number[];
    pil: number[];
    torchFloat: number[];
  }
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/resize-antialias.json', import.meta.url), 'utf8')) as {
    pil: string;
    cases: Case[];
  };

  for (const c of fixture.cases) {
    const [h, w, ch] = c.in;
    const [oh, ow] = c.out;
    it(`${h}×${w}×${ch} → ${oh}×${ow}: uint8 as PIL ${fixture.pil}'s resize(BILINEAR), float as torch's antialias=True`, () => {
      const img: ImageArray = { data: Uint8Array.from(c.pixels), height: h, width: w, channels: ch };
      const out = resize([oh, ow], { antialias: true })(img);
      expect([out.height, out.width, out.channels]).toEqual([oh, ow, ch]);
      expect(out.data).toBeInstanceOf(Uint8Array);
      const diffs = Array.from(out.data, (v, i) => Math.abs(v - c.pil[i]!));
      // PIL's fixed-point arithmetic: equal; the issue's bound is 1/255
      expect(Math.max(...diffs)).toBe(0);

      // the same pixels as a float CHW tensor, against torch's interpolate (HWC in the fixture)
      const chw = new Float32Array(h * w * ch);
      c.pixels.forEach((v, i) => {
        chw[(i % ch) * h * w + Math.floor(i / ch)] = v / 255;
      });
      const f = resize([oh, ow], { antialias: true })({ data: chw, shape: [ch, h, w] } as ArrayTensor);
      expect(f.shape).toEqual([ch, oh, ow]);
      const err = Math.max(
        ...c.torchFloat.map((v, i) => Math.abs(v - f.data[(i % ch) * oh * ow + Math.floor(i / ch)]!)),
      );
      expect(err).toBeLessThan(1e-5);
    });
  }

  it('differs from the plain bilinear resize when shrinking, which reads only the nearest pixels', () => {
    // every fourth pixel lit, shrunk 4×: plain bilinear reads pixels 1 and 2 of each four (both dark); the stretched
    // filter sees them all (PIL gives 73, 64, 64, 46: the borders see fewer lit pixels)
    const row: ImageArray = {
      data: Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 255 : 0)),
      height: 1,
      width: 16,
      channels: 1,
    };
    expect(Array.from(resize([1, 4], { antialias: true })(row).data)).toEqual([73, 64, 64, 46]);
    expect(Array.from(resize([1, 4])(row).data)).toEqual([0, 0, 0, 0]);
  });

  it("rejects antialias with 'nearest'", () => {
    expect(() => resize(4, { interpolation: 'nearest', antialias: true })).toThrow(
      /antialias is only for 'bilinear' interpolation/,
    );
  });
});

describe('rotate and randomRotation (torchvision on PIL images)', () => {
  interface Case {
    in: [number, number, number];
    angle: number;
    expand: boolean;
    center: [number, number] | null;
    fill: number | number[];
    pixels: number[];
    out: [number, number];
    expected: number[];
  }
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/rotate.json', import.meta.url), 'utf8')) as {
    pil: string;
    torchvision: string;
    cases: Case[];
  };

  for (const c of fixture.cases) {
    const [h, w, ch] = c.in;
    const what = `${h}×${w}×${ch} by ${c.angle}°${c.expand ? ', expand' : ''}${c.center ? ` about (${c.center})` : ''}`;
    it(`${what}: every pixel as torchvision ${fixture.torchvision}'s F.rotate on PIL ${fixture.pil}`, () => {
      const img: ImageArray = { data: Uint8Array.from(c.pixels), height: h, width: w, channels: ch };
      const out = rotate(img, c.angle, {
        expand: c.expand,
        ...(c.center ? { center: c.center } : {}),
        fill: c.fill,
      });
      expect([out.height, out.width]).toEqual(c.out);
      const wrong = Array.from(out.data).filter((v, i) => v !== c.expected[i]).length;
      expect(wrong).toBe(0);
    });
  }

  it('rotates a CHW tensor as the same image in HWC', () => {
    const c = fixture.cases[0]!;
    const [h, w, ch] = c.in;
    const chw = new Float32Array(h * w * ch);
    c.pixels.forEach((v, i) => {
      chw[(i % ch) * h * w + Math.floor(i / ch)] = v;
    });
    const out = rotate({ data: chw, shape: [ch, h, w] } as ArrayTensor, c.angle);
    const back = c.expected.map((_, i) => out.data[(i % ch) * h * w + Math.floor(i / ch)]);
    expect(back).toEqual(c.expected);
  });

  it('randomRotation draws one angle per call in [−d, d] from its generator', () => {
    const img: ImageArray = { data: Uint8Array.from({ length: 64 }, (_, i) => i), height: 8, width: 8, channels: 1 };
    const g = new Generator(3);
    const angles = [0, 1, 2].map(() => g.uniform(-20, 20));
    const t = randomRotation(20, { generator: new Generator(3) });
    for (const a of angles) expect(Array.from(t(img).data)).toEqual(Array.from(rotate(img, a).data));
    expect(() => randomRotation(-1)).toThrow(/must be positive/);
    expect(() => rotate(img, 10, { fill: [1, 2] })).toThrow(/one value or one per channel \(1\), got 2/);
  });
});

describe('colour adjustments and colorJitter (torchvision on PIL images and on tensors)', () => {
  interface Case {
    op: 'brightness' | 'contrast' | 'saturation' | 'hue';
    factor: number;
    channels: number;
    pixels: number[];
    pil: number[];
    tensor: number[];
  }
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/color-jitter.json', import.meta.url), 'utf8')) as {
    pil: string;
    torchvision: string;
    height: number;
    width: number;
    cases: Case[];
  };
  const adjust = {
    brightness: transforms.adjustBrightness,
    contrast: transforms.adjustContrast,
    saturation: transforms.adjustSaturation,
    hue: transforms.adjustHue,
  };
  const { height: h, width: w } = fixture;

  for (const c of fixture.cases) {
    it(`${c.op} ${c.factor} on ${c.channels} channel(s): every byte as on PIL ${fixture.pil}, floats as on tensors`, () => {
      const img: ImageArray = { data: Uint8Array.from(c.pixels), height: h, width: w, channels: c.channels };
      const out = adjust[c.op](img, c.factor);
      const wrong = Array.from(out.data).filter((v, i) => v !== c.pil[i]).length;
      expect(wrong).toBe(0);

      const chw = new Float32Array(c.pixels.length);
      c.pixels.forEach((v, i) => {
        chw[(i % c.channels) * h * w + Math.floor(i / c.channels)] = v / 255;
      });
      const t = adjust[c.op]({ data: chw, shape: [c.channels, h, w] } as ArrayTensor, c.factor);
      const err = Math.max(...c.tensor.map((v, i) => Math.abs(v - t.data[i]!)));
      expect(err).toBeLessThan(1e-5);
    });
  }

  it('colorJitter draws an order and then each factor from its generator, and applies them in that order', () => {
    const c = fixture.cases[0]!;
    const img: ImageArray = { data: Uint8Array.from(c.pixels), height: h, width: w, channels: 3 };
    const jitter = transforms.colorJitter({
      brightness: 0.4,
      contrast: 0.4,
      saturation: 0.4,
      hue: 0.1,
      generator: new Generator(5),
    });
    const g = new Generator(5);
    const order = Array.from(g.randperm(4));
    const factors = [g.uniform(0.6, 1.4), g.uniform(0.6, 1.4), g.uniform(0.6, 1.4), g.uniform(-0.1, 0.1)];
    const ops = [
      transforms.adjustBrightness,
      transforms.adjustContrast,
      transforms.adjustSaturation,
      transforms.adjustHue,
    ];
    let want: ImageArray = img;
    for (const k of order) want = ops[k]!(want, factors[k]!);
    expect(Array.from(jitter(img).data)).toEqual(Array.from(want.data));
    expect(() => transforms.colorJitter({ hue: 0.7 })).toThrow(/hue values should be between -0.5 and 0.5/);
    expect(() => transforms.adjustContrast(img, -1)).toThrow(/factor must be ≥ 0, got -1/);
  });
});

describe('centerCrop, compose and lambda', () => {
  it('centerCrop takes the central window with Python rounding and pads small images', () => {
    const img = image(5, 5);
    const c = centerCrop(2)(img);
    // round((5 - 2) / 2) = round(1.5) = 2
    expect(px(c, 0, 0)).toEqual(px(img, 2, 2));
    const big = centerCrop(7)(image(4, 4));
    expect(px(big, 0, 0)).toEqual([0, 0, 0]);
    expect(px(big, 1, 1)).toEqual(px(image(4, 4), 0, 0));
  });

  it('compose applies transforms in order', () => {
    const pipeline = compose([
      randomCrop(4, { padding: 1, generator: new Generator(2) }),
      randomHorizontalFlip(0.5, { generator: new Generator(3) }),
      toTensor(),
      normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
      lambda((t: ArrayTensor) => ({ ...t, tag: 'done' })),
    ]);
    const out = pipeline(image(4, 4));
    expect(out.shape).toEqual([3, 4, 4]);
    expect(out.tag).toBe('done');
    const manual = normalize(
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    )(
      toTensor()(
        randomHorizontalFlip(0.5, { generator: new Generator(3) })(
          randomCrop(4, { padding: 1, generator: new Generator(2) })(image(4, 4)),
        ),
      ),
    );
    expect(Array.from(out.data)).toEqual(Array.from(manual.data));
  });
});

describe('compose fusion of crop, flip, toTensor and normalize', () => {
  const noisy = (h: number, w: number, c: number, seed: number): ImageArray => {
    const g = new Generator(seed);
    return { data: Uint8Array.from({ length: h * w * c }, () => g.randint(0, 256)), height: h, width: w, channels: c };
  };
  type Build = (seed: number) => transforms.Transform[];
  const cases: [string, Build, number][] = [
    [
      'crop+flip+toTensor+normalize',
      (s) => [
        randomCrop(32, { padding: 4, generator: new Generator(s) }),
        randomHorizontalFlip(0.5, { generator: new Generator(s + 1) }),
        toTensor(),
        normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26]),
      ],
      3,
    ],
    [
      'one shared generator',
      (s) => {
        const g = new Generator(s);
        return [
          randomCrop([20, 28], { padding: [3, 1, 5, 2], generator: g }),
          randomHorizontalFlip(0.5, { generator: g }),
          toTensor(),
          normalize([0.5], [0.2]),
        ];
      },
      3,
    ],
    [
      'crop with a per-channel fill, no flip',
      (s) => [
        randomCrop(30, { padding: 6, fill: [255, 7, 300], generator: new Generator(s) }),
        toTensor(),
        normalize([0.1, 0.2, 0.3], [0.9, 0.8, 0.7]),
      ],
      3,
    ],
    ['flip only, gray', (s) => [randomHorizontalFlip(0.7, { generator: new Generator(s) }), toTensor()], 1],
    ['toTensor+normalize, gray', () => [toTensor(), normalize([0.1307], [0.3081])], 1],
    [
      'padIfNeeded',
      (s) => [
        randomCrop(40, { padIfNeeded: true, fill: 9, generator: new Generator(s) }),
        randomHorizontalFlip(1),
        toTensor(),
      ],
      3,
    ],
  ];
  it.each(cases)('%s gives exactly the values and draws of the separate transforms', (_, build, c) => {
    for (let seed = 0; seed < 12; seed++) {
      const img = noisy(32, 32, c, 100 + seed);
      const fused = compose(build(seed) as never) as (x: ImageArray) => ArrayTensor;
      const steps = build(seed);
      const a = [fused(img), fused(img)];
      let x: unknown = img;
      const b: ArrayTensor[] = [];
      for (let r = 0; r < 2; r++) {
        x = img;
        for (const t of steps) x = t(x as never);
        b.push(x as ArrayTensor);
      }
      for (let r = 0; r < 2; r++) {
        expect(a[r]!.shape).toEqual(b[r]!.shape);
        expect(Buffer.from(a[r]!.data.buffer).equals(Buffer.from(b[r]!.data.buffer))).toBe(true);
      }
    }
  });

  it('falls back to the separate transforms (and their errors) for inputs it does not handle', () => {
    const pipeline = compose([randomCrop(8), toTensor(), normalize([0, 0, 0], [1, 1, 1])]);
    expect(() => pipeline(image(4, 4))).toThrow(/required crop size \(8, 8\)/);
    const gray: ImageArray = { data: new Uint8Array(16), height: 4, width: 4, channels: 1 };
    expect(() => compose([toTensor(), normalize([0, 0, 0], [1, 1, 1])])(gray)).toThrow(
      /mean has 3 and std 3 values, but the image has 1 channels/,
    );
  });
});
