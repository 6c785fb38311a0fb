import { existsSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DataFileError } from './data-file-error.js';
import { md5File } from './md5.js';
import type { ProgressCallback } from './progress.js';

export interface DownloadOptions {
  /** hex md5 the file must have; checked before it gets its final name */
  md5?: string;
  /** the fetch to use (default: Node's global fetch); tests pass one bound to a local server */
  fetch?: typeof globalThis.fetch;
  /** give up on a server that sends nothing (no response, or no data mid-transfer) for this long; default 15 s */
  timeoutMs?: number;
  onProgress?: ProgressCallback;
}

/** Every URL was tried and none gave the file; `attempts` says why each failed. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly attempts: { url: string; reason: string }[],
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : cause ? String(cause) : '';
  return detail && !err.message.includes(detail) ? `${err.message} (${detail})` : err.message;
}

/**
 * Downloads a file to `dest`, trying `urls` in order. The bytes go to `dest + '.part'`; an existing .part is
 * resumed with an HTTP Range request; the md5 is checked; only then is the file renamed to `dest`. So a failed or
 * interrupted download never leaves a file under the final name: an interrupted one leaves its .part to resume
 * from, a checksum mismatch deletes it. An existing `dest` is kept when its md5 matches (or none is given).
 */
export async function downloadFile(
  urls: string | readonly string[],
  dest: string,
  options: DownloadOptions = {},
): Promise<void> {
  const list = typeof urls === 'string' ? [urls] : [...urls];
  const file = basename(dest);
  if (existsSync(dest)) {
    if (!options.md5) return;
    const actual = await md5File(dest);
    if (actual === options.md5) return;
    throw new DataFileError(
      `${dest}: md5 is ${actual}, expected ${options.md5}; delete the file to download it again`,
      {
        file: dest,
        expected: options.md5,
        actual,
      },
    );
  }
  await mkdir(dirname(dest), { recursive: true });
  const attempts: { url: string; reason: string }[] = [];
  for (const url of list) {
    try {
      await downloadOne(url, dest, options);
      return;
    } catch (err) {
      attempts.push({ url, reason: reasonOf(err) });
    }
  }
  throw new DownloadError(
    `could not download ${file} to ${dirname(dest)}:\n${attempts.map((a) => `  ${a.url}: ${a.reason}`).join('\n')}`,
    file,
    attempts,
  );
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function downloadOne(url: string, dest: string, options: DownloadOptions): Promise<void> {
  const part = `${dest}.part`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const file = basename(dest);
  // At most two requests: a resume, and a fresh start if the server cannot continue where the .part ends.
  for (let tryFresh = false; ; tryFresh = true) {
    const have = tryFresh ? 0 : await sizeOf(part);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no data from the server for ${timeoutMs} ms`)), timeoutMs);
    };
    arm();
    try {
      const res = await fetchImpl(url, {
        headers: have > 0 ? { Range: `bytes=${have}-` } : {},
        signal: controller.signal,
        redirect: 'follow',
      });
      let start = 0;
      let total: number | undefined;
      const length = Number(res.headers.get('content-length') ?? Number.NaN);
      if (res.status === 206 && have > 0) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
        if (!m || Number(m[1]) !== have) {
          await res.body?.cancel();
          if (tryFresh) throw new Error(`server answered a range request with ${res.headers.get('content-range')}`);
          await unlink(part).catch(() => {});
          continue;
        }
        start = have;
        total = m[3] === '*' ? undefined : Number(m[3]);
      } else if (res.status === 416 && have > 0) {
        // the .part may already be whole; if not, start over
        await res.body?.cancel();
        if (!options.md5 || (await md5File(part)) === options.md5) {
          await rename(part, dest);
          return;
        }
        await unlink(part).catch(() => {});
        if (tryFresh) throw new Error('HTTP 416 Range Not Satisfiable');
        continue;
      } else if (res.status === 200) {
        total = Number.isFinite(length) ? length : undefined;
      } else {
        await res.body?.cancel().catch(() => {});
        throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
      }
      if (!res.body) throw new Error('the response has no body');
      const report = (received: number, done: boolean) =>
        options.onProgress?.({ file, url, received, total, resumedFrom: start, done });
      let received = start;
      report(received, false);
      const fh = await open(part, start > 0 ? 'a' : 'w');
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          arm();
          await fh.write(chunk);
          received += chunk.length;
          report(received, false);
        }
      } catch (err) {
        throw new Error(
          `transfer interrupted after ${received}${total ? ` of ${total}` : ''} bytes (${reasonOf(err)}); ${part} is kept and the next download resumes from it`,
        );
      } finally {
        await fh.close();
      }
      if (total !== undefined && received !== total) {
        throw new Error(
          `transfer interrupted after ${received} of ${total} bytes; ${part} is kept and the next download resumes from it`,
        );
      }
      if (options.md5) {
        const actual = await md5File(part);
        if (actual !== options.md5) {
          await unlink(part).catch(() => {});
          throw new DataFileError(
            `md5 mismatch for ${file} from ${url}: expected ${options.md5}, got ${actual}; the download was deleted`,
            {
              file: part,
              expected: options.md5,
              actual,
            },
          );
        }
      }
      await rename(part, dest);
      report(received, true);
      return;
    } finally {
      clearTimeout(timer);
    }
  }
}
