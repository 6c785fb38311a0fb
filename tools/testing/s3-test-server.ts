// A real S3 server for the tests of s3:// logs and checkpoints: Ceph's RADOS Gateway (Debian's `radosgw`) on a
// single-node Ceph cluster (one monitor, one OSD on memstore, i.e. in memory), in a temporary directory, on free ports
// of 127.0.0.1. It starts in about 16 s on a 2-core machine; .ci/run installs it (apt: radosgw ceph-mon ceph-osd).
// Used by packages/tensorboard, packages/train and apps/cifar-train.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The subset of @aws-sdk/client-s3 the setup uses (passed in: the tests load it through @trainkit/tensorboard). */
export interface S3SdkLike {
  S3Client: new (config: object) => { send(command: unknown): Promise<unknown>; destroy(): void };
  CreateBucketCommand: new (input: { Bucket: string }) => unknown;
}

export interface S3TestServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** the environment a process needs to use the server (endpoint, region, credentials) */
  env: Record<string, string>;
  /** seconds from the first command to the gateway answering with the user created */
  startSeconds: number;
  /** stops the daemons and removes their data */
  stop(): Promise<void>;
}

const DAEMONS = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];

/** Why the server cannot start here (a missing program), or undefined when it can be tried. */
export function s3TestServerUnavailable(): string | undefined {
  const path = (process.env.PATH ?? '').split(':');
  const missing = DAEMONS.filter((p) => !path.some((dir) => existsSync(join(dir, p))));
  if (missing.length > 0) {
    return `no S3 server to test against: ${missing.join(', ')} not installed (apt-get install -y radosgw ceph-mon ceph-osd; .ci/run does)`;
  }
  return undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

// The monitor, the gateway and the OSD's messengers (it binds four ports, retrying along its range) get one block of
// ports found free together, so that clusters started side by side (parallel test runs) keep to their own blocks.
const PORT_BLOCK = 16;

async function freePortBlock(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20000 + Math.floor(Math.random() * (32000 - 20000 - PORT_BLOCK));
    let free = true;
    for (let p = base; p < base + PORT_BLOCK && free; p++) free = await portFree(p);
    if (free) return base;
  }
  throw new Error(`no block of ${PORT_BLOCK} free ports found between 20000 and 32000`);
}

/**
 * Starts the cluster and the gateway, creates a user with fresh keys and the given buckets. Throws (with the
 * daemons stopped) when something does not start within `timeoutMs`.
 */
export async function startS3TestServer(
  sdk: S3SdkLike,
  { buckets = [] as string[], timeoutMs = 60_000 } = {},
): Promise<S3TestServer> {
  const unavailable = s3TestServerUnavailable();
  if (unavailable) throw new Error(unavailable);
  try {
    return await startOnce(sdk, buckets, timeoutMs);
  } catch (err) {
    // A port taken between our check and the daemon's bind (another cluster starting beside this one) shows as a
    // daemon exiting or a 'wrong fsid'; once more on other ports.
    process.stderr.write(`S3 test server: first start failed (${(err as Error).message}); trying other ports\n`);
    return startOnce(sdk, buckets, timeoutMs);
  }
}

async function startOnce(sdk: S3SdkLike, buckets: string[], timeoutMs: number): Promise<S3TestServer> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-s3-'));
  const base = await freePortBlock();
  const [monPort, rgwPort, osdPortMin, osdPortMax] = [base, base + 1, base + 2, base + PORT_BLOCK - 1];
  const fsid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  // No cephx (auth none), pools of one replica, everything under `dir`; the OSD keeps its objects in memory.
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
ms bind ipv6 = false
ms bind port min = ${osdPortMin}
ms bind port max = ${osdPortMax}
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
mon data avail crit = 0
mon data avail warn = 0
[mon.a]
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd
osd crush update on start = false
osd class update on start = false
osd objectstore = memstore
memstore device bytes = 536870912
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
rgw thread pool size = 16
`,
  );
  for (const sub of ['run', 'log', 'mon', 'osd', 'rgw']) mkdirSync(join(dir, sub));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  // A test process that dies without afterAll must not leave daemons behind.
  process.once('exit', killAll);
  const c = ['-c', conf];
  const stop = async () => {
    process.off('exit', killAll);
    killAll();
    await Promise.all(
      children.map((ch) =>
        ch.exitCode === null && ch.signalCode === null ? new Promise((r) => ch.once('exit', r)) : 0,
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const daemon = (cmd: string, args: string[]) => {
    const child = spawn(cmd, [...c, '-f', ...args], { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const deadline = t0 + timeoutMs;
  const timeLeft = () => Math.round(Math.max(1000, deadline - performance.now()));
  try {
    await run('monmaptool', [
      '--create',
      '--clobber',
      '--fsid',
      fsid,
      '--addv',
      'a',
      `[v1:127.0.0.1:${monPort}]`,
      join(dir, 'monmap'),
    ]);
    await run('ceph-mon', [...c, '-i', 'a', '--mkfs', '--monmap', join(dir, 'monmap')]);
    daemon('ceph-mon', ['-i', 'a']);
    // The OSD is registered and put in the CRUSH map here, and told not to do either itself at boot: its own
    // commands can leave before it has the monitor map, and are then refused ('wrong fsid'), killing it.
    const osdUuid = randomUUID();
    const ceph = (...args: string[]) =>
      run('ceph', [...c, '--connect-timeout', String(Math.ceil(timeLeft() / 1000)), ...args], { timeout: timeLeft() });
    await ceph('osd', 'create', osdUuid);
    await ceph('osd', 'crush', 'add', 'osd.0', '1.0', 'root=default');
    await run('ceph-osd', [...c, '-i', '0', '--mkfs', '--osd-uuid', osdUuid], { timeout: timeLeft() });
    daemon('ceph-osd', ['-i', '0']);
    daemon('radosgw', ['-n', 'client.rgw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    // The gateway answers once it has created its pools, which needs the OSD up.
    for (;;) {
      const up = await fetch(endpoint).then(
        (r) => r.status < 500,
        () => false,
      );
      if (up) break;
      for (const ch of children) {
        if (ch.exitCode !== null) throw new Error(`${ch.spawnfile} exited with ${ch.exitCode} (logs in ${dir}/log)`);
      }
      if (performance.now() > deadline) throw new Error(`radosgw did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const accessKey = randomBytes(10).toString('hex').toUpperCase();
    const secretKey = randomBytes(20).toString('hex');
    await run(
      'radosgw-admin',
      [
        ...c,
        'user',
        'create',
        '--uid=trainkit',
        '--display-name=trainkit',
        `--access-key=${accessKey}`,
        `--secret=${secretKey}`,
      ],
      {
        timeout: timeLeft(),
      },
    );
    const env = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: accessKey,
      AWS_SECRET_ACCESS_KEY: secretKey,
    };
    const client = new sdk.S3Client({
      endpoint,
      region: env.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    });
    try {
      for (const bucket of buckets) await client.send(new sdk.CreateBucketCommand({ Bucket: bucket }));
    } finally {
      client.destroy();
    }
    return { endpoint, env, startSeconds: (performance.now() - t0) / 1000, stop };
  } catch (err) {
    // the daemons' logs stay in `dir` for the message's reader
    process.off('exit', killAll);
    killAll();
    throw err;
  }
}

/**
 * The server for one test file, started at its collection (`await s3ServerForTests(…)` at the top level), with
 * its environment set for the file (and the child processes it starts) and everything undone after its tests.
 * Undefined, with the reason printed, where the server's programs are not installed; where they are and it still
 * fails to start, that is a failure under CI (which installs them) and a skip elsewhere.
 */
export async function s3ServerForTests(sdk: S3SdkLike, buckets: string[]): Promise<S3TestServer | undefined> {
  const { afterAll } = await import('vitest');
  const unavailable = s3TestServerUnavailable();
  if (unavailable) {
    console.warn(`skipping the s3:// tests: ${unavailable}`);
    return undefined;
  }
  let server: S3TestServer;
  try {
    server = await startS3TestServer(sdk, { buckets });
  } catch (err) {
    if (process.env.CI) throw err;
    console.warn(`skipping the s3:// tests: the S3 test server (radosgw) did not start: ${(err as Error).message}`);
    return undefined;
  }
  console.log(`radosgw (single-node Ceph) answering on ${server.endpoint} after ${server.startSeconds.toFixed(1)} s`);
  const saved = Object.fromEntries(Object.keys(server.env).map((k) => [k, process.env[k]]));
  // Variables of the developer's own S3 setup would win over AWS_ENDPOINT_URL (see s3SettingsFromEnv).
  const shadowing = ['AWS_ENDPOINT_URL_S3', 'S3_ENDPOINT', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'];
  for (const k of shadowing) saved[k] = process.env[k];
  for (const k of shadowing) delete process.env[k];
  Object.assign(process.env, server.env);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server.stop();
  });
  return server;
}
