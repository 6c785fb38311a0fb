// Child process of s3.test.ts: rewrites one object with gfile.writeFileAtomic in a loop, each version `size` bytes
// of one value (1, 2, 3 …), reporting each version written, until killed.
import { gfile } from '../../src/index.js';

const [url, size] = [process.argv[2]!, Number(process.argv[3])];
for (let version = 1; ; version++) {
  await gfile.writeFileAtomic(url, new Uint8Array(size).fill(version % 256));
  process.stdout.write(`wrote ${version}\n`);
}
