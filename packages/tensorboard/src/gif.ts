/** An animation to encode: RGB frames (height × width × 3 bytes each), all the same size. */
export interface GifAnimation {
  width: number;
  height: number;
  frames: Uint8Array[];
  /** Time each frame is shown, in hundredths of a second. */
  delayCs: number;
  /** Times to play; 0 loops forever. */
  loop?: number;
}

/**
 * A GIF89a animation: NETSCAPE2.0 looping, then per frame a graphic control extension (the delay), a full-frame
 * image with its own colour table, LZW-coded. A frame of at most 256 colours keeps them exactly; a frame with more
 * is quantized (see quantize).
 */
export function encodeGif(anim: GifAnimation): Uint8Array {
  const { width, height, frames, delayCs } = anim;
  if (!(width >= 1 && width <= 0xffff && height >= 1 && height <= 0xffff)) {
    throw new RangeError(`GIF: width and height must be in [1, 65535], got ${width} × ${height}`);
  }
  const out = new ByteWriter();
  out.ascii('GIF89a');
  out.u16(width);
  out.u16(height);
  out.bytes([0, 0, 0]); // no global colour table, background 0, square pixels
  out.bytes([0x21, 0xff, 11]);
  out.ascii('NETSCAPE2.0');
  out.bytes([3, 1]);
  out.u16(anim.loop ?? 0);
  out.bytes([0]);
  const delay = Math.max(0, Math.min(0xffff, Math.round(delayCs)));
  for (const rgb of frames) {
    if (rgb.length !== width * height * 3) {
      throw new RangeError(`GIF: a frame has ${rgb.length} bytes, ${width} × ${height} × 3 expected`);
    }
    const { palette, indices } = quantize(rgb);
    const colours = palette.length / 3;
    let tableBits = 1;
    while (1 << tableBits < colours) tableBits++;
    // Graphic control extension: disposal 1 (leave the frame in place), no transparency.
    out.bytes([0x21, 0xf9, 4, 0x04]);
    out.u16(delay);
    out.bytes([0, 0]);
    out.bytes([0x2c]);
    out.u16(0);
    out.u16(0);
    out.u16(width);
    out.u16(height);
    out.bytes([0x80 | (tableBits - 1)]);
    const table = new Uint8Array(3 << tableBits);
    table.set(palette);
    out.bytes(table);
    const minCodeSize = Math.max(2, tableBits);
    out.bytes([minCodeSize]);
    const data = lzwEncode(indices, minCodeSize);
    for (let i = 0; i < data.length; i += 255) {
      const block = data.subarray(i, i + 255);
      out.bytes([block.length]);
      out.bytes(block);
    }
    out.bytes([0]);
  }
  out.bytes([0x3b]);
  return out.finish();
}

/**
 * A palette of at most 256 colours (RGB triples) and each pixel's index into it: the frame's own colours when it has
 * at most 256, else median cut on a 5-bit-per-channel histogram (each colour the mean of the pixels in its box).
 */
export function quantize(rgb: Uint8Array): { palette: Uint8Array; indices: Uint8Array } {
  const n = rgb.length / 3;
  const indices = new Uint8Array(n);
  const exact = new Map<number, number>();
  for (let i = 0; i < n && exact.size <= 256; i++) {
    const key = (rgb[3 * i]! << 16) | (rgb[3 * i + 1]! << 8) | rgb[3 * i + 2]!;
    let s = exact.get(key);
    if (s === undefined) {
      s = exact.size;
      exact.set(key, s);
    }
    indices[i] = s;
  }
  if (exact.size <= 256) {
    const palette = new Uint8Array(exact.size * 3);
    for (const [key, s] of exact) palette.set([key >> 16, (key >> 8) & 255, key & 255], 3 * s);
    return { palette, indices };
  }
  const cellOf = (i: number) => ((rgb[3 * i]! >> 3) << 10) | ((rgb[3 * i + 1]! >> 3) << 5) | (rgb[3 * i + 2]! >> 3);
  const counts = new Float64Array(1 << 15);
  const sums = new Float64Array(3 << 15);
  for (let i = 0; i < n; i++) {
    const c = cellOf(i);
    counts[c]!++;
    for (let k = 0; k < 3; k++) sums[3 * c + k]! += rgb[3 * i + k]!;
  }
  // Median cut over the histogram's used cells: split the box holding the most pixels (with more than one cell)
  // along its widest channel where half its pixels lie on each side, until there are 256 boxes.
  const channel = (c: number, k: number) => (c >> (10 - 5 * k)) & 31;
  let boxes: number[][] = [[]];
  for (let c = 0; c < counts.length; c++) if (counts[c]! > 0) boxes[0]!.push(c);
  const pixels = (box: number[]) => box.reduce((a, c) => a + counts[c]!, 0);
  while (boxes.length < 256) {
    let pick = -1;
    let most = 0;
    boxes.forEach((box, b) => {
      const p = pixels(box);
      if (box.length > 1 && p > most) {
        most = p;
        pick = b;
      }
    });
    if (pick < 0) break;
    const box = boxes[pick]!;
    let axis = 0;
    let widest = -1;
    for (let k = 0; k < 3; k++) {
      const vals = box.map((c) => channel(c, k));
      const width = Math.max(...vals) - Math.min(...vals);
      if (width > widest) {
        widest = width;
        axis = k;
      }
    }
    box.sort((a, b) => channel(a, axis) - channel(b, axis) || a - b);
    let acc = 0;
    let cut = 1;
    for (; cut < box.length - 1; cut++) {
      acc += counts[box[cut - 1]!]!;
      if (acc * 2 >= most) break;
    }
    boxes = [...boxes.slice(0, pick), box.slice(0, cut), box.slice(cut), ...boxes.slice(pick + 1)];
  }
  const palette = new Uint8Array(boxes.length * 3);
  const slotOf = new Uint8Array(1 << 15);
  boxes.forEach((box, b) => {
    const total = pixels(box);
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (const c of box) sum += sums[3 * c + k]!;
      palette[3 * b + k] = Math.round(sum / total);
    }
    for (const c of box) slotOf[c] = b;
  });
  for (let i = 0; i < n; i++) indices[i] = slotOf[cellOf(i)]!;
  return { palette, indices };
}

/** GIF's variable-length LZW (codes of minCodeSize + 1 up to 12 bits, LSB first), with a clear code when full. */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const out = new ByteWriter();
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let codeSize = minCodeSize + 1;
  let next = eoi + 1;
  let dict = new Map<number, number>();
  let acc = 0;
  let accBits = 0;
  const emit = (code: number) => {
    acc |= code << accBits;
    accBits += codeSize;
    while (accBits >= 8) {
      out.byte(acc & 0xff);
      acc >>>= 8;
      accBits -= 8;
    }
  };
  emit(clear);
  if (indices.length === 0) {
    emit(eoi);
    if (accBits > 0) out.byte(acc & 0xff);
    return out.finish();
  }
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    const found = dict.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next === 4096) {
      emit(clear);
      dict = new Map();
      next = eoi + 1;
      codeSize = minCodeSize + 1;
    } else {
      // The decoder adds each entry one code later than the encoder, so the width grows when the entry about to be
      // added no longer fits, not when the last one filled the width.
      if (next >= 1 << codeSize) codeSize++;
      dict.set(key, next++);
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (accBits > 0) out.byte(acc & 0xff);
  return out.finish();
}

class ByteWriter {
  #buf = new Uint8Array(1024);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = b;
  }

  bytes(b: ArrayLike<number>): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  u16(v: number): void {
    this.bytes([v & 0xff, (v >> 8) & 0xff]);
  }

  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
