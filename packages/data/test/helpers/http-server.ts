import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Served {
  body: Buffer;
  /** send only this many bytes of a full (non-range) response, then destroy the socket */
  cutAfter?: number;
  /**
   * with cutAfter: destroy the socket only once this file (the client's .part) holds some bytes. fetch drops the
   * chunks it has buffered but not yet handed over when the connection errors, so cutting on a timer alone leaves
   * an empty .part on a loaded machine, and nothing to resume.
   */
  cutOnceWritten?: string;
  /** answer with this status instead */
  status?: number;
  /** never answer (to test timeouts) */
  hang?: boolean;
  /** ignore Range headers */
  noRanges?: boolean;
}

export interface TestServer {
  url: string;
  requests: { path: string; range: string | undefined }[];
  files: Map<string, Served>;
  close: () => Promise<void>;
}

/** An HTTP server on an ephemeral 127.0.0.1 port serving in-memory files, with Range support and faults on demand. */
export async function startServer(files: Record<string, Served> = {}): Promise<TestServer> {
  const map = new Map(Object.entries(files));
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    requests.push({ path, range });
    const f = map.get(path);
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (f.hang) return;
    if (f.status) {
      res.writeHead(f.status).end();
      return;
    }
    const m = range && !f.noRanges ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      const start = Number(m[1]);
      if (start >= f.body.length) {
        res.writeHead(416, { 'content-range': `bytes */${f.body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': String(f.body.length - start),
        'content-range': `bytes ${start}-${f.body.length - 1}/${f.body.length}`,
      });
      res.end(f.body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': String(f.body.length) });
    if (f.cutAfter !== undefined) {
      res.write(f.body.subarray(0, f.cutAfter), async () => {
        const deadline = Date.now() + 10_000;
        while (f.cutOnceWritten && Date.now() < deadline && (await sizeOf(f.cutOnceWritten)) === 0) await sleep(10);
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    files: map,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening: connections are refused at once, like a machine with no network. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}

const sizeOf = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );
