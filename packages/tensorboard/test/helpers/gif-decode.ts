/**
 * A GIF decoder for the tests, written from the GIF89a specification independently of src/gif.ts: it composes each
 * frame onto the logical screen (disposal methods 0-2, transparency, sub-rectangles, interlacing, global or local
 * colour tables), so it decodes Pillow's GIFs (tensorboardX's, which crop unchanged areas) as well as ours.
 */
export interface DecodedGif {
  width: number;
  height: number;
  /** NETSCAPE2.0 loop count; undefined when the extension is absent. */
  loop?: number;
  /** Each frame as shown: RGB, width × height × 3. */
  frames: Uint8Array[];
  /** Each frame's delay in hundredths of a second. */
  delaysCs: number[];
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== 'GIF89a' && sig !== 'GIF87a') throw new Error(`not a GIF: starts with '${sig}'`);
  let p = 6;
  const u16 = () => {
    const v = bytes[p]! | (bytes[p + 1]! << 8);
    p += 2;
    return v;
  };
  const width = u16();
  const height = u16();
  const packed = bytes[p++]!;
  const background = bytes[p++]!;
  p++; // aspect
  let globalTable: Uint8Array | undefined;
  if (packed & 0x80) {
    const size = 3 << ((packed & 7) + 1);
    globalTable = bytes.subarray(p, p + size);
    p += size;
  }
  const screen = new Uint8Array(width * height * 3);
  if (globalTable) {
    for (let i = 0; i < width * height; i++)
      screen.set(globalTable.subarray(3 * background, 3 * background + 3), 3 * i);
  }
  const out: DecodedGif = { width, height, frames: [], delaysCs: [] };
  let delay = 0;
  let transparent = -1;
  let disposal = 0;
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    for (let n = bytes[p++]!; n > 0; n = bytes[p++]!) {
      for (let i = 0; i < n; i++) parts.push(bytes[p + i]!);
      p += n;
    }
    return Uint8Array.from(parts);
  };
  for (;;) {
    const block = bytes[p++];
    if (block === 0x3b || block === undefined) break;
    if (block === 0x21) {
      const label = bytes[p++]!;
      const data = subBlocks();
      if (label === 0xf9) {
        disposal = (data[0]! >> 2) & 7;
        delay = data[1]! | (data[2]! << 8);
        transparent = data[0]! & 1 ? data[3]! : -1;
      } else if (label === 0xff && String.fromCharCode(...data.subarray(0, 11)) === 'NETSCAPE2.0') {
        out.loop = data[12]! | (data[13]! << 8);
      }
      continue;
    }
    if (block !== 0x2c) throw new Error(`GIF: unknown block 0x${block.toString(16)} at byte ${p - 1}`);
    const left = u16();
    const top = u16();
    const w = u16();
    const h = u16();
    const flags = bytes[p++]!;
    let table = globalTable;
    if (flags & 0x80) {
      const size = 3 << ((flags & 7) + 1);
      table = bytes.subarray(p, p + size);
      p += size;
    }
    if (!table) throw new Error('GIF: a frame without a colour table');
    const minCodeSize = bytes[p++]!;
    const indices = lzwDecode(subBlocks(), minCodeSize, w * h);
    const rows = flags & 0x40 ? interlacedRows(h) : Array.from({ length: h }, (_, i) => i);
    const before = screen.slice();
    for (let r = 0; r < h; r++) {
      const y = top + rows[r]!;
      for (let x = 0; x < w; x++) {
        const idx = indices[r * w + x]!;
        if (idx === transparent || y >= height || left + x >= width) continue;
        screen.set(table.subarray(3 * idx, 3 * idx + 3), 3 * (y * width + left + x));
      }
    }
    out.frames.push(screen.slice());
    out.delaysCs.push(delay);
    if (disposal === 2) {
      for (let y = top; y < Math.min(height, top + h); y++) {
        for (let x = left; x < Math.min(width, left + w); x++)
          screen.fill(0, 3 * (y * width + x), 3 * (y * width + x) + 3);
      }
    } else if (disposal === 3) {
      screen.set(before);
    }
    transparent = -1;
    disposal = 0;
    delay = 0;
  }
  return out;
}

function interlacedRows(h: number): number[] {
  const rows: number[] = [];
  for (const [start, step] of [
    [0, 8],
    [4, 8],
    [2, 4],
    [1, 2],
  ] as const) {
    for (let y = start; y < h; y += step) rows.push(y);
  }
  return rows;
}

function lzwDecode(data: Uint8Array, minCodeSize: number, count: number): Uint8Array {
  // Each code is (prefix code, last byte); an entry's bytes are read back to front through its prefixes.
  const out = new Uint8Array(count);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  for (let i = 0; i < clear; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let prev = -1;
  let n = 0;
  let bit = 0;
  const emit = (code: number) => {
    const len = length[code]!;
    let c = code;
    for (let k = len - 1; k >= 0; k--) {
      if (n + k < count) out[n + k] = suffix[c]!;
      c = prefix[c]!;
    }
    n += len;
  };
  while (bit + size <= data.length * 8) {
    let code = 0;
    for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i;
    if (code === clear) {
      size = minCodeSize + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) break;
    if (prev < 0) {
      if (code >= clear) throw new Error(`GIF: first code after a clear is ${code}, not a colour`);
      emit(code);
      prev = code;
      continue;
    }
    if (code > next || (code === next && next >= 4096)) throw new Error(`GIF: bad LZW code ${code} (next is ${next})`);
    const head = code < next ? first[code]! : first[prev]!;
    if (next < 4096) {
      prefix[next] = prev;
      suffix[next] = head;
      first[next] = first[prev]!;
      length[next] = length[prev]! + 1;
      next++;
    }
    emit(code);
    if (next === 1 << size && size < 12) size++;
    prev = code;
  }
  return out;
}
