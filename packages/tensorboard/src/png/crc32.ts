// PNG's chunk checksum: CRC-32 with the IEEE polynomial, as zlib's crc32() (ISO 3309, PNG spec §5.5). Not the
// CRC-32C that frames TFRecords (crc32c.ts): a different polynomial for a different format. Table-driven because
// it runs over whole IDAT chunks; node:zlib only has crc32() from Node 20.15 on.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3 / zlib) of `bytes`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
