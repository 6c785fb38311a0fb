import { DataFileError } from './data-file-error.js';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** the path stored in the archive (ustar prefix, PAX `path` and GNU long names applied) */
  name: string;
  type: TarEntryType;
  /** the raw typeflag character, e.g. '0', '5', '2' */
  typeflag: string;
  size: number;
  mode: number;
  /** target of a symlink or hardlink */
  linkName: string;
  /** byte offset of the entry's header in the (uncompressed) tar stream */
  offset: number;
}

/** Receives an entry's bytes; returning one from the visitor asks for the data, returning nothing skips it. */
export interface TarEntrySink {
  write(chunk: Uint8Array): void | Promise<void>;
  end?(): void | Promise<void>;
}

export interface ReadTarOptions {
  /** the archive's name, for error messages */
  file?: string;
  /** checked after each entry: true stops reading early (the rest of the stream is not consumed) */
  until?: () => boolean;
}

const BLOCK = 512;
// PAX headers and GNU long names hold a few paths and numbers; GNU tar itself caps long names far below this
const MAX_META_ENTRY_BYTES = 1 << 20;
const decoder = new TextDecoder();

// Pulls exact byte counts out of a stream of arbitrarily sized chunks, copying only when a read spans chunks.
class ByteReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  offset = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  private async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      const r = await this.it.next();
      if (r.done) return false;
      this.buf = r.value;
      this.pos = 0;
    }
    return true;
  }

  /** n bytes, or fewer only at the end of the stream */
  async read(n: number): Promise<Uint8Array> {
    if (!(await this.fill())) return new Uint8Array(0);
    if (this.buf.length - this.pos >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = Math.min(n - got, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + take), got);
      this.pos += take;
      got += take;
    }
    this.offset += got;
    return got === n ? out : out.subarray(0, got);
  }

  /** passes up to n bytes to `sink` chunk by chunk (or drops them when there is no sink); returns how many */
  async pipe(n: number, sink: ((chunk: Uint8Array) => void | Promise<void>) | undefined): Promise<number> {
    let left = n;
    while (left > 0 && (await this.fill())) {
      const take = Math.min(left, this.buf.length - this.pos);
      const chunk = this.buf.subarray(this.pos, this.pos + take);
      this.pos += take;
      this.offset += take;
      left -= take;
      if (sink) await sink(chunk);
    }
    return n - left;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

function field(h: Uint8Array, start: number, length: number): string {
  const bytes = h.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function numeric(h: Uint8Array, start: number, length: number, what: string, fail: (msg: string) => never): number {
  if (h[start]! & 0x80) {
    // GNU base-256 for sizes past 8 GiB
    let v = 0;
    for (let i = start + 1; i < start + length; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = field(h, start, length).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) fail(`${what} field is '${s}', not an octal number`);
  return Number.parseInt(s, 8);
}

function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = decoder.decode(data);
  let i = 0;
  while (i < text.length) {
    const space = text.indexOf(' ', i);
    if (space < 0) break;
    const len = Number(text.slice(i, space));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = text.slice(space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/**
 * Reads a tar stream (ustar, with PAX and GNU long-name extensions) entry by entry, without buffering more than
 * one chunk: `visit` sees each header and may return a sink for its data. Headers are checksummed; a truncated
 * or corrupted archive raises a DataFileError naming the byte offset in the tar stream.
 */
export async function readTar(
  source: AsyncIterable<Uint8Array>,
  visit: (entry: TarEntry) => TarEntrySink | undefined | Promise<TarEntrySink | undefined>,
  options: ReadTarOptions = {},
): Promise<void> {
  const file = options.file ?? 'tar archive';
  const r = new ByteReader(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const at = r.offset;
      const h = await r.read(BLOCK);
      const fail = (msg: string): never => {
        throw new DataFileError(`${file}: ${msg} (tar header at byte offset ${at})`, { file, offset: at });
      };
      if (h.length === 0) {
        throw new DataFileError(
          `${file}: the archive ends at byte ${at} without an end-of-archive block (truncated?)`,
          {
            file,
            offset: at,
          },
        );
      }
      if (h.length < BLOCK) fail(`truncated: the header is cut off after ${h.length} of ${BLOCK} bytes`);
      if (h.every((b) => b === 0)) {
        // read the padding after the end-of-archive block too, so that a stream cut or corrupted there (a .tar.gz
        // missing its gzip trailer) still fails
        while ((await r.pipe(1 << 20, undefined)) > 0) {}
        return;
      }
      let sum = 0;
      let signed = 0;
      for (let i = 0; i < BLOCK; i++) {
        const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
        sum += b;
        signed += b > 127 ? b - 256 : b;
      }
      const stored = numeric(h, 148, 8, 'checksum', fail);
      if (stored !== sum && stored !== signed) {
        throw new DataFileError(
          `${file}: tar header at byte offset ${at} has checksum ${stored}, but its bytes sum to ${sum} (corrupted archive)`,
          {
            file,
            offset: at,
            expected: stored,
            actual: sum,
          },
        );
      }
      const typeflag = String.fromCharCode(h[156]!).replace('\0', '');
      let size = numeric(h, 124, 12, 'size', fail);
      const ustar = field(h, 257, 6).startsWith('ustar');
      const prefix = ustar ? field(h, 345, 155) : '';
      let name = prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100);
      let linkName = field(h, 157, 100);
      const dataAt = r.offset;
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const truncatedData = (got: number): never => {
        throw new DataFileError(
          `${file}: truncated: entry '${name}' declares ${size} bytes from byte offset ${dataAt}, but the archive ends at byte ${dataAt + got}`,
          { file, offset: dataAt + got, expected: size, actual: got },
        );
      };

      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        // these are held in memory: a huge declared size is refused rather than allocated
        if (size > MAX_META_ENTRY_BYTES) {
          fail(
            `a ${size}-byte extended header or long name (typeflag '${typeflag}'); at most ${MAX_META_ENTRY_BYTES} bytes are accepted`,
          );
        }
        const data = await r.read(padded);
        if (data.length < padded) truncatedData(data.length);
        const body = data.subarray(0, size);
        if (typeflag === 'x') pax = { ...pax, ...parsePax(body) };
        else if (typeflag === 'L') longName = field(body, 0, body.length);
        else if (typeflag === 'K') longLink = field(body, 0, body.length);
        continue;
      }
      if (pax.path !== undefined) name = pax.path;
      else if (longName !== undefined) name = longName;
      if (pax.linkpath !== undefined) linkName = pax.linkpath;
      else if (longLink !== undefined) linkName = longLink;
      if (pax.size !== undefined) {
        if (!/^\d{1,15}$/.test(pax.size)) fail(`PAX size '${pax.size}' is not a byte count`);
        size = Number(pax.size);
      }
      pax = {};
      longName = undefined;
      longLink = undefined;

      const type = typeOf(typeflag);
      // only regular files carry data that counts; other types' size fields are ignored as tar does
      const dataSize = type === 'file' || type === 'other' ? size : 0;
      const entry: TarEntry = {
        name,
        type,
        typeflag,
        size: dataSize,
        mode: numeric(h, 100, 8, 'mode', fail),
        linkName,
        offset: at,
      };
      const sink = await visit(entry);
      const got = await r.pipe(dataSize, sink ? (c) => sink.write(c) : undefined);
      if (got < dataSize) truncatedData(got);
      const pad = Math.ceil(dataSize / BLOCK) * BLOCK - dataSize;
      const gotPad = await r.pipe(pad, undefined);
      if (gotPad < pad) truncatedData(dataSize + gotPad);
      await sink?.end?.();
      if (options.until?.()) return;
    }
  } finally {
    await r.close();
  }
}
