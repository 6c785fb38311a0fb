// Preloaded (`NODE_OPTIONS=--require …/offline-guard.cjs`) by start-offline.test.ts: in the process it is loaded
// into, every way out to the network — fetch, http(s)/http2 requests, TCP and TLS sockets, UDP, DNS — fails as an
// unreachable network does, and is appended to $TRAINKIT_OFFLINE_LOG, so that the test can both prove the guard was
// in force (a --download run's attempt is in the log) and show that a plain `pnpm start` never tried. Unix-domain
// sockets stay open: they are no network (tsx's loader looks for its CLI's IPC socket in the temp dir).
const { appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const log = process.env.TRAINKIT_OFFLINE_LOG;

function refuse(what) {
  if (log) appendFileSync(log, `${what}\n`);
  const err = new Error(`offline guard: ${what} refused (the network is unreachable in this test)`);
  err.code = 'ENETUNREACH';
  return err;
}

function target(args) {
  const [first, second] = args;
  if (typeof first === 'string' || first instanceof URL) return String(first);
  if (first && typeof first === 'object') {
    const host = first.host ?? first.hostname ?? first.path ?? '?';
    return first.port !== undefined ? `${host}:${first.port}` : String(host);
  }
  return second !== undefined ? `${second}:${first}` : String(first);
}

const blocked = (what) =>
  function blockedCall(...args) {
    throw refuse(`${what} ${target(args)}`);
  };

/** net's connect forms that name a Unix-domain socket (or Windows pipe): `(path)`, `({ path })`, `([{ path }])`. */
function isLocalSocket(args) {
  const [first] = Array.isArray(args[0]) ? args[0] : args;
  if (typeof first === 'string') return !/^\d+$/.test(first);
  return first !== null && typeof first === 'object' && typeof first.path === 'string';
}

/** `original` for Unix-domain sockets, refused for TCP. */
const tcpBlocked = (what, original) =>
  function tcpBlockedCall(...args) {
    if (isLocalSocket(args)) return original.apply(this, args);
    throw refuse(`${what} ${target(Array.isArray(args[0]) ? args[0] : args)}`);
  };

for (const [name, mod] of [
  ['http', require('node:http')],
  ['https', require('node:https')],
]) {
  mod.request = blocked(`${name}.request`);
  mod.get = blocked(`${name}.get`);
}
const net = require('node:net');
net.connect = tcpBlocked('net.connect', net.connect);
net.createConnection = tcpBlocked('net.createConnection', net.createConnection);
net.Socket.prototype.connect = tcpBlocked('net.Socket connect', net.Socket.prototype.connect);
require('node:tls').connect = blocked('tls.connect');
require('node:http2').connect = blocked('http2.connect');
require('node:dgram').createSocket = blocked('dgram.createSocket');
const dns = require('node:dns');
for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  dns[fn] = blocked(`dns.${fn}`);
  dns.promises[fn] = async (...args) => {
    throw refuse(`dns.promises.${fn} ${target(args)}`);
  };
}
globalThis.fetch = async (input) => {
  // what undici's fetch rejects with when the host is unreachable
  throw new TypeError('fetch failed', { cause: refuse(`fetch ${input instanceof Request ? input.url : input}`) });
};

if (isMainThread) process.stderr.write('offline guard: active (fetch, http, https, http2, net, tls, dgram, dns)\n');
