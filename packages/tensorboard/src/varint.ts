/** Protobuf varint helpers for the hand-written scalar encoder. */

export function varintSize(n: number): number {
  if (n < 0) return 10;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes a non-negative integer below 2^53, or a negative one as int64 two's complement (10 bytes). */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0) return writeNegativeVarint(buf, pos, n);
  while (n >= 128) {
    buf[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

function writeNegativeVarint(buf: Uint8Array, pos: number, n: number): number {
  let v = BigInt.asUintN(64, BigInt(n));
  while (v >= 128n) {
    buf[pos++] = Number(v & 127n) | 128;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}
