import { DataFileError } from '../io/data-file-error.js';

// A canonical Huffman table as JPEG's decoders keep it: per code length, the largest code and where its symbols start.
interface HuffmanTable {
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  symbols: Uint8Array;
}

function huffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n > 0) {
      valPtr[len] = k;
      minCode[len] = code;
      code += n;
      k += n;
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  return { maxCode, valPtr, minCode, symbols };
}

interface Component {
  id: number;
  h: number;
  v: number;
}

/**
 * Walks the entropy-coded data of a baseline (sequential Huffman) JPEG the way libjpeg decodes it, without computing
 * a pixel: every block's Huffman codes must be valid, each scan must hold exactly the blocks the frame needs, restart
 * markers must come where DRI puts them, and a scan must end at a marker. These are the damages libjpeg reports as
 * "Corrupt JPEG data" (a bad Huffman code, a premature end of a segment, extraneous bytes before a marker) and
 * jpeg-js decodes into garbage pixels without a word. Progressive and arithmetic-coded files are left to jpeg-js.
 */
export function checkJpegScans(bytes: Uint8Array, file: string): void {
  const fail = (offset: number, msg: string): never => {
    throw new DataFileError(`${file}: cannot decode JPEG: corrupt scan data: ${msg} (byte offset ${offset})`, {
      file,
      offset,
    });
  };
  const dc: (HuffmanTable | undefined)[] = [];
  const ac: (HuffmanTable | undefined)[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let restartInterval = 0;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return; // jpeg-js reports a broken marker structure itself
    const m = bytes[pos + 1]!;
    if (m === 0xff) {
      pos++;
      continue;
    }
    if (m === 0xd9) return;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const body = pos + 4;
    const end = pos + 2 + length;
    if (end > bytes.length) return;
    if (m === 0xc0 || m === 0xc1) {
      height = (bytes[body + 1]! << 8) | bytes[body + 2]!;
      width = (bytes[body + 3]! << 8) | bytes[body + 4]!;
      const n = bytes[body + 5]!;
      components = [];
      for (let i = 0; i < n; i++) {
        const at = body + 6 + 3 * i;
        components.push({ id: bytes[at]!, h: bytes[at + 1]! >> 4, v: bytes[at + 1]! & 15 });
      }
      if (components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) return;
    } else if (m >= 0xc2 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      return; // progressive, lossless or arithmetic: not walked here
    } else if (m === 0xc4) {
      let p = body;
      while (p < end) {
        const cls = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const counts = bytes.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = huffmanTable(counts, bytes.subarray(p + 17, p + 17 + total));
        (cls === 0 ? dc : ac)[id] = table;
        p += 17 + total;
      }
    } else if (m === 0xdd) {
      restartInterval = (bytes[body]! << 8) | bytes[body + 1]!;
    } else if (m === 0xda) {
      if (components.length === 0 || width === 0 || height === 0) return;
      const ns = bytes[body]!;
      const scan: { c: Component; dc: HuffmanTable; ac: HuffmanTable }[] = [];
      for (let i = 0; i < ns; i++) {
        const id = bytes[body + 1 + 2 * i]!;
        const t = bytes[body + 2 + 2 * i]!;
        const c = components.find((x) => x.id === id);
        const d = dc[t >> 4];
        const a = ac[t & 15];
        if (!c || !d || !a) fail(pos, `scan component ${id} has no frame component or Huffman table`);
        scan.push({ c: c!, dc: d!, ac: a! });
      }
      pos = walkScan(bytes, end, scan, components, width, height, restartInterval, fail);
      continue;
    }
    pos = end;
  }
}

/** Decodes one scan's blocks; returns the offset of the marker after it. */
function walkScan(
  bytes: Uint8Array,
  start: number,
  scan: { c: Component; dc: HuffmanTable; ac: HuffmanTable }[],
  components: Component[],
  width: number,
  height: number,
  restartInterval: number,
  fail: (offset: number, msg: string) => never,
): number {
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  let pos = start;
  let bits = 0;
  let nbits = 0;
  const bit = (): number => {
    if (nbits === 0) {
      if (pos >= bytes.length) fail(pos, 'the file ends inside the scan');
      const b = bytes[pos]!;
      if (b === 0xff) {
        const next = bytes[pos + 1];
        if (next !== 0x00) fail(pos, `marker 0xff${(next ?? 0).toString(16)} inside the scan data (premature end)`);
        pos += 2;
      } else {
        pos++;
      }
      bits = b;
      nbits = 8;
    }
    nbits--;
    return (bits >> nbits) & 1;
  };
  const decode = (t: HuffmanTable): number => {
    const at = pos;
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | bit();
      if (code <= t.maxCode[len]!) return t.symbols[t.valPtr[len]! + code - t.minCode[len]!]!;
    }
    return fail(at, 'bad Huffman code');
  };
  const skip = (n: number) => {
    for (let i = 0; i < n; i++) bit();
  };
  const block = (s: { dc: HuffmanTable; ac: HuffmanTable }) => {
    const at = pos;
    const t = decode(s.dc);
    if (t > 11) fail(at, `DC difference of ${t} bits`);
    skip(t);
    for (let k = 1; k < 64; ) {
      const rs = decode(s.ac);
      const r = rs >> 4;
      const size = rs & 15;
      if (size === 0) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) fail(at, 'AC coefficients past the 64th');
      skip(size);
      k++;
    }
  };
  let mcus: number;
  let perMcu: (mcu: number) => void;
  if (scan.length === 1) {
    const { c } = scan[0]!;
    const bx = Math.ceil(Math.ceil((width * c.h) / hMax) / 8);
    const by = Math.ceil(Math.ceil((height * c.v) / vMax) / 8);
    mcus = bx * by;
    perMcu = () => block(scan[0]!);
  } else {
    mcus = Math.ceil(width / (8 * hMax)) * Math.ceil(height / (8 * vMax));
    perMcu = () => {
      for (const s of scan) for (let i = 0; i < s.c.h * s.c.v; i++) block(s);
    };
  }
  let restarts = 0;
  for (let mcu = 0; mcu < mcus; mcu++) {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
      nbits = 0;
      const want = 0xd0 + (restarts++ % 8);
      if (bytes[pos] !== 0xff || bytes[pos + 1] !== want) {
        fail(pos, `expected restart marker 0xff${want.toString(16)} after ${mcu} of ${mcus} MCUs`);
      }
      pos += 2;
    }
    perMcu(mcu);
  }
  // what is left of the last byte is padding; the next thing must be a marker
  let end = pos;
  while (end < bytes.length && !(bytes[end] === 0xff && bytes[end + 1] !== 0x00 && bytes[end + 1] !== 0xff)) end++;
  if (end !== pos) {
    let fill = pos;
    while (fill < end && bytes[fill] === 0xff) fill++;
    if (fill !== end) fail(pos, `${end - pos} extraneous bytes after the scan's ${mcus} MCUs, before the next marker`);
  }
  return end;
}
