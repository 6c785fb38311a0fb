import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The hex md5 digest of a file, streamed (the 170 MB CIFAR archive never sits in memory). */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function md5Bytes(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}
