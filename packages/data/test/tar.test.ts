import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileError, extractTar, readTar, type TarEntry } from '../src/index.js';
import { tarBytes, tarGz } from './helpers/formats.js';
import { tempDir } from './helpers/tmp.js';

/** Feeds a buffer in uneven chunks, as a network or gunzip stream would. */
async function* chunks(b: Uint8Array, size = 777): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

async function list(b: Uint8Array): Promise<{ entry: TarEntry; data: string }[]> {
  const out: { entry: TarEntry; data: string }[] = [];
  await readTar(chunks(b), (entry) => {
    const parts: Buffer[] = [];
    out.push({ entry, data: '' });
    const rec = out[out.length - 1]!;
    return {
      write: (c) => {
        parts.push(Buffer.from(c));
      },
      end: () => {
        rec.data = Buffer.concat(parts).toString();
      },
    };
  });
  return out;
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('readTar', () => {
  it('streams entries with names, types, sizes and data', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    const entries = await list(
      tarBytes([
        { name: 'dir/', type: '5' },
        { name: 'dir/a.txt', data: 'hello' },
        { name: 'dir/big.bin', data: 'x'.repeat(1500) },
        { name: long, data: 'deep' },
        { name: 'link', type: '2', linkName: 'dir/a.txt' },
      ]),
    );
    expect(entries.map((e) => [e.entry.name, e.entry.type, e.entry.size])).toEqual([
      ['dir/', 'directory', 0],
      ['dir/a.txt', 'file', 5],
      ['dir/big.bin', 'file', 1500],
      [long, 'file', 4],
      ['link', 'symlink', 0],
    ]);
    expect(entries[1]!.data).toBe('hello');
    expect(entries[2]!.data).toBe('x'.repeat(1500));
    expect(entries[3]!.data).toBe('deep');
    expect(entries[4]!.entry.linkName).toBe('dir/a.txt');
    expect(entries[2]!.entry.offset).toBe(1536); // dir header, a.txt header, one block of a.txt data
  });

  it('reads an archive made by the system tar (GNU/PAX headers)', async (ctx) => {
    let version = '';
    try {
      version = execFileSync('tar', ['--version'], { encoding: 'utf8' });
    } catch {
      ctx.skip();
    }
    if (!version) ctx.skip();
    const src = join(tmp.dir, 'src');
    const long = 'n'.repeat(120);
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub', 'one.txt'), 'one');
    writeFileSync(join(src, 'sub', `${long}.txt`), 'long name');
    execFileSync('tar', ['-czf', join(tmp.dir, 'a.tar.gz'), '-C', src, 'sub']);
    const { gunzipSync } = await import('node:zlib');
    const entries = await list(gunzipSync(readFileSync(join(tmp.dir, 'a.tar.gz'))));
    const files = Object.fromEntries(entries.filter((e) => e.entry.type === 'file').map((e) => [e.entry.name, e.data]));
    expect(files).toEqual({ 'sub/one.txt': 'one', [`sub/${long}.txt`]: 'long name' });
  });

  it('names the offset of a corrupted header checksum', async () => {
    const b = tarBytes([
      { name: 'a.txt', data: 'hello' },
      { name: 'b.txt', data: 'world' },
    ]);
    b[1024 + 10] = 0x41; // inside the second header's name
    const err = await list(b).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toMatch(/tar header at byte offset 1024 has checksum \d+, but its bytes sum to \d+/);
    expect(err.offset).toBe(1024);
  });

  it('names the entry and offsets of a truncated archive', async () => {
    const b = tarBytes([{ name: 'a.bin', data: 'z'.repeat(2000) }]);
    const err = await list(b.subarray(0, 1200)).catch((e) => e);
    expect(err.message).toMatch(
      /truncated: entry 'a\.bin' declares 2000 bytes from byte offset 512, but the archive ends at byte 1200/,
    );
    const noEnd = await list(b.subarray(0, 512 + 2048)).catch((e) => e);
    expect(noEnd.message).toMatch(/ends at byte 2560 without an end-of-archive block/);
  });
});

describe('extractTar', () => {
  it('extracts files and directories atomically', async () => {
    const archive = join(tmp.dir, 'a.tar.gz');
    writeFileSync(
      archive,
      tarGz([
        { name: 'top/', type: '5' },
        { name: 'top/x.txt', data: 'x!' },
        { name: 'top/deep/y.txt', data: 'y!' },
      ]),
    );
    const out = join(tmp.dir, 'out');
    expect(await extractTar(archive, out)).toEqual(['top/x.txt', 'top/deep/y.txt']);
    expect(readFileSync(join(out, 'top/x.txt'), 'utf8')).toBe('x!');
    expect(readFileSync(join(out, 'top/deep/y.txt'), 'utf8')).toBe('y!');
  });

  it.each([
    ['../evil.txt', undefined, "'../evil.txt' (path contains '..')"],
    ['ok/../../evil.txt', undefined, "'ok/../../evil.txt' (path contains '..')"],
    ['/etc/evil.txt', undefined, "'/etc/evil.txt' (absolute path)"],
    ['link', '2', "'link' (symlink to '/etc/passwd')"],
    ['hard', '1', "'hard' (hardlink to '/etc/passwd')"],
  ])('refuses %s and writes nothing', async (name, type, message) => {
    const archive = join(tmp.dir, 'bad.tar');
    writeFileSync(
      archive,
      tarBytes([
        { name: 'good.txt', data: 'fine' },
        { name, data: type ? undefined : 'evil', type, linkName: type ? '/etc/passwd' : undefined },
      ]),
    );
    const out = join(tmp.dir, 'out');
    const err = await extractTar(archive, out).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(message);
    expect(err.message).toContain(archive);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(existsSync(join(tmp.dir, 'evil.txt'))).toBe(false);
  });

  it('lists every refused entry', async () => {
    const archive = join(tmp.dir, 'bad.tar.gz');
    writeFileSync(
      archive,
      gzipSync(
        tarBytes([
          { name: '../a', data: '1' },
          { name: 'ok', data: '2' },
          { name: 's', type: '2', linkName: '../x' },
        ]),
      ),
    );
    const err = await extractTar(archive, join(tmp.dir, 'out')).catch((e) => e);
    expect(err.message).toContain("'../a' (path contains '..'), 's' (symlink to '../x')");
  });

  it('reports a truncated .tar.gz with the file name', async () => {
    const archive = join(tmp.dir, 'cut.tar.gz');
    const full = tarGz([{ name: 'a.bin', data: Buffer.alloc(50_000, 7).toString('latin1') }]);
    writeFileSync(archive, full.subarray(0, Math.floor(full.length / 2)));
    const err = await extractTar(archive, join(tmp.dir, 'out')).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(`${archive}: gzip data is truncated or corrupted`);
  });
});
