import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileError, DownloadError, type DownloadProgress, downloadFile, stderrProgress } from '../src/index.js';
import { closedPort, startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/tmp.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
beforeEach(async () => {
  tmp = tempDir();
  server = await startServer({ '/f.bin': { body: payload } });
});
afterEach(async () => {
  await server.close();
  tmp.cleanup();
});

describe('downloadFile', () => {
  it('downloads, reports progress, verifies the md5 and renames into place', async () => {
    const dest = join(tmp.dir, 'sub', 'f.bin');
    const reports: DownloadProgress[] = [];
    await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload), onProgress: (p) => reports.push({ ...p }) });
    expect(readFileSync(dest).equals(payload)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(reports[0]).toMatchObject({ file: 'f.bin', received: 0, total: payload.length, done: false });
    expect(reports.at(-1)).toMatchObject({ received: payload.length, total: payload.length, done: true });
    const received = reports.map((r) => r.received);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    // present and valid: no second request
    await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload) });
    expect(server.requests.length).toBe(1);
  });

  it('tries the next mirror when one fails', async () => {
    const dest = join(tmp.dir, 'f.bin');
    await downloadFile([`${server.url}missing/f.bin`, `${await closedPort()}f.bin`, `${server.url}f.bin`], dest, {
      md5: md5(payload),
    });
    expect(readFileSync(dest).equals(payload)).toBe(true);
  });

  it('a checksum mismatch deletes the download and names both digests', async () => {
    const dest = join(tmp.dir, 'f.bin');
    const wrong = '0123456789abcdef0123456789abcdef';
    const err = await downloadFile(`${server.url}f.bin`, dest, { md5: wrong }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toContain(`expected ${wrong}, got ${md5(payload)}`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('an interrupted transfer keeps only a .part, and the next call resumes it with a Range request', async () => {
    const dest = join(tmp.dir, 'f.bin');
    server.files.set('/f.bin', { body: payload, cutAfter: 100_000, cutOnceWritten: `${dest}.part` });
    const err = await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload) }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/interrupted after \d+ of 300000 bytes/);
    expect(existsSync(dest)).toBe(false);
    const partSize = readFileSync(`${dest}.part`).length;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(payload.length);

    server.files.set('/f.bin', { body: payload });
    const reports: DownloadProgress[] = [];
    await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload), onProgress: (p) => reports.push({ ...p }) });
    expect(server.requests.at(-1)!.range).toBe(`bytes=${partSize}-`);
    expect(reports[0]).toMatchObject({ resumedFrom: partSize, received: partSize, total: payload.length });
    expect(readFileSync(dest).equals(payload)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('starts over when the server ignores the Range header', async () => {
    const dest = join(tmp.dir, 'f.bin');
    writeFileSync(`${dest}.part`, payload.subarray(0, 1000));
    server.files.set('/f.bin', { body: payload, noRanges: true });
    await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload) });
    expect(readFileSync(dest).equals(payload)).toBe(true);
  });

  it('a stale .part that does not match is replaced after a 416', async () => {
    const dest = join(tmp.dir, 'f.bin');
    writeFileSync(`${dest}.part`, Buffer.alloc(payload.length + 10, 1));
    await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload) });
    expect(readFileSync(dest).equals(payload)).toBe(true);
  });

  it('fails at once when nothing listens, and gives up on a silent server after the timeout', async () => {
    const dest = join(tmp.dir, 'f.bin');
    const t0 = Date.now();
    const err = await downloadFile(`${await closedPort()}f.bin`, dest).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/could not download f\.bin/);
    expect(err.message).toMatch(/ECONNREFUSED|fetch failed/);

    server.files.set('/slow.bin', { body: payload, hang: true });
    const t1 = Date.now();
    const slow = await downloadFile(`${server.url}slow.bin`, join(tmp.dir, 'slow.bin'), { timeoutMs: 300 }).catch(
      (e) => e,
    );
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(slow.message).toMatch(/no data from the server for 300 ms/);
    expect(existsSync(join(tmp.dir, 'slow.bin'))).toBe(false);
  });

  it('reports HTTP errors per mirror', async () => {
    const err = await downloadFile([`${server.url}nope.bin`], join(tmp.dir, 'nope.bin')).catch((e) => e);
    expect(err.attempts).toEqual([{ url: `${server.url}nope.bin`, reason: 'HTTP 404 Not Found' }]);
  });

  it('refuses an existing file whose md5 does not match', async () => {
    const dest = join(tmp.dir, 'f.bin');
    writeFileSync(dest, 'not the file');
    const err = await downloadFile(`${server.url}f.bin`, dest, { md5: md5(payload) }).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(`md5 is ${md5(Buffer.from('not the file'))}, expected ${md5(payload)}`);
  });
});

describe('stderrProgress', () => {
  const fake = (isTTY: boolean) => {
    const out: string[] = [];
    return { stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream, out };
  };
  const report = (received: number, done = false): DownloadProgress => ({
    file: 'f.bin',
    url: 'http://127.0.0.1/f.bin',
    received,
    total: 2_000_000,
    resumedFrom: 0,
    done,
  });

  it('draws a bar in place on a terminal and ends the line when done', () => {
    const { stream, out } = fake(true);
    const p = stderrProgress(stream);
    p(report(0));
    p(report(1_000_000, true));
    expect(out[0]).toBe('\rdownloading [..............................] f.bin 0.0/2.0 MB 0%');
    expect(out.at(-1)).toBe('\rdownloading [###############...............] f.bin 1.0/2.0 MB 50%\n');
  });

  it('writes one line at the start and one at the end otherwise', () => {
    const { stream, out } = fake(false);
    const p = stderrProgress(stream);
    for (let r = 0; r <= 2_000_000; r += 100_000) p(report(r));
    p(report(2_000_000, true));
    expect(out).toEqual(['downloading http://127.0.0.1/f.bin, 2.0 MB\n', 'downloaded f.bin 2.0/2.0 MB 100%\n']);
  });
});
